/** A read-only preview of the files a plan would create, before they are written. */
import * as vscode from 'vscode';
import type { ScaffoldGenerated } from '../../../server/src/lsp/scaffoldProtocol';

export const PREVIEW_SCHEME = 'lockstep-scaffold';

export class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** The preview document for `plan`: the file list, then every file. */
  show(plan: ScaffoldGenerated, relative: (path: string) => string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${plan.title.replace(/[^\w.-]+/g, '-')}.md` });
    const parts = [`# ${plan.title}`, '', `${plan.files.length} files for ${plan.runner}, not created yet:`, '', ...plan.files.map((f) => `- \`${relative(f.path)}\`${f.appendsTo ? ' (appended)' : ''}`), ''];
    for (const f of plan.files) parts.push(`## ${relative(f.path)}`, '', '```' + (f.path.endsWith('.md') ? 'markdown' : f.path.endsWith('.sql') ? 'sql' : ''), f.content.trimEnd(), '```', '');
    this.texts.set(uri.toString(), parts.join('\n'));
    this.changed.fire(uri);
    return uri;
  }
}
