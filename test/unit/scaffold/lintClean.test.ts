/**
 * Every generated file passes Lockstep's own linter: all plan kinds × every runner format,
 * each file linted (independently of the scaffold's own pass) in the order the runner applies it,
 * against the schema the earlier files leave. The only ignores allowed are explained ones.
 */
import assert from 'node:assert/strict';
import type { Catalog } from '../../../server/src/catalog/catalog';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { catalogFromSql, initEngine, lintText } from '../../../server/src/engine';
import { scaffold } from '../../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../../server/src/scaffold/schema';
import { KINDS } from '../../../server/src/scaffold/kinds';
import { KIND_CASES, RUNNER_IDS, SCHEMA } from './cases';

describe('scaffold: generated files lint clean', function () {
  this.timeout(120_000);
  before(() => initEngine());

  it('covers every registered kind', () => {
    assert.deepEqual(KINDS.map((k) => k.id).filter((id) => !KIND_CASES.some((c) => c.kind === id)), []);
  });

  for (const c of KIND_CASES) {
    for (const runner of RUNNER_IDS) {
      it(`${c.kind} ${JSON.stringify(c.args.to ?? c.args.column ?? c.args.table)} as ${runner}`, () => {
        const config = { ...DEFAULT_CONFIG };
        const result = scaffold({ kind: c.kind, args: c.args, schema: schemaFromSql(SCHEMA, config), runner, migrationsDir: 'db/migrations', existing: [], now: new Date('2024-05-01T10:00:00Z') });
        assert.ok(result.migrations.length >= 1);
        let schema: Catalog = catalogFromSql(SCHEMA, config);
        const problems: string[] = [];
        for (const m of result.migrations) {
          const up = result.files.find((f) => f.path === m.upPath);
          const down = result.files.find((f) => f.path === m.downPath);
          assert.ok(up && down, `${m.migration.name} has an up and a rollback file`);
          // A psql script next to Prisma or Drizzle migrations is linted as one (as a project's config would pin it).
          const linted = lintText(up.content, { path: up.path, config: { ...config, runner: up.lintAs ?? 'auto' }, schema });
          problems.push(...linted.findings.map((f) => `${up.path}: ${f.ruleId}: ${up.content.slice(f.span.start, f.span.end)}`));
          if (down !== up) {
            const back = lintText(down.content, { path: down.path, config: { ...config, runner: down.lintAs ?? 'auto' }, schema: linted.document.catalog });
            problems.push(...back.findings.map((f) => `${down.path}: ${f.ruleId}: ${down.content.slice(f.span.start, f.span.end)}`));
          }
          schema = linted.document.catalog;
        }
        // The other SQL files (verify.sql, Sqitch verify scripts) only read: they lint clean too.
        const migrationFiles = new Set(result.migrations.flatMap((m) => [m.upPath, m.downPath]));
        for (const f of result.files.filter((x) => x.path.endsWith('.sql') && !migrationFiles.has(x.path))) {
          problems.push(...lintText(f.content, { path: f.path, config, schema }).findings.map((x) => `${f.path}: ${x.ruleId}: ${f.content.slice(x.span.start, x.span.end)}`));
        }
        assert.deepEqual(problems, []);
        assert.deepEqual(result.findings, [], "the scaffold's own lint pass agrees");
        for (const f of result.files.filter((x) => x.path.endsWith('.sql'))) {
          for (const line of f.content.split('\n').filter((l) => /lockstep-ignore/.test(l))) {
            assert.match(line, /^-- lockstep-ignore [a-z-]+(, [a-z-]+)*: \S.{20,}$/, `${f.path}: an ignore without a reason: ${line}`);
          }
        }
        // Advice a generated file points at (`PLAN.md, "<section>"`) is in PLAN.md.
        const planMd = result.files.find((f) => f.path.endsWith('PLAN.md'))!.content;
        for (const f of result.files) {
          for (const [, section] of f.content.matchAll(/PLAN\.md, "([^"]+)"/g)) assert.ok(planMd.includes(`\n## ${section}\n`), `${f.path} points at PLAN.md section "${section}", which PLAN.md lacks`);
        }
      });
    }
  }
});
