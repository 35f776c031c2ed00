import { strict as assert } from 'node:assert';
import { artifactUri, sarifReporter } from '../../../server/src/cli/reporters/sarif';
import { ruleById } from '../../../server/src/rules';
import { sarifValidator } from './sarifSchema';
import { expectedPosition, FINDINGS, sampleReport, SOURCE } from './sampleReport';

describe('sarif reporter', () => {
  const validate = sarifValidator();

  it('the schema check is not a rubber stamp', () => {
    const log = JSON.parse(sarifReporter(sampleReport(), { color: false }));
    log.runs[0].results[0].level = 'severe';
    assert.equal(validate(log), false);
    const noRegion = JSON.parse(sarifReporter(sampleReport(), { color: false }));
    noRegion.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.equal(validate(noRegion), false);
  });

  it('writes a log that is valid SARIF 2.1.0', () => {
    const log = JSON.parse(sarifReporter(sampleReport(), { color: false }));
    assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
    const empty = JSON.parse(sarifReporter(sampleReport([]), { color: false }));
    assert.equal(validate(empty), true, JSON.stringify(validate.errors, null, 2));
  });

  it('describes each rule once, with its docs link', () => {
    const [run] = JSON.parse(sarifReporter(sampleReport([...FINDINGS, FINDINGS[0]]), { color: false })).runs;
    assert.equal(run.tool.driver.name, 'Lockstep');
    assert.equal(run.tool.driver.version, '9.9.9');
    assert.deepEqual(
      run.tool.driver.rules.map((r: { id: string; helpUri: string }) => [r.id, r.helpUri]),
      FINDINGS.map((f) => [f.ruleId, `file:///opt/lockstep/${f.docs}`]),
    );
    assert.equal(run.results.length, 4);
    // Titles come from the rule registry; ids it does not know get none.
    assert.equal(run.tool.driver.rules[0].shortDescription.text, ruleById('require-concurrent-index')!.title);
    assert.equal(run.tool.driver.rules[1].shortDescription, undefined);
    // Each known rule is tagged with its category.
    assert.deepEqual(run.tool.driver.rules[0].properties, { tags: ['locking'] });
    assert.equal(run.tool.driver.rules[1].properties, undefined);
    assert.equal(run.results[3].ruleIndex, 0);
  });

  it('maps severities and 1-based regions with UTF-16 columns', () => {
    const [run] = JSON.parse(sarifReporter(sampleReport(), { color: false })).runs;
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.deepEqual(run.results.map((r: { level: string }) => r.level), ['warning', 'error', 'note']);
    run.results.forEach((result: Record<string, any>, i: number) => {
      const start = expectedPosition(SOURCE, FINDINGS[i].span.start);
      const end = expectedPosition(SOURCE, FINDINGS[i].span.end);
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      assert.equal(result.ruleId, FINDINGS[i].ruleId);
      assert.equal(result.message.text, FINDINGS[i].message);
      assert.equal(artifactLocation.uri, 'db/migrations/V2__orders%2C%20part%201.sql');
      assert.deepEqual(
        [region.startLine, region.startColumn, region.endLine, region.endColumn],
        [start.line, start.column, end.line, end.column],
      );
    });
  });

  it('reports files that could not be linted as failed-execution notifications', () => {
    const report = sampleReport();
    report.errors = [{ path: 'lockstep.config.json', message: 'invalid JSON', line: 3, column: 5 }, { path: '<stdin>', message: 'binary' }];
    const log = JSON.parse(sarifReporter(report, { color: false }));
    assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
    const [invocation] = log.runs[0].invocations;
    assert.equal(invocation.executionSuccessful, false);
    assert.equal(invocation.toolExecutionNotifications.length, 2);
    assert.deepEqual(invocation.toolExecutionNotifications[0].locations[0].physicalLocation.region, { startLine: 3, startColumn: 5 });
  });

  it('turns paths into URI references', () => {
    assert.equal(artifactUri('migrations/V1__a b.sql'), 'migrations/V1__a%20b.sql');
    assert.equal(artifactUri('/abs/dir/x#1.sql'), 'file:///abs/dir/x%231.sql');
    assert.equal(artifactUri('<stdin>'), '%3Cstdin%3E');
  });
});
