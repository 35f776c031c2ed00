/**
 * The lock_timeout gaps a relint carries from the previous lint (rules/migration.ts `carriedGaps`): the units
 * an edit leaves alone keep their gap objects (not a copy per unit per edit), and every gap reads what a lint
 * from scratch finds, on the new document's statements.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { durationMs } from '../../server/src/document/settings';
import { initEngine } from '../../server/src/engine';
import { timeoutGaps, type TimeoutGap } from '../../server/src/rules/migration';
import type { MigrationDocument } from '../../server/src/document/model';
import { warmLinter } from './relintPair';

const PATH = 'V3__gaps.sql';

/**
 * 130 transactions (520 statements: a lint of 500 or more builds the indexes before its rules, carrying them over
 * from the previous lint), each altering its own existing table with no lock_timeout (a gap each), a comment in each.
 */
function migration(note: string): string {
  const parts: string[] = [];
  for (let i = 0; i < 130; i++) {
    parts.push('BEGIN;\n', `-- ${i === 100 ? note : `step ${i}`}\n`, `ALTER TABLE t${i} ADD COLUMN c${i} text;\n`, `ALTER TABLE t${i} ALTER COLUMN c${i} SET NOT NULL;\n`, 'COMMIT;\n');
  }
  return parts.join('');
}

const ceiling = durationMs(DEFAULT_CONFIG.lockTimeout);

/** A gap as plain data: its unit's statements by index and text, its waits by statement, object and mode. */
function shape(gaps: Map<number, TimeoutGap>, doc: MigrationDocument): unknown[] {
  return [...gaps].map(([key, g]) => [
    key,
    doc.statements.slice(g.unitStart, g.unitEnd).map((s) => [s.index, s.text]),
    g.waits.map((w) => [w.stmt.index, w.effect.object, w.effect.mode]),
    g.localOutside.map((s) => s.index),
    g.last.index,
  ]);
}

/** Every statement a gap holds is the document's own record at its index. */
function onDocument(gaps: Map<number, TimeoutGap>, doc: MigrationDocument): boolean {
  const own = (s: { index: number }) => doc.statements[s.index] === s;
  return [...gaps.values()].every((g) => g.waits.every((w) => own(w.stmt)) && g.localOutside.every(own) && own(g.last));
}

describe('lock_timeout gaps carried across an edit', () => {
  before(async () => {
    await initEngine();
  });

  it('keeps the gap objects of the units before the edit and matches a fresh lint', () => {
    const { lint, fresh } = warmLinter(PATH);
    const first = lint(migration('step 100'));
    let previous = timeoutGaps(first.document, ceiling);
    assert.equal(previous.size, 130, 'a gap per transaction');
    // Comment edits inside the 101st transaction: longer, with multi-byte text, shorter.
    for (const note of ['step 100 edited', 'é😀 longer note here', 's100']) {
      const second = lint(migration(note));
      const gaps = timeoutGaps(second.document, ceiling);
      const scratch = fresh(migration(note)).document;
      assert.deepEqual(shape(gaps, second.document), shape(timeoutGaps(scratch, ceiling), scratch));
      assert.ok(onDocument(gaps, second.document), 'the gaps hold the new document\'s statements');
      const editedAt = second.document.statements.findIndex((s) => s.text.includes('t100 ADD'));
      let kept = 0;
      for (const [key, gap] of gaps) {
        if (key >= editedAt) continue;
        assert.equal(gap, previous.get(key), `the gap at statement ${key}, before the edit, is the previous lint's object`);
        kept++;
      }
      assert.equal(kept, 100);
      previous = gaps;
    }
  });

  it('the gap of a long unit holding the edit keeps its object when its waits are before the edit (the unit is a statement range, not a list)', () => {
    // One autocommit run of 600 statements: a single wait (the first ALTER), then comments on other tables.
    const text = (note: string) =>
      ['ALTER TABLE t0 ADD COLUMN c0 text NOT NULL DEFAULT 1;\n', ...Array.from({ length: 599 }, (_, i) => `COMMENT ON TABLE t0 IS '${i === 400 ? note : `n${i}`}';\n`)].join('');
    const { lint, fresh } = warmLinter(PATH);
    const first = lint(text('n400'));
    const gaps = timeoutGaps(first.document, ceiling);
    assert.equal(gaps.size, 1);
    const [gap] = gaps.values();
    assert.deepEqual([gap.unitStart, gap.unitEnd], [0, 600]);
    for (const note of ['edited é😀', 'x']) {
      const second = lint(text(note));
      const now = timeoutGaps(second.document, ceiling);
      assert.equal(now.get(0), gap, 'the same gap object after an edit at statement 400');
      const scratch = fresh(text(note)).document;
      assert.deepEqual(shape(now, second.document), shape(timeoutGaps(scratch, ceiling), scratch));
    }
  });
});
