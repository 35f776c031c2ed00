import { strict as assert } from 'node:assert';
import type { Connection } from 'vscode-languageserver/node';
import { DocumentConfigs } from '../../server/src/lsp/documentConfigs';

/** A client whose workspace/configuration replies are answered by the test, one by one. */
function slowClient() {
  const pending: { scope: string; answer: (settings: unknown) => void }[] = [];
  const requests: string[][] = [];
  const connection = {
    workspace: {
      getConfiguration: (items: { scopeUri: string }[]) => {
        requests.push(items.map((i) => i.scopeUri));
        return Promise.all(items.map((item) => new Promise((answer) => pending.push({ scope: item.scopeUri, answer }))));
      },
    },
    console: { warn: () => undefined },
    sendDiagnostics: async () => undefined,
  } as unknown as Connection;
  const configs = new DocumentConfigs(connection);
  configs.canPullSettings = true;
  const turn = () => new Promise((r) => setImmediate(r));
  const answerAll = async (settings: unknown) => {
    await turn(); // requests go out a turn after they are asked (batched)
    for (const p of pending.splice(0)) p.answer(settings);
    await turn();
  };
  return { configs, pending, requests, answerAll, turn };
}

describe('DocumentConfigs: settings without waiting for the client (issue 18)', () => {
  const one = 'file:///nowhere/migrations/one.sql';
  const two = 'file:///nowhere/migrations/two.sql';

  it('has nothing before any reply, then the document\'s own config, then its folder\'s for a new document', async () => {
    const { configs, answerAll } = slowClient();
    void configs.get(one);
    assert.equal(configs.peek(one), undefined);
    await answerAll({ pgVersion: 13 });
    assert.equal(configs.peek(one)?.config.pgVersion, 13);
    assert.equal(configs.peek(two)?.config.pgVersion, 13, 'same folder, same extension');
    assert.equal(configs.peek('file:///nowhere/other/three.sql'), undefined, 'another folder may be another workspace root');
    assert.equal(configs.peek('file:///nowhere/migrations/three.ts'), undefined, 'another language may have its own overrides');
  });

  it('keeps a folder\'s settings across a settings change until new ones arrive, and a reply to a question asked before does not replace newer ones', async () => {
    const { configs, pending, answerAll, turn } = slowClient();
    void configs.get(one);
    await answerAll({ pgVersion: 13 });
    const asked = configs.get(two); // asked before the change, answered after a newer reply
    await turn();
    configs.settingsChanged(undefined);
    assert.equal(configs.peek(one)?.config.pgVersion, 13, 'the hover uses the last settings rather than wait');
    void configs.get(one);
    await turn();
    const [early, late] = pending.splice(0);
    late.answer({ pgVersion: 16 });
    await configs.get(one);
    assert.equal(configs.peek(two)?.config.pgVersion, 16);
    early.answer({ pgVersion: 13 });
    await asked;
    assert.equal(configs.peek(two)?.config.pgVersion, 16, 'a stale reply replaced newer settings');
    assert.equal(configs.peek(one)?.config.pgVersion, 16);
  });

  it('an edit\'s relint re-reads nothing: after the first load, get() asks the client no more and gives the same config', async () => {
    const { configs, requests, answerAll, turn } = slowClient();
    const first = configs.get(one);
    await answerAll({ pgVersion: 14 });
    const loaded = await first;
    for (let edit = 0; edit < 20; edit++) assert.equal(await configs.get(one), loaded);
    await turn();
    assert.equal(requests.length, 1, 'one workspace/configuration request for the open, none per edit');
  });

  it('asks for the settings of every document asked for in one turn with one request (a settings change relints them all)', async () => {
    const { configs, requests, answerAll } = slowClient();
    const uris = Array.from({ length: 40 }, (_, i) => `file:///nowhere/m${i % 4}/v${i}.sql`);
    const loads = uris.map((u) => configs.get(u));
    await answerAll({ pgVersion: 15 });
    const loaded = await Promise.all(loads);
    assert.deepEqual(requests, [uris]);
    assert.ok(loaded.every((e) => e.config.pgVersion === 15));
  });

  it('a request that throws at once (a closed connection) gives every document the defaults, never a lint that waits for ever', async () => {
    const warnings: string[] = [];
    const connection = {
      workspace: {
        getConfiguration: () => {
          throw new Error('Connection is closed.');
        },
      },
      console: { warn: (m: string) => warnings.push(m) },
      sendDiagnostics: async () => undefined,
    } as unknown as Connection;
    const configs = new DocumentConfigs(connection);
    configs.canPullSettings = true;
    const loaded = await Promise.all(['file:///nowhere/a.sql', 'file:///nowhere/b.sql'].map((u) => configs.get(u)));
    assert.equal(loaded.length, 2);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /Connection is closed/);
  });
});
