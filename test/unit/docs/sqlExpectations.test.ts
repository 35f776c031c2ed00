/** The `-- expect:` grammar and the checker behind test/unit/docs/sqlBlocks.test.ts: it must be able to fail. */
import assert from 'node:assert/strict';
import { initEngine } from '../../../server/src/engine';
import { checkMarkdown, parseExpectation, sqlBlocksOf } from '../../support/sqlExpectations';

const doc = (...blocks: string[]) => blocks.map((b) => `Some prose.\n\n\`\`\`sql\n${b}\n\`\`\`\n`).join('\n');

describe('-- expect: annotations', () => {
  before(() => initEngine());

  it('parses ids, clean and the options', () => {
    assert.deepEqual(parseExpectation('-- expect: b-rule, a-rule; pg 11; strict; file V7__x.sql; after schema\nSELECT 1;'), {
      ruleIds: ['a-rule', 'b-rule'], pgVersion: 11, strict: true, file: 'V7__x.sql', isSchema: false, afterSchema: true,
    });
    assert.deepEqual(parseExpectation('SELECT 1;\n  -- expect: clean; schema'), { ruleIds: [], strict: false, isSchema: true, afterSchema: false });
  });

  it('rejects a missing annotation, prose in place of ids and unknown options, saying what is wrong', () => {
    assert.match((parseExpectation('SELECT 1;') as { error: string }).error, /no `-- expect:/);
    assert.match((parseExpectation('-- expect: drop-table (the down section)') as { error: string }).error, /comma-separated rule ids/);
    assert.match((parseExpectation('-- expect: clean; pg eleven') as { error: string }).error, /unknown option "pg eleven"/);
  });

  it('finds ```sql blocks with their line, and skips other languages', () => {
    const blocks = sqlBlocksOf('# t\n\n```sh\nls\n```\n\n```sql\nSELECT 1;\n```\n\n```SQL\nSELECT 2;\n```\n', 'x.md');
    assert.deepEqual(blocks.map((b) => [b.line, b.sql]), [[7, 'SELECT 1;'], [11, 'SELECT 2;']]);
  });

  it('passes a block whose findings match, and names file:line and both sides when they differ', () => {
    const createIndex = 'CREATE INDEX orders_user_id_idx ON orders (user_id);';
    assert.deepEqual(checkMarkdown(doc(`-- expect: require-concurrent-index, require-lock-timeout\n${createIndex}`), 'ok.md'), []);
    assert.deepEqual(checkMarkdown(doc(`-- expect: clean\n${createIndex}`), 'bad.md'), [
      'bad.md:3: annotated "clean", but Lockstep reports "require-concurrent-index, require-lock-timeout"',
    ]);
  });

  it('lints an "after schema" block against the schema block above it, and rejects one with no schema', () => {
    const schema = '-- expect: clean; schema\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';
    // The table is created by the schema, so the index build is judged on an existing table (not one made here).
    const index = '-- expect: require-concurrent-index, require-lock-timeout; after schema\nCREATE INDEX orders_user_id_idx ON orders (user_id);';
    assert.deepEqual(checkMarkdown(doc(schema, index), 'ok.md'), []);
    const inOneFile = '-- expect: clean\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);';
    assert.deepEqual(checkMarkdown(doc(inOneFile), 'same.md'), [], 'an index on a table created in the same block is fine');
    assert.deepEqual(checkMarkdown(doc(index), 'orphan.md'), ['orphan.md:3: "after schema", but no block above it in this file is marked "schema"']);
  });
});
