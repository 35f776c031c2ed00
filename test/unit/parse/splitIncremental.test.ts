/**
 * splitIncremental must give exactly what splitSql gives on the edited text: after every edit of long
 * random sequences (each split made from the previous incremental one, so what a split records for the
 * next edit is checked too), on generated and example migrations and on junk full of quotes, dollar
 * tags, comment openers, COPY data and runner markers.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resumeLogs, splitSql, type SplitResult } from '../../../server/src/parse/split';
import { splitIncremental, splitIncrementalSteps } from '../../../server/src/parse/splitIncremental';
// @ts-expect-error: a plain .mjs module of the benchmarks (no types)
import { generateMigration } from '../../../bench/migration.mjs';
import { random } from '../../support/random';

/** Text that opens, closes or moves what the splitter tracks. */
const TOKENS = [
  "'",
  "''",
  '"',
  '$$',
  '$a$',
  '$1',
  'E\'\\\'',
  '/*',
  '*/',
  '/* c */',
  '--',
  '-- c\n',
  ';',
  '\n',
  '\r\n',
  ' ',
  'x',
  '(',
  ')',
  'BEGIN ATOMIC ',
  ' END',
  'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END;\n',
  'CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2);\n',
  'COPY t FROM stdin;\n1\n\\.\n',
  'COPY t FROM stdin;\n',
  '\\.\n',
  '\\copy t from stdin\n',
  '\\set x 1\n',
  '-- +goose Up\n',
  '-- +goose Down\n',
  '-- +goose StatementBegin\n',
  '-- +goose StatementEnd\n',
  '-- migrate:down\n',
  '--changeset a:1\n',
  'SELECT 1;\n',
  "SELECT 'a\nb';\n",
];

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.55) return text.slice(0, at) + TOKENS[Math.floor(next() * TOKENS.length)] + text.slice(at);
  if (choice < 0.85) return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 12));
  // Replace a short range with a token (a one-line edit that changes the length or not).
  return text.slice(0, at) + TOKENS[Math.floor(next() * TOKENS.length)] + text.slice(at + Math.floor(next() * 4));
}

/** Everything a split hands on, as plain data. */
function plain(split: SplitResult): unknown {
  return { chunks: split.chunks, markers: split.markers, comments: split.comments };
}

const EXAMPLES = join(__dirname, '../../../examples');

function examples(dir: string): string {
  return readdirSync(join(EXAMPLES, dir))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join(EXAMPLES, dir, f), 'utf8'))
    .join('\n');
}

const JUNK = [
  "SELECT 'a;\nSELECT 2;\nSELECT $x$ ; $x$;\n/* open\nSELECT 3;\n",
  'CREATE TABLE t (a int);\n"unterminated ident;\nSELECT 1;\n',
  'SELECT 1;\n\\copy t from stdin\n1\n2\n\\.\nSELECT 2;\nCOPY t FROM stdin;\n3\n\\.\nSELECT 4;\n',
  '-- +goose Up\nSELECT 1;\n-- +goose StatementBegin\nCREATE FUNCTION f() AS $$ ; $$;\n-- +goose StatementEnd\n-- +goose Down\nSELECT 2;\n',
].join('');

describe('splitIncremental equals splitSql after every edit', function () {
  this.timeout(120_000);
  const cases: Array<{ name: string; text: () => string; seed: number; edits: number }> = [
    { name: 'a generated migration', text: () => generateMigration(300).text, seed: 11, edits: 400 },
    { name: 'goose examples (sections, blocks)', text: () => examples('goose'), seed: 12, edits: 400 },
    { name: 'dbmate and flyway examples', text: () => examples('dbmate') + examples('flyway'), seed: 13, edits: 400 },
    { name: 'junk: open quotes, dollar tags, comments, COPY data, markers', text: () => JUNK.repeat(6), seed: 14, edits: 600 },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.edits} random edits`, () => {
      const next = random(c.seed);
      let text = c.text();
      let split = splitSql(text);
      let incremental = 0;
      for (let n = 1; n <= c.edits; n++) {
        const edited = edit(text, next);
        const expected = splitSql(edited);
        const reused = splitIncremental(text, split, edited);
        if (reused) {
          incremental++;
          assert.deepEqual(plain(reused), plain(expected), `edit ${n} (seed ${c.seed}) differs from a split from scratch\n--- before\n${text}\n--- after\n${edited}`);
        }
        text = edited;
        // Chain through the incremental result: what it recorded for the next edit must hold as well.
        split = reused ?? expected;
      }
      // Most edits take the incremental path (the rest fall back: markers, recoveries, the first line).
      assert.ok(incremental > c.edits / 3, `only ${incremental} of ${c.edits} edits were split incrementally`);
    });
  }

  it('reuses the statements before the edit as they are, and shifts those after it', () => {
    const text = 'SELECT 1;\nSELECT 2;\nSELECT 3;\nSELECT 4;\n';
    const before = splitSql(text);
    const edited = text.replace('SELECT 2;', 'SELECT 22;');
    const after = splitIncremental(text, before, edited);
    assert.ok(after);
    assert.equal(after.chunks[0], before.chunks[0], 'the statement before the edit is the same object');
    assert.deepEqual(after.chunks.map((c) => [c.text, c.span.start]), [['SELECT 1;', 0], ['SELECT 22;', 10], ['SELECT 3;', 21], ['SELECT 4;', 31]]);
  });

  it('the next resume log is five views of one buffer (one allocation per edit), and a re-split from it equals splitSql', () => {
    const text = Array.from({ length: 200 }, (_, i) => `SELECT ${i};\n`).join('');
    let previous = splitSql(text);
    let current = text;
    for (const [from, to] of [['SELECT 50;', 'SELECT 5000;'], ['SELECT 150;', 'SELECT 1;'], ['SELECT 10;', 'SELECT 11;']]) {
      const edited = current.replace(from, to);
      const after = splitIncremental(current, previous, edited);
      assert.ok(after);
      const log = resumeLogs.get(after)!;
      const arrays = [log.pos, log.horizon, log.chunks, log.comments, log.spends] as unknown as ArrayBufferView[];
      assert.equal(new Set(arrays.map((a) => a.buffer)).size, 1, 'one buffer');
      assert.deepEqual(after.chunks.map((c) => [c.text, c.span]), splitSql(edited).chunks.map((c) => [c.text, c.span]));
      previous = after;
      current = edited;
    }
  });

  it('an edit on no line that starts with `--` keeps the marker lines, shifting those after it; one that makes such a line looks again', () => {
    const text = '-- migrate:up\nSELECT 1;\nSELECT 2;\n-- migrate:down\nSELECT 3;\n';
    const before = splitSql(text);
    const edited = text.replace('SELECT 2;', 'SELECT 22;');
    const after = splitIncremental(text, before, edited)!;
    assert.deepEqual(plain(after), plain(splitSql(edited)));
    // Not found again: the one before the edit is the previous split's own object.
    assert.equal(after.markers[0], before.markers[0]);
    assert.equal(after.markers[1].span.start, before.markers[1].span.start + 1);
    // A `-` typed at the start of a line that starts with `-` makes a marker line; one removed unmakes it.
    const steps = [
      text.replace('SELECT 2;', '- migrate:down\nSELECT 2;'),
      text.replace('SELECT 2;', '-- migrate:down\nSELECT 2;'),
      text.replace('SELECT 2;', '- migrate:down\nSELECT 2;'),
      text.replace('SELECT 2;\n-- migrate:down', 'SELECT 2;-- migrate:down'),
      text.replace('SELECT 2;\n-- migrate:down', 'SELECT 2;\n-- migrate:down'),
    ];
    let previous = { text, split: before };
    for (const [n, next] of steps.entries()) {
      const split = splitIncremental(previous.text, previous.split, next) ?? splitSql(next);
      assert.deepEqual(plain(split), plain(splitSql(next)), `step ${n}`);
      previous = { text: next, split };
    }
  });

  it('an edit that closes a quote left open earlier re-splits the statements the recovery cut', () => {
    const text = "SELECT 1;\nSELECT 'a;\nSELECT 2;\nSELECT 3;\n";
    const before = splitSql(text);
    const edited = text.replace('SELECT 2;', "SELECT 2';");
    const after = splitIncremental(text, before, edited);
    assert.deepEqual(after && plain(after), plain(splitSql(edited)));
    assert.deepEqual(after!.chunks.map((c) => c.text), ['SELECT 1;', "SELECT 'a;\nSELECT 2';", 'SELECT 3;']);
  });

  it('text appended at the end that closes a construct left open re-splits what its recovery cut', () => {
    const cases: Array<[string, string]> = [
      ["SELECT 'a;\nSELECT 1;\n", "'"],
      ["SELECT 'a;\nSELECT 1;\nSELECT 2;", "'"],
      ['SELECT 1;\n/* open\nSELECT 2;\nSELECT 3;', '*/'],
    ];
    for (const [text, appended] of cases) {
      const edited = text + appended;
      const after = splitIncremental(text, splitSql(text), edited);
      assert.deepEqual(after && plain(after), plain(splitSql(edited)), JSON.stringify(edited));
    }
  });

  it('in slices, yields after each statement it lexes again and returns the same split', () => {
    // A stray quote at the top: its recovery read the whole text, so an edit at the end re-lexes from before it.
    const text = `SELECT 'a;\n${'SELECT 1;\n'.repeat(50)}SELECT 2;\n`;
    const edited = text.replace('SELECT 2;', 'SELECT 22;');
    const steps = splitIncrementalSteps(text, splitSql(text), edited);
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    assert.ok(step.value);
    assert.deepEqual(plain(step.value), plain(splitSql(edited)));
    assert.ok(yields >= 50, `${yields} yields`);
  });
});
