/**
 * The database password never appears in an LSP message (VS Code writes the verbose trace to its
 * log files): it travels sealed with the key the server process got in its environment. A fake
 * PostgreSQL on 127.0.0.1 records the password it receives, so the test sees both ends.
 */
import { strict as assert } from 'node:assert';
import { describeTarget, parseUrl } from '../../server/src/db/target';
import { DATABASE_CONNECT_METHOD, DATABASE_DISCONNECT_METHOD, type DatabaseStatus } from '../../server/src/lsp/databaseProtocol';
import { newSecretKey, seal, SECRET_KEY_ENV } from '../../server/src/lsp/secretChannel';
import { startFakePg, type FakePg } from '../support/fakePg';
import { LspHarness } from './harness';

const PASSWORD = 'hunter2-Lockstep-secret';
const ENV_PASSWORD = 'from-the-environment-PGPASSWORD';

describe('LSP: no secret in any message', function () {
  this.timeout(30_000);
  const key = newSecretKey();
  let fake: FakePg;
  let lsp: LspHarness;
  let url: string;

  const connect = (params: Record<string, unknown>) => lsp.connection.sendRequest<DatabaseStatus>(DATABASE_CONNECT_METHOD, { url, ...params });
  const sealedFor = (u: string, secret = PASSWORD) => {
    const parsed = parseUrl(u, 'setting');
    assert.ok(parsed.ok);
    return seal(secret, key, describeTarget(parsed.target));
  };

  before(async () => {
    fake = await startFakePg();
    url = `postgres://reader@127.0.0.1:${fake.port}/app?sslmode=disable&connect_timeout=2`;
    lsp = await LspHarness.start({ env: { [SECRET_KEY_ENV]: key, PGPASSWORD: ENV_PASSWORD } });
  });
  after(async () => {
    lsp?.dispose();
    await fake?.stop();
  });

  it('connects with the sealed password, and no byte on the wire carries it', async () => {
    const status = await connect({ sealedPassword: sealedFor(url) });
    assert.equal(status.state, 'connected', status.message);
    assert.deepEqual(fake.passwords, [PASSWORD]);
    await lsp.connection.sendRequest(DATABASE_DISCONNECT_METHOD);
    const wire = Buffer.concat(lsp.traffic).toString('latin1');
    for (const form of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('hex'), JSON.stringify(PASSWORD)]) {
      assert.equal(wire.includes(form), false, `the LSP traffic contains the password as ${form}`);
    }
    assert.equal(wire.includes(key), false, 'the sealing key never travels in a message either');
  });

  it('ignores a plain-text password parameter and a password sealed for another target', async () => {
    fake.passwords.length = 0;
    const plain = await connect({ password: PASSWORD });
    assert.equal(plain.state, 'failed');
    assert.equal(plain.errorKind, 'password-needed');
    const other = `postgres://reader@127.0.0.1:${fake.port}/other?sslmode=disable`;
    const replayed = await connect({ sealedPassword: sealedFor(other) });
    assert.equal(replayed.errorKind, 'password-needed');
    assert.deepEqual(fake.passwords, [], 'no password reached the server');
  });

  it('sends PGPASSWORD only to a URL from the user’s own settings, never to a workspace’s', async () => {
    fake.passwords.length = 0;
    const workspace = await connect({});
    assert.equal(workspace.errorKind, 'password-needed');
    assert.deepEqual(fake.passwords, []);
    const user = await connect({ urlFromUserSettings: true });
    assert.equal(user.state, 'connected', user.message);
    assert.deepEqual(fake.passwords, [ENV_PASSWORD]);
    await lsp.connection.sendRequest(DATABASE_DISCONNECT_METHOD);
  });
});
