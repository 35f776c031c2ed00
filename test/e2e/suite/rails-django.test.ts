/**
 * Framework migrations in the real editor: a Rails `.rb` and a Django `.py` migration get the
 * require-concurrent-index squiggle on the exact call, a hover with the SQL the framework sends and
 * its lock, and the quick-fix in the framework's idiom, which removes the diagnostic once applied.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, hasCode, lacksCode, openFixture, rangeOf, waitForDiagnostics, RESOLVE_ALL } from './helpers';


interface Case {
  framework: string;
  file: string;
  /** The host text the squiggle covers exactly. */
  call: string;
  sends: string;
  /** What the applied fix leaves in the file. */
  fixed: string[];
}

const CASES: Case[] = [
  {
    framework: 'Rails',
    file: 'db/migrate/20240102000000_index_users_email.rb',
    call: 'add_index :users, :email',
    sends: 'CREATE INDEX "index_users_on_email" ON "users" ("email")',
    fixed: ['  disable_ddl_transaction!\n', 'add_index :users, :email, algorithm: :concurrently\n'],
  },
  {
    framework: 'Django',
    file: 'shop/migrations/0002_order_status_index.py',
    call: "migrations.AddIndex(\n            model_name='order',\n            index=models.Index(fields=['status'], name='shop_order_status_idx'),\n        )",
    sends: 'CREATE INDEX "shop_order_status_idx" ON "shop_order" ("status")',
    fixed: ['    atomic = False\n', '        AddIndexConcurrently(\n', 'from django.contrib.postgres.operations import AddIndexConcurrently\n'],
  },
];

for (const c of CASES) {
  describe(`${c.framework} migration (${c.file.slice(c.file.lastIndexOf('.'))})`, () => {
    let document: vscode.TextDocument;
    let squiggle: vscode.Diagnostic;

    before(async () => {
      ({ document } = await openFixture(c.file));
      const diagnostics = await waitForDiagnostics(document.uri, `require-concurrent-index in ${c.file}`, hasCode('require-concurrent-index'));
      squiggle = diagnostics.find((d) => codeOf(d) === 'require-concurrent-index')!;
    });
    after(() => vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'));

    it('underlines exactly the call', () => {
      const at = (r: vscode.Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
      const expected = rangeOf(document, c.call);
      assert.ok(squiggle.range.isEqual(expected), `squiggle at ${at(squiggle.range)}, the call at ${at(expected)}`);
    });

    it(`hovers with the SQL ${c.framework} sends and its lock`, async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, squiggle.range.start.translate(0, 3));
      const text = hovers.flatMap((h) => h.contents).map((m) => (typeof m === 'string' ? m : m.value)).join('\n');
      assert.ok(text.includes(`${c.framework} sends:`) && text.includes(c.sends), `hover: ${text}`);
      assert.ok(text.includes('| SHARE |'), `hover names the SHARE lock: ${text}`);
    });

    it(`applies the quick-fix in ${c.framework}'s idiom, and the squiggle goes`, async () => {
      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', document.uri, squiggle.range, undefined, RESOLVE_ALL);
      const fix = actions.find((a): a is vscode.CodeAction => 'edit' in a && !!a.edit && a.title.startsWith('Use CONCURRENTLY'));
      assert.ok(fix, `offered: ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'the fix applies');
      for (const piece of c.fixed) assert.ok(document.getText().includes(piece), `fixed file contains ${JSON.stringify(piece)}:\n${document.getText()}`);
      await waitForDiagnostics(document.uri, `require-concurrent-index to go from ${c.file}`, lacksCode('require-concurrent-index'));
    });
  });
}
