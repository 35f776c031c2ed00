/**
 * rules/namedClause.ts: the span of `DROP COLUMN "name"` and the like, found without a RegExp per
 * name. It must give exactly the span the RegExp gives (checked against it on random texts), and the
 * rules that use it must build no RegExp per finding (counted).
 */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import type { StatementInfo } from '../../../server/src/document/model';
import { escapeRegExp, spanOfMatch } from '../../../server/src/rules/describe';
import { DROP_COLUMN, DROP_NOT_NULL, SET_NOT_NULL, spanOfNamedClause, type NamedClause } from '../../../server/src/rules/namedClause';
import { RULES } from '../../../server/src/rules/index';
import type { Rule } from '../../../server/src/rules/types';
import { lint } from '../../support/lint';

const CLAUSES: [string, NamedClause][] = [
  ['DROP_COLUMN', DROP_COLUMN],
  ['SET_NOT_NULL', SET_NOT_NULL],
  ['DROP_NOT_NULL', DROP_NOT_NULL],
];

// Words, spacing (JavaScript's \s includes U+00A0 and U+FEFF) and look-alikes: the Kelvin sign and the
// long s, which a case-insensitive RegExp without `u` does not take for k and s.
const PIECES = [
  'DROP', 'drop', 'Drop', 'ALTER', 'alter', 'COLUMN', 'Column', 'column', 'IF', 'if', 'EXISTS', 'exists', 'SET', 'set', 'NOT', 'NULL', 'null',
  ' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', '\ufeff', '"', '"', ',', ';', '(', 'x',
  'email', 'EMAIL', 'Email', 'emai', 'col', 'COL', 'colu', 'flag_k', 'FLAG_K', 'flag_\u212a', 'ſtatus', 'status', 'a$b', 'A$B', '_x1',
];
const NAMES = ['email', 'Email', 'col', 'column', 'if', 'exists', 'drop', 'flag_k', 'status', 'a$b', '_x1', 'x', 'e"x', 'two words', 'ſtatus', 'é'];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPACES = [' ', '  ', '\t', '\n', '\u00a0', ''];

/** The words of one of the clauses around `name`, each kept with probability 0.9, with random spacing. */
function clauseLike(label: string, name: string, pick: <T>(xs: readonly T[]) => T, next: () => number): string[] {
  const words =
    label === 'DROP_COLUMN'
      ? [pick(['DROP', 'drop']), pick(['COLUMN', 'column', '']), pick(['IF', 'if', '']), pick(['EXISTS', '']), pick(['"', '']), pick([name, name.toUpperCase(), 'col']), pick(['"', ''])]
      : [pick(['ALTER', 'alter']), pick(['COLUMN', '']), pick(['"', '']), pick([name, name.toUpperCase(), 'status']), pick(['"', '']), pick(['SET', 'DROP', 'set']), pick(['NOT', 'not']), pick(['NULL', 'NUL'])];
  const out: string[] = [];
  for (const w of words) if (next() < 0.9) out.push(w, w === '"' && next() < 0.7 ? '' : pick(SPACES));
  return out;
}

function statement(text: string, start = 100): StatementInfo {
  return { text, span: { start, end: start + text.length } } as StatementInfo;
}

describe('rules/namedClause: spans without a RegExp per name', () => {
  it('gives the span the RegExp gives, on 30,000 random texts', () => {
    const next = random(14);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    let matched = 0;
    for (let i = 0; i < 30_000; i++) {
      const [label, clause] = pick(CLAUSES);
      const name = pick(NAMES);
      const parts: string[] = [];
      const length = 1 + Math.floor(next() * 14);
      for (let j = 0; j < length; j++) {
        // Half the time a near-miss of a clause: its words, spacing, quotes and the name, some left out or swapped.
        const words = next() < 0.5 ? [pick(PIECES)] : clauseLike(label, name, pick, next);
        parts.push(...words);
      }
      const stmt = statement(parts.join(''));
      const expected = spanOfMatch(stmt, clause.pattern(escapeRegExp(name)));
      const actual = spanOfNamedClause(stmt, clause, name);
      assert.deepEqual(actual, expected, `${label}, name ${JSON.stringify(name)}, text ${JSON.stringify(stmt.text)}`);
      if (expected !== stmt.span) matched++;
    }
    assert.ok(matched > 5_000, `enough texts where the clause is found (${matched})`);
  });

  it('finds the clauses the rules underline, and the same as the RegExp on edge cases', () => {
    const cases: [NamedClause, string, string][] = [
      [DROP_COLUMN, 'ALTER TABLE t DROP COLUMN IF EXISTS "Email", DROP email;', 'email'],
      [DROP_COLUMN, 'ALTER TABLE t DROP COLUMN col;', 'col'],
      [DROP_COLUMN, 'ALTER TABLE t DROP column;', 'column'],
      [DROP_COLUMN, 'ALTER TABLE t DROP COLUMN if;', 'if'],
      [DROP_COLUMN, 'ALTER TABLE t DROP\u00a0COLUMN\tflag_K;', 'flag_k'],
      [DROP_COLUMN, 'ALTER TABLE t DROP COLUMN flag_\u212a;', 'flag_k'],
      [SET_NOT_NULL, 'ALTER TABLE t ALTER COLUMN "status" SET NOT NULL;', 'status'],
      [SET_NOT_NULL, 'ALTER TABLE t ALTER status SET NOT NULL, ALTER status2 SET NOT NULL;', 'status'],
      [SET_NOT_NULL, 'ALTER TABLE t ALTER ſtatus SET NOT NULL;', 'status'],
      [DROP_NOT_NULL, 'ALTER TABLE t ALTER COLUMN a$b DROP NOT NULL;', 'a$b'],
    ];
    for (const [clause, text, name] of cases) {
      const stmt = statement(text);
      assert.deepEqual(spanOfNamedClause(stmt, clause, name), spanOfMatch(stmt, clause.pattern(escapeRegExp(name))), text);
    }
    const stmt = statement('ALTER TABLE t DROP COLUMN IF EXISTS "Email";', 0);
    const span = spanOfNamedClause(stmt, DROP_COLUMN, 'email');
    assert.equal(stmt.text.slice(span.start, span.end), 'DROP COLUMN IF EXISTS "Email"');
  });

  it('drop-column, set-not-null and drop-not-null build no RegExp per finding', async () => {
    const setup = 'CREATE TABLE users (id bigint PRIMARY KEY, a text, b text NOT NULL, c text, d text);';
    const sql = 'ALTER TABLE users DROP COLUMN a, ALTER COLUMN b DROP NOT NULL, ALTER COLUMN c SET NOT NULL, DROP d;';
    const { document } = await lint(sql, { setup });
    const [stmt] = document.statements;
    const context = { doc: document, config: { ...DEFAULT_CONFIG } };
    const rule = (id: string): Rule => RULES.find((r) => r.id === id)!;
    const counted = (rule: Rule) => {
      const Original = globalThis.RegExp;
      let built = 0;
      globalThis.RegExp = new Proxy(Original, {
        construct(target, args) {
          built++;
          return Reflect.construct(target, args);
        },
      });
      try {
        const hits = rule.check(stmt, context);
        return { hits: hits.map((h) => sql.slice(h.span!.start, h.span!.end)), built };
      } finally {
        globalThis.RegExp = Original;
      }
    };
    assert.deepEqual(counted(rule('drop-column')), { hits: ['DROP COLUMN a', 'DROP d'], built: 0 });
    assert.deepEqual(counted(rule('drop-not-null')), { hits: ['ALTER COLUMN b DROP NOT NULL'], built: 0 });
    assert.deepEqual(counted(rule('set-not-null')), { hits: ['ALTER COLUMN c SET NOT NULL'], built: 0 });
  });
});
