/** docs/rules/<id>.md: one page per rule, generated lock facts up to date, ignore syntax on every page. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RULE_IDS, ruleById } from '../../../server/src/rules';
import { documentedIds, LOCKS_END, LOCKS_START, renderLocksBlock, updatePage } from '../../../server/src/rules/docs';

const ROOT = resolve(__dirname, '..', '..', '..');
const DOCS = join(ROOT, 'docs', 'rules');
const page = (id: string) => readFileSync(join(DOCS, `${id}.md`), 'utf8');

function generatedBlock(text: string): string {
  const start = text.indexOf(LOCKS_START);
  const end = text.indexOf(LOCKS_END);
  assert.ok(start >= 0 && end > start, 'page has a generated block');
  return text.slice(start, end + LOCKS_END.length);
}

/** The section under a `### heading` of a rendered block, up to the next heading. */
function section(block: string, heading: string): string {
  const start = block.indexOf(`### ${heading}\n`);
  assert.ok(start >= 0, `block has "### ${heading}"`);
  const next = block.indexOf('\n### ', start + 1);
  return block.slice(start, next < 0 ? undefined : next);
}

describe('rule docs', () => {
  it('documents exactly the rule ids: every rule and built-in check has a page, and no page lacks a rule', () => {
    assert.deepEqual([...documentedIds()].sort(), [...RULE_IDS].sort());
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.replace(/\.md$/, ''));
    assert.deepEqual(pages.sort(), [...RULE_IDS].sort());
  });

  for (const id of RULE_IDS) {
    describe(id, () => {
      it('its generated lock block is up to date (rerun `npx tsx scripts/gen-rule-docs.ts` if not)', async () => {
        assert.equal(generatedBlock(page(id)), await renderLocksBlock(id));
      });

      it('shows the ignore comment, the file-wide ignore and the config switch for this id', () => {
        const text = page(id);
        assert.ok(text.includes(`-- lockstep-ignore ${id}`), 'next-statement form');
        assert.ok(text.includes(`-- lockstep-ignore-file ${id}`), 'file form');
        assert.ok(text.includes(`"rules": { "${id}": "off" }`), 'config form');
      });

      it('has its title and filled-in prose outside the generated block', () => {
        const text = page(id);
        assert.ok(text.startsWith(`# ${id}\n`));
        const prose = text.replace(generatedBlock(text), '');
        assert.doesNotMatch(prose, /TODO/);
        assert.ok(prose.length > 800, 'hand-written explanation');
      });
    });
  }

  describe('renderer', () => {
    it('renders lock rows from the model: SHARE for CREATE INDEX, SHARE UPDATE EXCLUSIVE for CONCURRENTLY', async () => {
      const block = await renderLocksBlock('require-concurrent-index');
      assert.match(section(block, 'Flagged'), /^\| orders \| SHARE \| writes, DDL \| no \| yes \|$/m);
      assert.match(section(block, 'Flagged'), /^\| orders_user_id_idx \(index\) \| ACCESS EXCLUSIVE \| nothing \(created here\) \| no \| no \|$/m);
      assert.match(section(block, 'Safe alternative'), /^\| orders \| SHARE UPDATE EXCLUSIVE \| DDL \| no \| yes \|$/m);
      assert.match(block, /Default severity: \*\*warning\*\*/);
    });

    it("quotes the rule's own finding on the flagged example, and says there is none on the clean one", async () => {
      const block = await renderLocksBlock('require-concurrent-index');
      assert.match(section(block, 'Flagged'), /Lockstep reports \(warning\) on `CREATE INDEX orders_user_id_idx ON orders \(user_id\);`/);
      assert.match(section(block, 'Safe alternative'), /Lockstep reports no `require-concurrent-index` finding here\./);
    });

    it('renders version variants, and keeps the model\'s "maybe"', async () => {
      const block = await renderLocksBlock('type-change-rewrite');
      const pg11 = block.slice(block.indexOf('#### PostgreSQL 11'), block.indexOf('#### PostgreSQL 12'));
      const pg12 = block.slice(block.indexOf('#### PostgreSQL 12'));
      assert.match(pg11, /^\| events \| ACCESS EXCLUSIVE \| reads, writes, DDL \| yes \| yes \|$/m);
      assert.match(pg12, /^\| events \| ACCESS EXCLUSIVE \| reads, writes, DDL \| maybe \| maybe \|$/m);
    });

    it('renders built-in checks without lock tables', async () => {
      const block = await renderLocksBlock('syntax-error');
      assert.doesNotMatch(block, /\| relation \|/);
      assert.match(block, /Lockstep reports \(error\) on `DEFALT`/);
    });

    it("every rule's flagged example renders a lock table", async () => {
      // DROP DATABASE, ALTER SCHEMA … RENAME lock no relation: their pages show the finding without a table.
      for (const id of RULE_IDS.filter((r) => ruleById(r) && !['drop-database', 'rename-schema'].includes(r))) {
        assert.match(section(await renderLocksBlock(id), 'Flagged'), /\| relation \| lock \| blocks \| rewrite \| scan \|/, id);
      }
    });
  });

  describe('updatePage', () => {
    const block = `${LOCKS_START}\nnew facts\n${LOCKS_END}`;

    it('replaces only the generated block and keeps the prose around it', () => {
      const before = `# x\n\nprose above\n\n${LOCKS_START}\nold facts\n${LOCKS_END}\n\nprose below\n`;
      assert.equal(updatePage('require-concurrent-index', before, block), `# x\n\nprose above\n\n${block}\n\nprose below\n`);
    });

    it('creates a missing page from the template: title, block, ignore syntax', () => {
      const created = updatePage('set-not-null', undefined, block);
      assert.ok(created.startsWith('# set-not-null\n'));
      assert.ok(created.includes(block));
      assert.ok(created.includes('-- lockstep-ignore set-not-null: '));
      assert.ok(created.includes('-- lockstep-ignore-file set-not-null'));
    });

    it('appends a Locks section to a page that has no markers', () => {
      const updated = updatePage('set-not-null', '# set-not-null\n\nprose\n', block);
      assert.equal(updated, `# set-not-null\n\nprose\n\n## Locks\n\n${block}\n`);
    });
  });

  describe('scripts/gen-rule-docs.ts', function () {
    // Each run spawns tsx over every rule page (about 17 s with 8 jobs on 2 cores); one test runs it twice.
    this.timeout(120000);
    let dir: string;
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'scripts', 'gen-rule-docs.ts'), '--dir', dir, ...args], { cwd: ROOT, encoding: 'utf8' });

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'lockstep-docs-'));
      cpSync(DOCS, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('--check passes on the pages in docs/rules', () => {
      const result = run('--check');
      assert.equal(result.status, 0, result.stderr);
    });

    it('--check fails on a stale block and on a missing page, naming them', () => {
      const stale = join(dir, 'set-not-null.md');
      writeFileSync(stale, readFileSync(stale, 'utf8').replace('| users | ACCESS EXCLUSIVE |', '| users | SHARE |'));
      unlinkSync(join(dir, 'unused-ignore.md'));
      const result = run('--check');
      assert.equal(result.status, 1);
      assert.match(result.stderr, /out of date: .*set-not-null\.md/);
      assert.match(result.stderr, /missing: .*unused-ignore\.md/);
      assert.ok(!existsSync(join(dir, 'unused-ignore.md')), '--check writes nothing');
    });

    it('rewriting restores the block, keeps edited prose and creates missing pages', () => {
      const path = join(dir, 'set-not-null.md');
      const original = readFileSync(path, 'utf8');
      const edited = original.replace('## Why it matters', '## Why it matters\n\nA hand-written extra line.').replace('| users | ACCESS EXCLUSIVE |', '| users | SHARE |');
      writeFileSync(path, edited);
      unlinkSync(join(dir, 'unused-ignore.md'));
      const result = run();
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(path, 'utf8'), original.replace('## Why it matters', '## Why it matters\n\nA hand-written extra line.'));
      assert.ok(readFileSync(join(dir, 'unused-ignore.md'), 'utf8').startsWith('# unused-ignore\n'));
      assert.equal(run('--check').status, 0);
    });

    it('--check fails on a page whose id has no rule', () => {
      writeFileSync(join(dir, 'no-such-rule.md'), '# no-such-rule\n');
      const result = run('--check');
      assert.equal(result.status, 1);
      assert.match(result.stderr, /no rule with this id: .*no-such-rule\.md/);
    });
  });
});
