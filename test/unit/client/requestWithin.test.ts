/**
 * The client's own connect timeout: a language server that never answers the connect request
 * (stuck, or busy forever) must not leave "Connect to Database" hanging. Behaviour only: the
 * timeout's answer wins, and the request is cancelled so the server stops the work.
 */
import { strict as assert } from 'node:assert';
import type { CancellationToken } from 'vscode-jsonrpc';
import { requestWithin } from '../../../client/src/database/requestWithin';

describe('client request timeout (requestWithin)', () => {
  it('a server that never answers: the timeout answers, and the request is cancelled', async () => {
    let seen: CancellationToken | undefined;
    const answer = await requestWithin(
      (token) => {
        seen = token;
        return new Promise<string>(() => undefined); // never settles
      },
      20,
      () => 'timed out',
    );
    assert.equal(answer, 'timed out');
    assert.equal(seen?.isCancellationRequested, true);
  });

  it('a server that answers: its answer, and the request is not cancelled', async () => {
    let seen: CancellationToken | undefined;
    let timeouts = 0;
    const answer = await requestWithin(
      async (token) => {
        seen = token;
        return 'connected';
      },
      60_000,
      () => (timeouts++, 'timed out'),
    );
    assert.equal(answer, 'connected');
    assert.equal(seen?.isCancellationRequested, false);
    // The timer is cleared: the timeout never fires later (mocha would also hang on a live 60 s timer).
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(timeouts, 0);
  });

  it('a request that fails: the error reaches the caller (it reports it), not the timeout', async () => {
    await assert.rejects(
      requestWithin(async () => Promise.reject(new Error('connection disposed')), 60_000, () => 'timed out'),
      /connection disposed/,
    );
  });
});
