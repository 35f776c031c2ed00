/**
 * A one-shot lint (the CLI's lintText, buildDocument, catalogFromSql) runs to the end without pausing: its generators
 * never yield, so runToEnd resumes each once, not once per statement (the splitter, the build
 * loop, the section analysis and the rules' loop each paused per statement before). The language
 * server's lintSteps still pauses after each statement, and both give the same findings.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { buildDocument, runToEnd, stepCounts } from '../../../server/src/document/model';
import { catalogFromSql, initEngine, lintSteps, lintText } from '../../../server/src/engine';
import { parseChunk } from '../../../server/src/parse/pgParser';

before(() => initEngine({ hostGrammars: false }));

/** How many times runToEnd resumed a generator while `run` ran. */
function resumesOf(run: () => void): number {
  const before = stepCounts.resumes;
  run();
  return stepCounts.resumes - before;
}

describe('one-shot lint: no pause per statement', () => {
  // Over 500 statements, so the rules' document indexes would be warmed in steps (engine.ts WARM_INDEXES_FROM).
  const statements: string[] = [];
  for (let i = 0; i < 300; i++) statements.push(`ALTER TABLE t${i % 7} ADD COLUMN c${i} int NOT NULL DEFAULT 0;`, `CREATE INDEX i${i} ON t${i % 7} (c${i});`);
  const sql = ['BEGIN;', 'CREATE TABLE t0 (id int);', ...statements, 'COMMIT;'].join('\n');

  it('lintText resumes its generators a few times in all, not per statement', () => {
    let statementCount = 0;
    const resumes = resumesOf(() => {
      statementCount = lintText(sql, { config: DEFAULT_CONFIG }).document.statements.length;
    });
    assert.equal(statementCount, 603);
    // One for the lint, one for each whole-document index a rule builds on first use (two here).
    assert.equal(resumes, 3);
  });

  it('buildDocument resumes its generator once in all', () => {
    const resumes = resumesOf(() => buildDocument(sql, { config: DEFAULT_CONFIG, parse: parseChunk }));
    assert.equal(resumes, 1);
  });

  it('catalogFromSql resumes its generator once in all', () => {
    let catalog: ReturnType<typeof catalogFromSql> | undefined;
    const resumes = resumesOf(() => {
      catalog = catalogFromSql(sql, DEFAULT_CONFIG);
    });
    assert.ok(catalog?.column('t0', 'c0'));
    assert.equal(resumes, 1);
  });

  it('lintSteps still pauses after each statement, with the same findings', () => {
    let stepped: ReturnType<typeof lintText> | undefined;
    const resumes = resumesOf(() => {
      stepped = runToEnd(lintSteps(sql, { config: DEFAULT_CONFIG }));
    });
    assert.ok(resumes > 603 * 3, `${resumes} resumes`);
    const once = lintText(sql, { config: DEFAULT_CONFIG });
    assert.ok(once.findings.length > 0);
    assert.deepEqual(JSON.stringify(stepped?.findings), JSON.stringify(once.findings));
  });
});
