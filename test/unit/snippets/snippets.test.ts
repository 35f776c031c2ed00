/** Every snippet, its placeholders replaced by their defaults, lints clean; and the manifest contributes them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../support/lint';

const ROOT = join(__dirname, '../../..');
const SNIPPETS = JSON.parse(readFileSync(join(ROOT, 'snippets/sql.json'), 'utf8')) as Record<string, { prefix: string | string[]; body: string[]; description: string }>;

/** The schema the snippets' default names refer to: existing, busy tables. */
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';

/** VS Code snippet syntax → the text it inserts with every placeholder left at its default. */
export function expand(body: string[]): string {
  let text = body.join('\n');
  // Nested defaults (${1:a ${2:b}}) resolve inside out.
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\$\{\d+:([^{}$]*)\}/g, '$1').replace(/\$\{\d+\|([^,|}]*)[^}]*\|\}/g, '$1');
  }
  return text.replace(/\$\{?\d+\}?/g, '').replace(/\\\$/g, '$');
}

/** Where a snippet is meant to live decides the runner Lockstep assumes. */
function pathFor(name: string): string {
  if (/goose/.test(name)) return '/m/20240101000000_snippet.sql';
  if (/dbmate/.test(name)) return '/m/20240101000000_snippet.sql';
  if (/golang-migrate/.test(name)) return '/m/000002_snippet.up.sql';
  return '/m/snippet.sql';
}

describe('snippets', () => {
  it('expands placeholders the way VS Code does (defaults, mirrors, escaped $)', () => {
    assert.equal(expand(['A ${1:t}_${2:c} ON ${1:t} ($2)\\$x$$0']), 'A t_c ON t ()$x$');
  });

  for (const [name, snippet] of Object.entries(SNIPPETS)) {
    it(`"${name}" lints clean, against existing tables`, async () => {
      assert.ok(snippet.description.length > 20 && snippet.prefix.length > 0);
      const sql = expand(snippet.body);
      const result = await lint(sql, { setup: SETUP, path: pathFor(name) });
      assert.ok(result.document.statements.length > 0, `${name} expands to SQL`);
      assert.deepEqual(result.findings.map((f) => `${f.ruleId}: ${f.message}`), [], `${name}:\n${sql}`);
    });
  }

  it('covers the safe patterns the fixes write', () => {
    const all = Object.values(SNIPPETS).map((s) => expand(s.body)).join('\n');
    for (const pattern of [/CREATE INDEX CONCURRENTLY/, /NOT VALID;[\s\S]*VALIDATE CONSTRAINT/, /CHECK \(email IS NOT NULL\) NOT VALID/, /UNIQUE USING INDEX/, /SET lock_timeout/, /SET statement_timeout/, /DO \$backfill\$[\s\S]*COMMIT;/, /-- \+goose NO TRANSACTION/, /-- migrate:up transaction:false/]) {
      assert.match(all, pattern);
    }
  });

  it('are contributed for SQL in package.json and shipped in the .vsix', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.snippets, [{ language: 'sql', path: './snippets/sql.json' }]);
    assert.match(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), /^!snippets\/\*\*$/m);
  });
});
