/**
 * A patched relint hands the findings of statements whose rule hits it carried over out again: the same
 * objects before the edit, moved copies (findings.ts shiftedFinding) after it, so an edit re-emits only the
 * edited statements' findings; and the language server's DiagnosticReuse finds their diagnostics among their
 * statement's, looking only those few up by rule and range. Every result equals a lint from scratch.
 */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { EngineCache, initEngine, lintText, type LintResult } from '../../server/src/engine';
import type { Finding } from '../../server/src/findings';
import { DiagnosticReuse, toDiagnostic } from '../../server/src/lsp/diagnostics';

const PATH = 'V2__findings.sql';

/** Every step has findings (a blocking index, a volatile default); multi-byte text before and after the edits. */
function migration(notes: string[], ignoreAt?: number): string {
  const parts = ['SELECT 1;\n'];
  for (let i = 0; i < notes.length; i++) {
    parts.push(`-- step ${i} 😀 é\n`);
    parts.push(`COMMENT ON TABLE café IS '${notes[i]}';\n`);
    if (i === ignoreAt) parts.push('-- lockstep-ignore require-concurrent-index\n');
    parts.push(`ALTER TABLE café ADD COLUMN "c😀${i}" text NOT NULL DEFAULT 'ü${i}';\n`);
    parts.push(`CREATE INDEX "idx_é${i}" ON café ("c😀${i}");\n`);
  }
  return parts.join('');
}

const json = (findings: readonly Finding[]) => JSON.stringify(findings);

describe('findings of statements an edit left alone', () => {
  before(async () => {
    await initEngine();
  });

  it('are the previous objects before the edit and moved copies after it; only the edited statement\'s are emitted again', () => {
    const notes = Array.from({ length: 80 }, (_, i) => `note ${i}`);
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    const first = lintText(migration(notes), options);
    assert.ok(first.findings.length >= 80, `findings: ${first.findings.length}`);
    let previous: LintResult = first;
    // Longer, shorter, the same length (surrogate pairs inside), and back.
    for (const [at, note] of [[40, 'note 40 😀😀 é'], [40, 'n😀'], [10, 'ééé 10'], [70, 'x'], [40, 'note 40']] as Array<[number, string]>) {
      notes[at] = note;
      const text = migration(notes);
      const result = lintText(text, options);
      assert.equal(cache.stats.patched, true);
      assert.equal(json(result.findings), json(lintText(text, { path: PATH, config: DEFAULT_CONFIG }).findings));
      // A comment edit reruns a few statements: their findings (a handful) are made again, not the file's.
      assert.ok(cache.stats.emittedFindings <= 6, `emitted again: ${cache.stats.emittedFindings} of ${result.findings.length}`);
      const editStart = text.indexOf(`'${note}'`);
      const before = result.findings.filter((f) => f.span.end < editStart);
      const previousBefore = new Set(previous.findings);
      assert.ok(before.length > 0);
      for (const f of before) assert.ok(previousBefore.has(f), `not the previous object: ${JSON.stringify(f)}`);
      // After the edit: copies that share the first lint's message strings (made once, never again).
      const firstMessages = new Set(first.findings.map((f) => f.message));
      const after = result.findings.filter((f) => f.span.start > editStart + note.length + 2);
      assert.ok(after.length > 0);
      assert.ok(after.filter((f) => firstMessages.has(f.message)).length >= after.length - 6);
      previous = result;
    }
  });

  it('with a lockstep-ignore in the file: every finding is emitted again, and ignores and unused ignores are as from scratch', () => {
    const notes = Array.from({ length: 30 }, (_, i) => `note ${i}`);
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    lintText(migration(notes, 12), options);
    notes[20] = 'changed 😀';
    const text = migration(notes, 12);
    const result = lintText(text, options);
    assert.equal(cache.stats.patched, true);
    assert.equal(json(result.findings), json(lintText(text, { path: PATH, config: DEFAULT_CONFIG }).findings));
    assert.ok(cache.stats.emittedFindings >= 30, `emitted: ${cache.stats.emittedFindings}`);
  });
});

describe('DiagnosticReuse on a patched relint', () => {
  before(async () => {
    await initEngine();
  });

  it('finds all but the edited statement\'s diagnostics among their statement\'s, and publishes what a fresh conversion does', () => {
    const notes = Array.from({ length: 80 }, (_, i) => `note ${i}`);
    const cache = new EngineCache();
    const options = { path: PATH, config: DEFAULT_CONFIG, cache };
    const reuse = new DiagnosticReuse('/ext');
    let doc = TextDocument.create('file:///m/V2__findings.sql', 'sql', 1, migration(notes));
    let published = reuse.convert(lintText(doc.getText(), options).findings, doc);
    for (const [at, note] of [[40, 'note 40 😀😀 é'], [5, 'n'], [79, 'the last one, longer'], [40, 'note 40']] as Array<[number, string]>) {
      notes[at] = note;
      doc = TextDocument.create(doc.uri, 'sql', doc.version + 1, migration(notes));
      const result = lintText(doc.getText(), options);
      const diagnostics = reuse.convert(result.findings, doc);
      assert.deepEqual(diagnostics, result.findings.map((f) => toDiagnostic(f, doc, '/ext')));
      assert.ok(reuse.matchedByKey <= 6, `looked up by rule and range: ${reuse.matchedByKey} of ${diagnostics.length}`);
      // A one-line edit moves no finding to another line: every diagnostic is the previous object.
      const before = new Set(published);
      assert.equal(diagnostics.filter((d) => before.has(d)).length, diagnostics.length);
      published = diagnostics;
    }
  });
});
