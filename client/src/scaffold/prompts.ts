/** Asks for one plan parameter: quick picks from the known schema, input boxes for new names and SQL. */
import * as vscode from 'vscode';
import type { KindParam } from '../../../server/src/scaffold/kinds/shared';
import type { ScaffoldContext } from '../../../server/src/lsp/scaffoldProtocol';

/** Returns the value, '' for "leave it to the default", or undefined when the user cancelled. */
export async function askParam(param: KindParam, context: ScaffoldContext, args: Record<string, string | undefined>, prefill: string | undefined): Promise<string | undefined> {
  const title = `Lockstep: ${param.label}`;
  const optional = param.required ? [] : [{ label: '(default)', description: param.help, value: '' }];
  const pick = async (items: Array<{ label: string; description?: string; value: string }>, many = false): Promise<string | undefined> => {
    if (many) {
      const chosen = prefill?.split(',').map((s) => s.trim()) ?? [];
      const qp = await vscode.window.showQuickPick(
        items.map((i) => ({ ...i, picked: chosen.includes(i.value) })),
        { title, placeHolder: param.help, canPickMany: true, ignoreFocusOut: true },
      );
      return qp ? qp.map((i) => i.value).join(',') : undefined;
    }
    const ordered = [...items.filter((i) => i.value === prefill), ...items.filter((i) => i.value !== prefill)];
    const qp = await vscode.window.showQuickPick([...ordered, ...optional], { title, placeHolder: param.help, ignoreFocusOut: true });
    return qp?.value;
  };
  if (param.type === 'table' && context.tables.length) {
    return pick(context.tables.map((t) => ({ label: t.name, description: t.columns.map((c) => c.name).join(', '), value: t.name })));
  }
  if ((param.type === 'column' || param.type === 'columns') && param.of) {
    const table = context.tables.find((t) => t.name === args[param.of!]);
    if (table) return pick(table.columns.map((c) => ({ label: c.name, description: c.type, value: c.name })), param.type === 'columns');
  }
  if (param.type === 'choice' && param.choices) return pick(param.choices.map((c) => ({ label: c, value: c })));
  return vscode.window.showInputBox({
    title,
    prompt: `${param.help}${param.required ? '' : ' (optional: leave empty for the default)'}`,
    value: prefill ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (param.required && !v.trim() ? `${param.label} is required` : undefined),
  });
}
