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

/** A gap as plain data: its statements by index and text, its waits by statement, object and mode. */
function shape(gaps: Map<number, TimeoutGap>): unknown[] {
  return [...gaps].map(([key, g]) => [
    key,
    g.unit.map((s) => [s.index, s.text]),
    g.waits.map((w) => [w.stmt.index, w.effect.object, w.effect.mode]),
    g.localOutside.map((s) => s.index),
    g.last.index,
  ]);
}

/** Every statement a gap holds is the document's own record at its index. */
function onDocument(gaps: Map<number, TimeoutGap>, doc: MigrationDocument): boolean {
  const own = (s: { index: number }) => doc.statements[s.index] === s;
  return [...gaps.values()].every((g) => g.unit.every(own) && g.waits.every((w) => own(w.stmt)) && g.localOutside.every(own) && own(g.last));
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
      assert.deepEqual(shape(gaps), shape(timeoutGaps(fresh(migration(note)).document, ceiling)));
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
});
