import { strict as assert } from 'node:assert';
import { splitSql, splitSqlSteps } from '../../../server/src/parse/split';

describe('splitSqlSteps (the splitter in slices, issue 18)', () => {
  it('yields after every statement and returns what splitSql returns', () => {
    const text = Array.from({ length: 300 }, (_, i) => `CREATE TABLE t${i} (id int); -- t${i}\n`).join('') + "SELECT $$a;b$$;\n\\echo hi\nSELECT 'unterminated";
    const steps = splitSqlSteps(text);
    let yields = 0;
    let step = steps.next();
    while (!step.done) {
      yields++;
      step = steps.next();
    }
    assert.ok(yields >= 301, `${yields} pauses for 302 statements`);
    assert.deepEqual(step.value, splitSql(text));
    assert.equal(step.value.chunks.filter((c) => c.kind === 'sql').length, 302);
  });
});
