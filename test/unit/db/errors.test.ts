import { strict as assert } from 'node:assert';
import { classifyError, DatabaseError } from '../../../server/src/db/errors';

const target = { user: 'reader', host: 'db.internal', port: 5432, database: 'app', sslmode: 'require' as const };

describe('database errors in one clear sentence', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['refused', Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'refused', /Connection refused by db\.internal:5432/],
    ['refused, dual-stack', Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''), {}), 'refused', /Connection refused/],
    ['unknown host', Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND' }), 'host', /Unknown host "db\.internal"/],
    ['connect timeout', new Error('Connection terminated due to connection timeout'), 'timeout', /Timed out connecting to db\.internal:5432/],
    ['wrong password', Object.assign(new Error('password authentication failed for user "reader"'), { code: '28P01' }), 'auth', /wrong password for user "reader"/],
    ['no hba entry', Object.assign(new Error('no pg_hba.conf entry for host "1.2.3.4"'), { code: '28000' }), 'auth', /no pg_hba\.conf entry/],
    ['no password given', new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'password-needed', /Connect to Database/],
    ['missing database', Object.assign(new Error('database "app" does not exist'), { code: '3D000' }), 'database', /does not exist/],
    ['no TLS on server', new Error('The server does not support SSL connections'), 'ssl', /sslmode=require demands TLS/],
    ['bad certificate', Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'ssl', /TLS to db\.internal:5432 failed/],
    ['statement timeout', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), 'timeout', /statement_timeout/],
    ['lock timeout', Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }), 'busy', /lock_timeout rather than wait/],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' }), 'busy', /too many connections/],
    ['anything else', 'boom', 'other', /Could not use reader@db\.internal:5432\/app: boom/],
  ];
  for (const [name, error, kind, message] of cases) {
    it(name, () => {
      const e = classifyError(error, target);
      assert.ok(e instanceof DatabaseError);
      assert.equal(e.kind, kind);
      assert.match(e.message, message);
      assert.ok(!e.message.includes('\n'), 'one line');
    });
  }

  it('passes an already classified error through', () => {
    const e = new DatabaseError('cancelled', 'The estimate was cancelled.');
    assert.equal(classifyError(e, target), e);
  });
});
