/**
 * Part 4 of the rule catalogue: the same lockstep.config.json turns rules off, overrides their
 * severity and excludes paths for the language server and the CLI alike, for every rule id;
 * ignores work per statement and per file, and an ignore that silences nothing is reported.
 */
import { referencesOf } from '../../../server/src/coderefs/index';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResolver } from '../../../server/src/cli/configs';
import { validateConfig } from '../../../server/src/config/validate';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { resolveEffectiveConfig } from '../../../server/src/lsp/projectConfig';
import { categoryOf, RULE_IDS, RULES, ruleSetting } from '../../../server/src/rules';
import { RULE_CATEGORIES } from '../../../server/src/config/types';
import { readFileSync } from 'node:fs';
import { ensureBuilt, runCli } from '../cli/distCli';
import { findingsOf, lint } from '../../support/lint';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, legacy boolean, email varchar(255));';
const DROP = 'ALTER TABLE users DROP COLUMN legacy;';

describe('rule configuration and ignores', () => {
  it('every rule id is a valid key of "rules", and each setting is accepted', () => {
    const rules = Object.fromEntries(RULE_IDS.map((id, i) => [id, ['off', 'error', 'warning', 'info', 'hint'][i % 5]]));
    const { config, problems } = validateConfig({ rules }, { knownRuleIds: RULE_IDS });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.rules, rules);
  });

  it('"off" silences a rule and a severity overrides its default, for every rule', async () => {
    for (const rule of RULES) {
      const opts = { setup: rule.examples.setup, code: rule.examples.code && referencesOf(rule.examples.code) };
      // A rule that is off by default is on in lockstep:strict; its own entry in "rules" wins either way.
      const preset = rule.defaultOff ? { extends: 'lockstep:strict' as const } : {};
      const on = await findingsOf(rule.id, rule.examples.flagged, { ...opts, config: preset });
      assert.ok(on.length > 0, rule.id);
      assert.deepEqual(await findingsOf(rule.id, rule.examples.flagged, { ...opts, config: { ...preset, rules: { [rule.id]: 'off' } } }), [], rule.id);
      const raised = await findingsOf(rule.id, rule.examples.flagged, { ...opts, config: { rules: { [rule.id]: 'error' } } });
      assert.ok(raised.length > 0 && raised.every((f) => f.severity === 'error'), rule.id);
    }
  });

  it('-- lockstep-ignore <id>, <id>: reason silences those rules on the next statement only', async () => {
    const sql = `-- lockstep-ignore drop-column, require-lock-timeout: legacy is unused since release 42\n${DROP}\n${DROP}`;
    const second = sql.lastIndexOf(DROP);
    const findings = (await lint(sql, { setup: USERS })).findings.filter((f) => ['drop-column', 'require-lock-timeout'].includes(f.ruleId));
    // The lock-timeout finding belongs to the whole autocommit run and sits on its first statement, so ignoring it there silences it.
    assert.deepEqual(findings.map((f) => [f.ruleId, f.span.start >= second]).sort(), [['drop-column', true]]);
    const unignored = (await lint(`${DROP}\n${DROP}`, { setup: USERS })).findings.filter((f) => f.ruleId === 'require-lock-timeout');
    assert.deepEqual(unignored.map((f) => f.span.start), [0]);
  });

  it('-- lockstep-ignore-file <id> silences a rule in the whole file, and an ignore that silences nothing is reported', async () => {
    const sql = `-- lockstep-ignore-file drop-column\n-- lockstep-ignore prefer-jsonb: nothing here uses json\n${DROP}`;
    const findings = (await lint(sql, { setup: USERS })).findings;
    assert.deepEqual(findings.filter((f) => f.ruleId === 'drop-column'), []);
    const [unused] = findings.filter((f) => f.ruleId === 'unused-ignore');
    assert.match(unused.message, /nothing to ignore for prefer-jsonb on the next statement/);
  });

  describe('one lockstep.config.json for the language server and the CLI', function () {
    this.timeout(60_000);
    let dir: string;
    const config = { rules: { 'drop-column': 'off', 'require-lock-timeout': 'off', 'prefer-text': 'warning' }, exclude: ['legacy/**'] };
    const migration = `${USERS}\n${DROP}\nALTER TABLE users ADD COLUMN nickname varchar(40);`;

    before(() => {
      ensureBuilt();
      dir = mkdtempSync(join(tmpdir(), 'lockstep-rule-config-'));
      writeFileSync(join(dir, 'lockstep.config.json'), JSON.stringify(config));
      mkdirSync(join(dir, 'migrations'));
      mkdirSync(join(dir, 'legacy'));
      // Plain files: the first CREATE TABLE makes users "created in this migration", so keep the schema elsewhere.
      writeFileSync(join(dir, 'migrations', 'change.sql'), `${DROP}\nALTER TABLE accounts ADD COLUMN nickname varchar(40);\n`);
      writeFileSync(join(dir, 'legacy', 'old.sql'), migration);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('both resolve the same rules and exclusions', () => {
      const file = join(dir, 'migrations', 'change.sql');
      const lsp = resolveEffectiveConfig(file, { ...DEFAULT_CONFIG });
      const cli = new ConfigResolver(dir).configFor(file);
      assert.deepEqual(lsp.config.rules, config.rules);
      assert.deepEqual(cli.config.rules, lsp.config.rules);
      assert.deepEqual(cli.config.exclude, lsp.config.exclude);
      assert.equal(resolveEffectiveConfig(join(dir, 'legacy', 'old.sql'), { ...DEFAULT_CONFIG }).excluded, true);
      assert.equal(new ConfigResolver(dir).isExcluded(join(dir, 'legacy', 'old.sql')), true);
    });

    it('the bundled CLI applies them: drop-column off, prefer-text raised to warning, legacy/ skipped', () => {
      const run = runCli(['lint', '--format', 'json', '.'], { cwd: dir });
      const report = JSON.parse(run.stdout) as { files: { path: string; findings: { ruleId: string; severity: string }[] }[] };
      assert.deepEqual(report.files.map((f) => f.path), [join('migrations', 'change.sql')]);
      const found = report.files[0].findings.map((f) => `${f.ruleId}:${f.severity}`);
      assert.deepEqual(found, ['prefer-text:warning']);
    });
  });
});

describe('rule categories (issue 10)', () => {
  it('every rule and built-in check has one of the four categories, and its docs page names it', () => {
    for (const id of RULE_IDS) {
      const category = categoryOf(id);
      assert.ok(category && (RULE_CATEGORIES as readonly string[]).includes(category), id);
      const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'rules', `${id}.md`), 'utf8');
      assert.ok(page.includes(`Category: **${category}**`), `${id}.md names its category`);
    }
    assert.deepEqual([...new Set(RULES.map((r) => r.category))].sort(), [...RULE_CATEGORIES].sort(), 'every category has rules');
  });

  it('"categories": { "style": "off" } silences every style rule; other categories keep reporting', async () => {
    const sql = 'CREATE TABLE events (id serial PRIMARY KEY, at timestamp, name varchar(20), body json);\nALTER TABLE users DROP COLUMN legacy;';
    const all = (await lint(sql, { setup: USERS })).findings.map((f) => f.ruleId);
    const styled = all.filter((id) => categoryOf(id) === 'style');
    assert.ok(styled.length >= 3, `style findings without the setting: ${styled.join(', ')}`);
    const off = (await lint(sql, { setup: USERS, config: { categories: { style: 'off' } } })).findings.map((f) => f.ruleId);
    assert.deepEqual(off.filter((id) => categoryOf(id) === 'style'), []);
    assert.deepEqual(off, all.filter((id) => categoryOf(id) !== 'style'));
  });

  it("a category's severity applies to its rules, and a rule's own setting wins over its category's", async () => {
    const sql = 'CREATE TABLE events (id bigint PRIMARY KEY, at timestamp, name varchar(20));';
    const findings = (await lint(sql, { config: { categories: { style: 'off' }, rules: { 'prefer-text': 'error' } } })).findings;
    assert.deepEqual(findings.map((f) => `${f.ruleId}:${f.severity}`), ['prefer-text:error']);
    const raised = (await lint(sql, { config: { categories: { style: 'error' } } })).findings;
    assert.ok(raised.length >= 2 && raised.every((f) => f.severity === 'error'));
    assert.equal(ruleSetting({ rules: {}, categories: { locking: 'info' } }, 'require-lock-timeout'), 'info');
    assert.equal(ruleSetting({ rules: { 'require-lock-timeout': 'off' }, categories: { locking: 'info' } }, 'require-lock-timeout'), 'off');
    assert.equal(ruleSetting({ rules: {}, categories: { hygiene: 'off' } }, 'syntax-error'), 'off');
  });

  it('lockstep.config.json: the validator keeps good categories and reports unknown ones and bad settings', () => {
    const { config, problems } = validateConfig({ categories: { style: 'off', styles: 'off', locking: 'loud' } });
    assert.deepEqual(config.categories, { style: 'off' });
    assert.deepEqual(problems.map((p) => p.path), ['categories.styles', 'categories.locking']);
    assert.match(problems[0].message, /unknown category "styles"; expected "locking", "breaking-change", "hygiene", "style"/);
  });

  it('the language server and the CLI read categories from lockstep.config.json alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-categories-'));
    try {
      writeFileSync(join(dir, 'lockstep.config.json'), JSON.stringify({ categories: { style: 'off' } }));
      const file = join(dir, 'm.sql');
      assert.deepEqual(resolveEffectiveConfig(file, { ...DEFAULT_CONFIG }).config.categories, { style: 'off' });
      assert.deepEqual(new ConfigResolver(dir).configFor(file).config.categories, { style: 'off' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
