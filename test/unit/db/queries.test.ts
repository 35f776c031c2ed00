/**
 * The estimator's SQL is a fixed list of catalog and statistics reads. This is the static half of
 * the read-only proof (the dynamic half runs on real PostgreSQL in test/pg/estimateSafety.test.ts).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUERIES, SESSION_SETUP } from '../../../server/src/db/queries';

/** Words that could write, lock or change the session beyond the setup. */
const FORBIDDEN = /\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|ALTER|DROP|GRANT|REVOKE|LOCK|VACUUM|ANALYZE|CLUSTER|REINDEX|COPY|CALL|DO|SET|RESET|BEGIN|COMMIT|PREPARE|NOTIFY|LISTEN|FOR\s+(UPDATE|SHARE|NO\s+KEY|KEY))\b|pg_(terminate|cancel)_backend|set_config|pg_advisory|nextval|setval|txid_current|pg_current_xact_id|dblink|lo_/i;

describe('estimator queries', () => {
  for (const [name, sql] of Object.entries(QUERIES)) {
    it(`${name} is a single read-only SELECT`, () => {
      const text = sql.replace(/'[^']*'/g, "''");
      assert.match(text.trim(), /^(SELECT|WITH\s+RECURSIVE|WITH)\b/i);
      assert.doesNotMatch(text, FORBIDDEN);
      assert.ok(!text.includes(';'), 'one statement');
    });
  }

  it('the session setup only makes the session safer', () => {
    const setup = SESSION_SETUP({ statementTimeoutMs: 3000, lockTimeoutMs: 100 });
    const statements = setup.split(';').map((s) => s.trim());
    assert.deepEqual(statements.map((s) => s.split(/\s*=\s*/)[0]), [
      'SET default_transaction_read_only',
      'SET statement_timeout',
      'SET lock_timeout',
      'SET idle_in_transaction_session_timeout',
      'SET application_name',
    ]);
    assert.ok(statements[0].endsWith('= on'));
    assert.ok(statements[2].endsWith('= 100'));
  });

  it('the session can only run the named queries (no method takes SQL text)', () => {
    const source = readFileSync(join(__dirname, '../../../server/src/db/session.ts'), 'utf8');
    const queryCalls = [...source.matchAll(/client\.query\((\w+(?:\.\w+|\[\w+\])?)/g)].map((m) => m[1]);
    assert.deepEqual(queryCalls.sort(), ['QUERIES.server', 'QUERIES[name]', 'SESSION_SETUP'].sort());
    assert.match(source, /async run\(name: QueryName/);
  });
});
