/**
 * The patch path's moved statements (document/movedStatement.ts): an edit shifts every statement after
 * it, and those records are views of the records the previous lint made (shared, never copied), while
 * reading exactly what a lint from scratch reads: spans, AST offsets, findings. Multi-byte text and
 * UTF-16 surrogate pairs stand before, inside and after the edits (AST locations are UTF-8 bytes).
 */
import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { EngineCache, explain, initEngine, lintText, type LintResult } from '../../server/src/engine';
import { recordOf } from '../../server/src/document/movedStatement';
import type { StatementInfo } from '../../server/src/document/model';
import { chunkList, commentList, startAt, endAt } from '../../server/src/parse/shiftedList';
import { splitSql } from '../../server/src/parse/split';

const PATH = 'V2__moved.sql';

/** Statements with findings (locations from the AST), multi-byte names and strings, comments between them. */
function migration(notes: string[]): string {
  const parts = ["CREATE TABLE IF NOT EXISTS café (id bigint PRIMARY KEY, note text);\n"];
  for (let i = 0; i < notes.length; i++) {
    parts.push(`-- step ${i} 😀 é\n`);
    parts.push(`COMMENT ON TABLE café IS '${notes[i]}';\n`);
    parts.push(`ALTER TABLE café ADD COLUMN "c😀${i}" text NOT NULL DEFAULT 'ü${i}';\n`);
    parts.push(`CREATE INDEX "idx_é${i}" ON café ("c😀${i}");\n`);
  }
  return parts.join('');
}

function fingerprint(result: LintResult): string {
  return JSON.stringify({ findings: result.findings, impacts: explain(result) });
}

/** Spans and AST offsets (a few byte locations) of every statement. */
function positions(statements: readonly StatementInfo[]): unknown[] {
  return statements.map((s) => {
    const bytes = Buffer.byteLength(s.text);
    return [s.index, s.span, s.text, ...[0, 5, 18, 30, bytes - 1].map((b) => s.toDocOffset(Math.min(b, bytes - 1)))];
  });
}

describe('moved statement records after an edit', () => {
  before(async () => {
    await initEngine();
  });

  it('are views of the previous records (shared, not copied) and read what a fresh lint reads, across edits with surrogate pairs', () => {
    const notes = Array.from({ length: 60 }, (_, i) => `note ${i}`);
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    const first = lintText(migration(notes), options);
    const original = first.document.statements;
    // Edits that grow, shrink and keep the length, with surrogate pairs and multi-byte characters.
    const edits: Array<[number, string]> = [
      [3, 'note 3 😀😀 é'],
      [3, 'n😀'],
      [10, 'ééé 10'],
      [40, '😀'],
      [3, 'note 3'],
      [25, 'x'],
    ];
    let previous = first;
    const editedSoFar = new Set<number>();
    for (const [at, note] of edits) {
      notes[at] = note;
      const text = migration(notes);
      const result = lintText(text, options);
      assert.equal(cache.stats.patched, true, `edit at ${at}`);
      const statements = result.document.statements;
      assert.equal(statements.length, original.length);
      const edited = statements.findIndex((s) => s.text === `COMMENT ON TABLE café IS '${note}';`);
      assert.ok(edited > 0);
      editedSoFar.add(edited);
      for (let i = 0; i < statements.length; i++) {
        if (i < edited) assert.equal(statements[i], previous.document.statements[i], `statement ${i} before the edit is the same object`);
        // After it: the record the previous lint read through to; never edited, the first lint's, however many edits moved it.
        if (i > edited) assert.equal(recordOf(statements[i]), recordOf(previous.document.statements[i]), `statement ${i} after the edit at ${edited}`);
        if (i > edited && !editedSoFar.has(i)) assert.equal(recordOf(statements[i]), original[i], `statement ${i} after the edit at ${edited}`);
      }
      const fresh = lintText(text, { path: PATH, config: DEFAULT_CONFIG, cache: new EngineCache() });
      assert.equal(fingerprint(result), fingerprint(fresh));
      assert.deepEqual(positions(statements), positions(fresh.document.statements));
      previous = result;
    }
  });

  it('an edit inside a comment between statements moves every later record without copying it', () => {
    const notes = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    const text = migration(notes);
    const first = lintText(text, options);
    const at = text.indexOf('-- step 5 😀 é') + '-- step 5 😀'.length;
    const edited = text.slice(0, at) + ' 😀😀 more' + text.slice(at);
    const result = lintText(edited, options);
    assert.equal(cache.stats.patched, true);
    const later = result.document.statements.filter((s) => s.span.start > at);
    assert.ok(later.length > 50);
    for (const s of later) assert.equal(recordOf(s), first.document.statements[s.index], `statement ${s.index}`);
    const fresh = lintText(edited, { path: PATH, config: DEFAULT_CONFIG, cache: new EngineCache() });
    assert.equal(fingerprint(result), fingerprint(fresh));
    assert.deepEqual(positions(result.document.statements), positions(fresh.document.statements));
  });

  it("the split's chunks and comments after an edit are the previous split's objects, moved by a number, and read as a fresh split", () => {
    const notes = Array.from({ length: 40 }, (_, i) => `n${i}`);
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    lintText(migration(notes), options);
    const first = cache.lastSplit!.split;
    let previous = first;
    for (const [at, note] of [[2, 'n2 😀😀'], [30, 'é'], [2, ''], [9, 'ü😀ü😀ü']] as const) {
      notes[at] = note;
      const text = migration(notes);
      lintText(text, options);
      assert.equal(cache.stats.patched, true);
      const split = cache.lastSplit!.split;
      const fresh = splitSql(text);
      for (const [list, old, expected] of [
        [chunkList(split), chunkList(previous), fresh.chunks],
        [commentList(split), commentList(previous), fresh.comments],
      ] as const) {
        assert.equal(list.items.length, expected.length);
        const edit = text.indexOf(`'${note}'`);
        for (let i = 0; i < expected.length; i++) {
          assert.deepEqual([startAt(list, i), endAt(list, i), list.items[i].text], [expected[i].span.start, expected[i].span.end, expected[i].text], `item ${i}`);
          if (expected[i].span.start > edit + note.length + 2) assert.equal(list.items[i], old.items[i], `item ${i} after the edit is the previous split's object`);
        }
      }
      // The arrays, made on first read, are a fresh split's.
      assert.deepEqual({ chunks: split.chunks, comments: split.comments, markers: split.markers }, { chunks: fresh.chunks, comments: fresh.comments, markers: fresh.markers });
      previous = split;
    }
  });

  it('a patched document does not hold the documents before it (the views and lazy arrays keep only what they read)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const notes = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    lintText(migration(notes), options);
    const olds: WeakRef<object>[] = [];
    for (let n = 0; n < 4; n++) {
      notes[5] = `edit ${n} 😀`.repeat(n + 1);
      const result = lintText(migration(notes), options);
      assert.equal(cache.stats.patched, true);
      olds.push(new WeakRef(result.document));
    }
    // WeakRefs hold their targets until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.deepEqual(
      olds.map((r) => r.deref() !== undefined),
      [false, false, false, true],
      'only the latest document is alive',
    );
  });

  it('after a column-only edit (a rename) the later records are views too, with the fingerprint and analysis it gave them', () => {
    const names = Array.from({ length: 40 }, (_, i) => `col_${i}`);
    const text = () =>
      [
        'CREATE TABLE IF NOT EXISTS café (id bigint PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS bé (id bigint PRIMARY KEY);\n',
        ...names.map((n, i) => `ALTER TABLE café ADD COLUMN "${n}" text;\n-- ü😀 ${i}\nCREATE INDEX "i😀${i}" ON bé (id);\n`),
      ].join('');
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    let previous = lintText(text(), options);
    for (const [at, name] of [[3, 'renamed😀é'], [3, 'r'], [20, 'ü']] as const) {
      names[at] = name;
      const result = lintText(text(), options);
      assert.equal(cache.stats.patched, true, `rename at ${at}`);
      const edited = result.document.statements.findIndex((s) => s.text.includes(`"${name}"`));
      const statements = result.document.statements;
      // Those that do not read the renamed column's table (its readers are analysed again: columnPatch.ts).
      const later = statements.slice(edited + 1).filter((s) => s.text.includes(' bé '));
      assert.ok(later.length > 15);
      for (const s of later) assert.equal(recordOf(s), recordOf(previous.document.statements[s.index]), `statement ${s.index}`);
      const fresh = lintText(text(), { path: PATH, config: DEFAULT_CONFIG, cache: new EngineCache() });
      assert.equal(fingerprint(result), fingerprint(fresh));
      assert.deepEqual(positions(statements), positions(fresh.document.statements));
      previous = result;
    }
  });
});
