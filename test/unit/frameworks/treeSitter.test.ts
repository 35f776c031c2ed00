import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// In a fresh process (grammar state is per process): count how many Language.load calls are in
// flight at once while all host grammars load. Two at once is the race that broke the Ruby grammar
// on CI ("bad export type for 'tree_sitter_python_external_scanner_create'").
const probe = `
const wts = require('web-tree-sitter');
const original = wts.Language.load.bind(wts.Language);
let inFlight = 0, most = 0;
wts.Language.load = async (p) => { inFlight++; most = Math.max(most, inFlight); try { return await original(p); } finally { inFlight--; } };
const ts = require(${JSON.stringify(join(__dirname, '../../../server/src/frameworks/treeSitter.ts'))});
ts.loadHostGrammars().then(() => {
  console.log(JSON.stringify({ most, failures: ts.HOST_GRAMMARS.map((g) => ts.grammarFailure(g) ?? null) }));
});
`;

describe('tree-sitter grammars', () => {
  it('load one at a time, and all of them load', function () {
    this.timeout(60_000);
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', probe], { encoding: 'utf8' });
    const { most, failures } = JSON.parse(out.trim().split('\n').pop()!) as { most: number; failures: (string | null)[] };
    assert.equal(most, 1);
    assert.deepEqual(failures, [null, null, null]);
  });
});
