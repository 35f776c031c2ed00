/** The language server replays the earlier migrations next to an open file to learn its schema. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspHarness, codesOf, fileUri } from './harness';

describe('LSP schema from earlier migrations', function () {
  this.timeout(30_000);
  let lsp: LspHarness | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-lsp-history-'));
  });
  afterEach(() => {
    lsp?.dispose();
    lsp = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const WIDEN = "SET lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN note TYPE varchar(80);\n";

  it('knows a column type from an earlier migration file on disk', async () => {
    writeFileSync(join(dir, 'V1__create.sql'), 'CREATE TABLE t (id int PRIMARY KEY, note varchar(50));');
    const path = join(dir, 'V2__widen.sql');
    writeFileSync(path, WIDEN);
    lsp = await LspHarness.start();
    lsp.open(fileUri(path), WIDEN);
    assert.deepEqual(codesOf(await lsp.diagnosticsFor(fileUri(path), 1)), []);
  });

  it('without the earlier file, the same change is only "maybe" a rewrite', async () => {
    const path = join(dir, 'V2__widen.sql');
    writeFileSync(path, WIDEN);
    lsp = await LspHarness.start();
    lsp.open(fileUri(path), WIDEN);
    assert.deepEqual(codesOf(await lsp.diagnosticsFor(fileUri(path), 1)), ['type-change-rewrite']);
  });
});
