/** What the shared extraction does with strings, dynamic SQL and loops, and where findings land. */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { lintHostText } from '../../../server/src/frameworks/lint';
import { detectFramework, isHostPath } from '../../../server/src/frameworks/registry';
import { typeorm } from '../../../server/src/frameworks/typeorm';

const config = { ...DEFAULT_CONFIG };
const wrap = (body: string) => `import { MigrationInterface, QueryRunner } from 'typeorm';
export class M1 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
${body}
  }
}
`;

describe('host-file extraction', () => {
  before(() => initEngine());

  it('maps a finding inside a string with escapes and + joins to the exact host characters', () => {
    const text = wrap(`    await queryRunner.query('ALTER TABLE \\"accounts\\"\\n  ' +\n      'ALTER COLUMN plan TYPE varchar(20)');`);
    const result = lintHostText(text, typeorm, { config, path: 'm.ts' });
    const change = result.findings.find((f) => f.ruleId === 'type-change-rewrite')!;
    assert.equal(text.slice(change.span.start, change.span.end), 'plan TYPE varchar(20)');
    assert.equal(result.host.extraction.statements[0].sql, 'ALTER TABLE "accounts"\n  ALTER COLUMN plan TYPE varchar(20)');
  });

  it('reports ${} interpolation, variables and loops as not analysed, once per file, with coverage', () => {
    const text = wrap(
      [
        '    const table = "accounts";',
        '    await queryRunner.query(`CREATE INDEX a_idx ON ${table} (a)`);',
        '    await queryRunner.query(sql);',
        '    for (const t of ["a", "b"]) await queryRunner.query("DROP TABLE x");',
        '    await queryRunner.query("CREATE TABLE fresh (id bigint)");',
      ].join('\n'),
    );
    const result = lintHostText(text, typeorm, { config, path: 'm.ts' });
    assert.deepEqual(result.host.coverage, { understood: 1, notAnalysed: 3 });
    const notAnalysed = result.findings.filter((f) => f.ruleId === 'not-analysed');
    assert.equal(notAnalysed.length, 1);
    assert.equal(text.slice(notAnalysed[0].span.start, notAnalysed[0].span.end), '`CREATE INDEX a_idx ON ${table} (a)`');
    assert.match(notAnalysed[0].message, /3 calls .*template literal with \$\{\} interpolation; SQL in a variable; SQL inside a loop.*Coverage 25%/);
    const off = lintHostText(text, typeorm, { config: { ...config, rules: { 'not-analysed': 'off' } }, path: 'm.ts' });
    assert.deepEqual(off.findings.filter((f) => f.ruleId === 'not-analysed'), []);
  });

  it('reports only on files a framework recognises', () => {
    assert.equal(detectFramework('src/app.ts', 'export function up() { return 1; }'), undefined);
    assert.equal(detectFramework('migrations/1-x.ts', wrap(''))?.id, 'typeorm');
    assert.equal(isHostPath('types/index.d.ts'), false);
    assert.equal(isHostPath('migrations/1-x.sql'), false);
  });

  it('never throws on broken host code', () => {
    const result = lintHostText('export class { async up(queryRunner) { await queryRunner.query(', typeorm, { config, path: 'm.ts' });
    assert.ok(Array.isArray(result.findings));
  });
});
