/**
 * Answering from the last lint (lastLint.ts) and sliced lints (DocumentLinter.lintSliced), in
 * process: which statements of an edited text still line up with the last lint, and that a lint
 * run in slices gives the same findings as one in one go, or nothing once it is no longer wanted.
 */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/config/types';
import { initEngine } from '../../server/src/engine';
import { DocumentLinter } from '../../server/src/lsp/documentLinter';
import { LastLintLookup, sharedEnds } from '../../server/src/lsp/lastLint';

const URI = 'file:///virtual/last.sql';
const TEXT = 'CREATE INDEX a_idx ON a (x);\nALTER TABLE b ADD COLUMN c int;\nCREATE INDEX c_idx ON c (y);\n';

describe('answering from the last lint', function () {
  this.timeout(60_000);
  before(() => initEngine());

  it('sharedEnds: the common start and end, never overlapping', () => {
    assert.deepEqual(sharedEnds('abcXdef', 'abcYYdef'), { prefix: 3, suffix: 3 });
    assert.deepEqual(sharedEnds('aaaa', 'aaaaaa'), { prefix: 4, suffix: 0 });
    assert.deepEqual(sharedEnds('', 'x'), { prefix: 0, suffix: 0 });
  });

  it('finds statements before and after an edit (shifted), not the edited one', () => {
    const linter = new DocumentLinter(() => undefined);
    const last = linter.lint(TextDocument.create(URI, 'sql', 1, TEXT), undefined, DEFAULT_CONFIG);
    // Line 1 edited (one character longer): line 0 is unchanged in place, line 2 moved by one.
    const edited = TEXT.replace('ADD COLUMN c int', 'ADD COLUMN cc int');
    const doc = TextDocument.create(URI, 'sql', 2, edited);
    const lookup = new LastLintLookup();
    assert.deepEqual(lookup.find(doc, 3, last), { linted: last, offset: 3, delta: 0 });
    const third = edited.indexOf('CREATE INDEX c_idx') + 3;
    assert.deepEqual(lookup.find(doc, third, last), { linted: last, offset: third - 1, delta: 1 });
    assert.equal(lookup.find(doc, edited.indexOf('ALTER TABLE') + 3, last), undefined);
  });

  it('a sliced lint gives the findings of a lint in one go; an unwanted one gives nothing and keeps nothing', async () => {
    const text = `${TEXT}`.repeat(300);
    const whole = new DocumentLinter(() => undefined).lint(TextDocument.create(URI, 'sql', 1, text), undefined, DEFAULT_CONFIG);
    const sliced = new DocumentLinter(() => undefined);
    const linted = await sliced.lintSliced(TextDocument.create(URI, 'sql', 1, text), undefined, DEFAULT_CONFIG, Infinity, () => true);
    assert.deepEqual(linted?.findings, whole.findings);
    assert.ok(whole.findings.length >= 600);
    const dropped = new DocumentLinter(() => undefined);
    let asked = 0;
    // A slice budget of 0: it pauses after the first statement, asks, and stops there.
    const none = await dropped.lintSliced(TextDocument.create(URI, 'sql', 1, text), undefined, DEFAULT_CONFIG, Infinity, () => (asked++, false), 0);
    assert.equal(none, undefined);
    assert.equal(asked, 1);
    assert.equal(dropped.last(URI), undefined);
  });
});
