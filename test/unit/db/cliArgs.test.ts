import { strict as assert } from 'node:assert';
import { parseEstimateArgs } from '../../../server/src/cli/estimate';

describe('lockstep estimate arguments', () => {
  it('takes --db, --format, --config, --fail-on, --long-transactions and one file', () => {
    assert.deepEqual(parseEstimateArgs(['--db', 'postgres://u@h/d', '--format=markdown', '--fail-on', 'high', '--long-transactions', '30', '--config', 'c.json', 'm.sql']), {
      db: 'postgres://u@h/d', format: 'markdown', failOn: 'high', longTransactionSeconds: 30, configFile: 'c.json', file: 'm.sql',
    });
    assert.deepEqual(parseEstimateArgs(['-']), { format: 'text', file: '-' });
    assert.deepEqual(parseEstimateArgs(['-h']), { help: true });
  });

  for (const [argv, message] of [
    [[], /no file given/],
    [['a.sql', 'b.sql'], /exactly one file/],
    [['--format', 'sarif', 'a.sql'], /--format must be one of text, json, markdown/],
    [['--fail-on', 'low', 'a.sql'], /--fail-on must be medium or high/],
    [['--db'], /--db needs a value/],
    [['--long-transactions', 'soon', 'a.sql'], /number of seconds/],
    [['--explain', 'a.sql'], /unknown option --explain/],
  ] as const) {
    it(`explains ${JSON.stringify(argv)}`, () => {
      const parsed = parseEstimateArgs([...argv]);
      assert.ok('error' in parsed);
      assert.match(parsed.error, message);
    });
  }
});
