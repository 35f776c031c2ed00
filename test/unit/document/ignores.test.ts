import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { ignoreWork, parseIgnores } from '../../../server/src/document/ignores';
import { initEngine, lintText } from '../../../server/src/engine';

/** `n` ignore/statement pairs; every ignore silences its own statement's finding. */
function pairs(n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `-- lockstep-ignore require-concurrent-index: fine\nCREATE INDEX i${i} ON t (c);\n`;
  return text;
}

function stepsToLint(text: string): { steps: number; findings: number } {
  const before = ignoreWork.steps;
  const { findings } = lintText(text, { config: DEFAULT_CONFIG });
  // Only the rules the ignores name matter here (other rules may flag the same statements).
  const silenced = findings.filter((f) => f.ruleId === 'require-concurrent-index' || f.ruleId === 'unused-ignore');
  return { steps: ignoreWork.steps - before, findings: silenced.length };
}

describe('ignore comments cost linear work', function () {
  this.timeout(60_000);
  before(() => initEngine());

  it('does ten times the work for ten times the pairs (it was a hundred times)', () => {
    const small = stepsToLint(pairs(300));
    const large = stepsToLint(pairs(3000));
    assert.equal(small.findings, 0);
    assert.equal(large.findings, 0);
    assert.ok(small.steps > 0);
    const ratio = large.steps / small.steps;
    assert.ok(ratio > 8 && ratio < 12, `work grew ${ratio.toFixed(1)}× for 10× the pairs`);
  });

  it('keeps file-wide ignores constant-cost per finding, and still reports the ones that silence nothing', () => {
    const header = '-- lockstep-ignore-file require-concurrent-index\n'.repeat(2000);
    const body = 'CREATE INDEX a ON t (c);\n'.repeat(200);
    const before = ignoreWork.steps;
    const { findings } = lintText(header + body, { config: DEFAULT_CONFIG });
    const steps = ignoreWork.steps - before;
    assert.ok(steps < 20_000, `${steps} steps for 2,000 file ignores × 200 findings`);
    // The first file-wide ignore silences every index; the other 1,999 silence nothing.
    assert.equal(findings.filter((f) => f.ruleId === 'require-concurrent-index').length, 0);
    assert.equal(findings.filter((f) => f.ruleId === 'unused-ignore').length, 1999);
  });

  it('parses a directive in one pass, whatever the comment holds', () => {
    const long = `-- lockstep-ignore require-concurrent-index ${' '.repeat(200_000)}x: ${'why '.repeat(1000)}`;
    const [d] = parseIgnores([{ span: { start: 0, end: long.length }, text: long, kind: 'line' } as never]);
    assert.deepEqual(d.ruleIds, ['require-concurrent-index', 'x']);
    assert.equal(d.reason, 'why '.repeat(1000).trim());
    assert.equal(parseIgnores([{ span: { start: 0, end: 20 }, text: '/* lockstep-ignore-file all */', kind: 'block' } as never])[0].scope, 'file');
    assert.equal(parseIgnores([{ span: { start: 0, end: 20 }, text: '-- lockstep-ignored x', kind: 'line' } as never]).length, 0);
  });
});
