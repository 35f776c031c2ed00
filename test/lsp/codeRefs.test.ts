/**
 * The language server's code-reference index (a worker thread): a contract statement gets a
 * still-referenced diagnostic whose related information points at the code, and renaming the
 * reference away in the code clears it live (workspace/didChangeWatchedFiles), with the hover
 * then saying no code uses the column.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspHarness, fileUri, type Published } from './harness';

const hasStillReferenced = (p: Published) => p.diagnostics.some((d) => d.code === 'still-referenced');
const hoverText = (h: Hover | null) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');

describe('LSP code references', function () {
  this.timeout(60_000);
  let lsp: LspHarness | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-lsp-coderefs-'));
    mkdirSync(join(dir, 'migrations'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'migrations/001_init.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, username text, login text);\n');
  });
  afterEach(() => {
    lsp?.dispose();
    lsp = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the code as related information, and clears the finding when the code stops using the column', async () => {
    const code = join(dir, 'src/users.ts');
    writeFileSync(code, "export const find = (db: any, name: string) =>\n  db.query('SELECT id FROM users WHERE username = $1', [name]);\n");
    const migration = join(dir, 'migrations/002_drop.sql');
    const sql = 'ALTER TABLE users DROP COLUMN username;\n';
    writeFileSync(migration, sql);
    lsp = await LspHarness.start({ workspaceFolders: [dir] });
    const uri = fileUri(migration);
    lsp.open(uri, sql);
    // The first lint may run before the worker has finished; the index's arrival re-lints.
    const first = lsp.diagnostics.all(uri).find(hasStillReferenced) ?? (await lsp.nextDiagnostics(uri, hasStillReferenced, 45_000));
    const finding = first.diagnostics.find((d) => d.code === 'still-referenced')!;
    assert.equal(finding.severity, 1);
    assert.deepEqual(finding.relatedInformation, [
      {
        location: { uri: fileUri(code), range: { start: { line: 1, character: 39 }, end: { line: 1, character: 47 } } },
        message: 'reads users.username',
      },
    ]);
    assert.match(hoverText(await lsp.hover(uri, { line: 0, character: 3 })), /1 place in this workspace's code uses users\.username/);

    writeFileSync(code, "export const find = (db: any, name: string) =>\n  db.query('SELECT id FROM users WHERE login = $1', [name]);\n");
    lsp.fileChanged(fileUri(code));
    await lsp.nextDiagnostics(uri, (p) => !hasStillReferenced(p), 45_000);
    assert.match(hoverText(await lsp.hover(uri, { line: 0, character: 3 })), /No code in this workspace uses users\.username\./);
  });
});
