/**
 * A request to the language server that cannot hang the client: after `waitMs` the request is
 * cancelled (the server stops the work) and `onTimeout` answers instead. The server bounds a
 * connect by the target's connect_timeout; this bounds the wait for a server that is stuck or gone.
 * No `vscode` import, so it is tested in plain Node (test/unit/client/requestWithin.test.ts).
 */
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc';

export async function requestWithin<T>(send: (token: CancellationToken) => Promise<T>, waitMs: number, onTimeout: () => T): Promise<T> {
  const cancel = new CancellationTokenSource();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      cancel.cancel();
      resolve(onTimeout());
    }, waitMs);
  });
  try {
    return await Promise.race([send(cancel.token), timeout]);
  } finally {
    clearTimeout(timer);
    cancel.dispose();
  }
}
