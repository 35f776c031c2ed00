/**
 * The injection grammar (syntaxes/lockstep-sql.injection.tmLanguage.json) highlights Lockstep's
 * ignore comments and the goose/dbmate runner markers in SQL files. VS Code runs its regexes with
 * Oniguruma; they keep to the subset JavaScript shares (plus a leading `(?i)`), so they are checked
 * here with JavaScript's engine against the lines they must and must not match. The directive and
 * marker lines are also checked against the parsers Lockstep itself uses, so highlight and meaning agree.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIgnores } from '../../../server/src/document/ignores';
import { parseMarkerLine } from '../../../server/src/parse/markers';

const ROOT = join(__dirname, '..', '..', '..');
const GRAMMAR_PATH = join(ROOT, 'syntaxes', 'lockstep-sql.injection.tmLanguage.json');
const grammar = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8'));

/** Oniguruma source → JS RegExp: only a leading `(?i)` needs translating. */
function compile(source: string): RegExp {
  const insensitive = source.startsWith('(?i)');
  const body = insensitive ? source.slice(4) : source;
  assert.doesNotMatch(body, /\(\?[^:=!]/, `only (?:, (?= and (?! groups, so Oniguruma and JS agree: ${source}`);
  return new RegExp(body, insensitive ? 'i' : '');
}

const rule = (name: string) => compile(grammar.repository[name].match);

describe('syntaxes: Lockstep injection grammar', () => {
  it('is injected into SQL, outside strings, and every repository entry is used', () => {
    assert.equal(grammar.injectionSelector, 'L:source.sql -string -comment.block');
    assert.equal(grammar.scopeName, 'lockstep.sql.injection');
    const included = new Set(JSON.stringify(grammar).match(/"#[\w-]+"/g)!.map((s: string) => s.slice(2, -1)));
    assert.deepEqual([...included].sort(), Object.keys(grammar.repository).sort());
  });

  it('is contributed in package.json for source.sql', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const entry = pkg.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === grammar.scopeName);
    assert.ok(entry, 'contributes.grammars has the injection grammar');
    assert.deepEqual(entry.injectTo, ['source.sql']);
    assert.equal(join(ROOT, entry.path), GRAMMAR_PATH);
  });

  describe('ignore comments', () => {
    const line = rule('ignore-line');
    const block = rule('ignore-block');
    const ids = compile(grammar.repository['rule-ids'].patterns[0].match);

    it('matches next-statement and file-wide ignores, capturing the ids and the reason', () => {
      const m = line.exec('-- lockstep-ignore require-concurrent-index, require-lock-timeout: the table is empty')!;
      assert.equal(m[2], 'lockstep-ignore');
      assert.equal(m[3].trim(), 'require-concurrent-index, require-lock-timeout');
      assert.equal(m[5].trim(), 'the table is empty');
      assert.deepEqual(m[3].match(new RegExp(ids.source, 'g')), ['require-concurrent-index', 'require-lock-timeout']);
      const file = line.exec('--lockstep-ignore-file drop-column')!;
      assert.equal(file[2], 'lockstep-ignore-file');
      assert.equal(file[3].trim(), 'drop-column');
      assert.equal(file[4], undefined);
    });

    it('matches an ignore that ends a line of SQL, and the block-comment form', () => {
      const sql = 'CREATE INDEX i ON t (a); -- lockstep-ignore require-concurrent-index: small';
      assert.equal(line.exec(sql)!.index, sql.indexOf('--'));
      const b = block.exec('/* lockstep-ignore drop-table: archived */ DROP TABLE t;')!;
      assert.equal(b[3].trim(), 'drop-table');
      assert.equal(b[5].trim(), 'archived');
    });

    it('does not match other comments or look-alike words', () => {
      for (const text of ['-- ignore this', '-- lockstep-ignored drop-table', '-- lockstep-ignorefile x', '-- squawk-ignore ban-drop-column', '-- eugene: ignore E2']) {
        assert.equal(line.exec(text), null, text);
      }
    });

    it('highlights exactly the comments Lockstep obeys', () => {
      for (const text of ['-- lockstep-ignore drop-table: archived', '-- lockstep-ignore-file prefer-text', '/* lockstep-ignore truncate: reset */']) {
        const parsed = parseIgnores([{ kind: text.startsWith('/*') ? 'block' : 'line', text, span: { start: 0, end: text.length } }]);
        const highlighted = (text.startsWith('/*') ? block : line).exec(text);
        assert.equal(parsed.length, 1, text);
        assert.ok(highlighted, text);
        assert.deepEqual(highlighted![3].match(new RegExp(ids.source, 'g')), parsed[0].ruleIds);
      }
    });
  });

  describe('runner markers', () => {
    const goose = rule('goose-marker');
    const dbmate = rule('dbmate-marker');

    it('matches goose annotations at the start of a line, in any case', () => {
      for (const text of ['-- +goose Up', '-- +goose Down', '-- +goose StatementBegin', '-- +goose StatementEnd', '-- +goose NO TRANSACTION', '--+goose up', '-- +goose ENVSUB ON']) {
        assert.ok(goose.exec(text), text);
      }
    });

    it('matches dbmate sections and captures their options', () => {
      const m = dbmate.exec('-- migrate:up transaction:false')!;
      assert.equal(m[2], 'migrate:up');
      assert.equal(m[3].trim(), 'transaction:false');
      assert.ok(dbmate.exec('-- migrate:down'));
    });

    it('does not match indented markers, unknown annotations or look-alikes (the runners would not split there)', () => {
      for (const text of ['  -- +goose Up', '-- +goose Sideways', '-- +gooseUp', 'SELECT 1; -- +goose Up', '-- migrate:upgrade', '  -- migrate:up', '-- migration:up']) {
        assert.equal(goose.exec(text) ?? dbmate.exec(text), null, text);
      }
    });

    it('highlights the lines Lockstep reads as markers (ENVSUB aside, which is no section marker)', () => {
      for (const text of ['-- +goose Up', '-- +goose NO TRANSACTION', '-- migrate:down transaction:false']) {
        assert.ok(parseMarkerLine(text, 0), text);
        assert.ok(goose.exec(text) ?? dbmate.exec(text), text);
      }
      for (const text of ['  -- migrate:up', '-- +goose Sideways']) assert.equal(parseMarkerLine(text, 0), undefined, text);
    });
  });
});
