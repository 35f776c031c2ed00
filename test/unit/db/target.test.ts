import { strict as assert } from 'node:assert';
import { describeTarget, PASSWORD_IN_SETTING, parseUrl, resolveTarget, secretKeyOf, urlHasPassword } from '../../../server/src/db/target';

describe('database target (connection sources)', () => {
  it('reads a URL setting: host, port, database, user, sslmode and timeout', () => {
    const r = resolveTarget({ settingUrl: 'postgres://reader@db.internal:6432/app?sslmode=verify-full&connect_timeout=3', env: {} });
    assert.ok(r.ok);
    assert.deepEqual(
      { ...r.target },
      { host: 'db.internal', port: 6432, database: 'app', user: 'reader', sslmode: 'verify-full', sslrootcert: undefined, connectTimeoutSeconds: 3, password: undefined, source: 'setting' },
    );
  });

  it('refuses a password in the setting, saying why and what to do instead', () => {
    const r = resolveTarget({ settingUrl: 'postgres://reader:s3cret@db/app', env: {} });
    assert.deepEqual(r, { ok: false, message: PASSWORD_IN_SETTING });
    assert.match(PASSWORD_IN_SETTING, /Connect to Database/);
    assert.equal(urlHasPassword('postgresql://u:p@h/d'), true);
    assert.equal(urlHasPassword('postgresql://u@h/d'), false);
  });

  it('takes the password from SecretStorage over PGPASSWORD for the setting', () => {
    const fromSecret = resolveTarget({ settingUrl: 'postgres://u@h/d', env: { PGPASSWORD: 'env' }, password: 'secret', envPasswordForSetting: true });
    const fromEnv = resolveTarget({ settingUrl: 'postgres://u@h/d', env: { PGPASSWORD: 'env' }, envPasswordForSetting: true });
    assert.ok(fromSecret.ok && fromEnv.ok);
    assert.equal(fromSecret.target.password, 'secret');
    assert.equal(fromEnv.target.password, 'env');
  });

  it('never sends PGPASSWORD to a host that a (possibly committed) workspace setting names', () => {
    const workspaceUrl = resolveTarget({ settingUrl: 'postgres://u@collector.example/d', env: { PGPASSWORD: 'env' } });
    assert.ok(workspaceUrl.ok);
    assert.equal(workspaceUrl.target.password, undefined);
    // The environment's own PGHOST still gets it: the user named that host themselves.
    const fromEnv = resolveTarget({ env: { PGHOST: 'db.internal', PGPASSWORD: 'env' } });
    assert.ok(fromEnv.ok);
    assert.equal(fromEnv.target.password, 'env');
  });

  it('lets a CLI --db URL carry its password (the user typed it)', () => {
    const r = resolveTarget({ argumentUrl: 'postgresql://u:p%40ss@h:5433/d', env: {} });
    assert.ok(r.ok);
    assert.equal(r.target.password, 'p@ss');
    assert.equal(r.target.source, 'argument');
  });

  it('falls back to the PG* variables, then DATABASE_URL, in that order', () => {
    const env = { PGHOST: 'pghost', PGPORT: '5544', PGDATABASE: 'pgdb', PGUSER: 'pguser', PGSSLMODE: 'require', DATABASE_URL: 'postgres://x@other/db' };
    const pgVars = resolveTarget({ env });
    assert.ok(pgVars.ok);
    assert.equal(describeTarget(pgVars.target), 'pguser@pghost:5544/pgdb');
    assert.equal(pgVars.target.sslmode, 'require');
    assert.equal(pgVars.target.source, 'PG environment variables');
    const url = resolveTarget({ env: { DATABASE_URL: 'postgres://x@other/db?sslmode=disable' } });
    assert.ok(url.ok);
    assert.equal(describeTarget(url.target), 'x@other:5432/db');
    assert.equal(url.target.sslmode, 'disable');
    assert.equal(url.target.source, 'DATABASE_URL');
  });

  it('the setting wins over the environment', () => {
    const r = resolveTarget({ settingUrl: 'postgres://s@setting/db', env: { PGHOST: 'pghost', DATABASE_URL: 'postgres://x@other/db' } });
    assert.ok(r.ok);
    assert.equal(r.target.host, 'setting');
  });

  it('defaults like libpq: sslmode prefer, port 5432, database named after the user', () => {
    const r = parseUrl('postgres://alice@localhost', 'setting');
    assert.ok(r.ok);
    assert.equal(r.target.sslmode, 'prefer');
    assert.equal(r.target.port, 5432);
    assert.equal(r.target.database, 'alice');
    assert.equal(r.target.connectTimeoutSeconds, 5);
  });

  it('never waits forever: connect_timeout=0 becomes the default', () => {
    const r = parseUrl('postgres://a@h/d?connect_timeout=0', 'setting');
    assert.ok(r.ok);
    assert.equal(r.target.connectTimeoutSeconds, 5);
  });

  it('explains bad input instead of throwing', () => {
    for (const [url, pattern] of [
      ['host=db dbname=app', /expected a URL/],
      ['postgres://a@h/d?sslmode=sometimes', /sslmode must be one of/],
      ['postgres://a@h:99999/d', /not a valid URL|port/],
      ['postgres://a@h/d?connect_timeout=soon', /connect_timeout/],
    ] as const) {
      const r = resolveTarget({ settingUrl: url, env: {} });
      assert.equal(r.ok, false, url);
      assert.match((r as { message: string }).message, pattern, url);
    }
    assert.match((resolveTarget({ env: { PGSSLMODE: 'bogus', PGHOST: 'h' } }) as { message: string }).message, /PGSSLMODE/);
    const none = resolveTarget({ env: {} });
    assert.equal(none.ok, false);
    assert.match((none as { message: string }).message, /lockstep\.database\.url/);
  });

  it('keys stored passwords by user, host, port and database', () => {
    const a = parseUrl('postgres://u@h:1/d', 'setting');
    const b = parseUrl('postgres://u@h:2/d', 'setting');
    assert.ok(a.ok && b.ok);
    assert.notEqual(secretKeyOf(a.target), secretKeyOf(b.target));
    assert.equal(secretKeyOf(a.target), 'lockstep.database.password:u@h:1/d');
  });

  it('handles IPv6 hosts and percent-encoded names', () => {
    const r = parseUrl('postgres://r%C3%A9ader@[::1]:5432/my%20db', 'setting');
    assert.ok(r.ok);
    assert.equal(r.target.host, '::1');
    assert.equal(r.target.user, 'réader');
    assert.equal(r.target.database, 'my db');
    assert.equal(describeTarget(r.target), 'réader@[::1]:5432/my db');
  });
});
