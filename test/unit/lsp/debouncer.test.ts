/** The per-document debounce of relints (lsp/debouncer.ts). */
import { strict as assert } from 'node:assert';
import { Debouncer } from '../../../server/src/lsp/debouncer';

const nextCheckPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Debouncer', () => {
  const realSetTimeout = globalThis.setTimeout;
  let timeouts = 0;

  // Timers that never fire: a run that happens anyway did not wait for a timer.
  beforeEach(() => {
    timeouts = 0;
    globalThis.setTimeout = ((() => {
      timeouts++;
      return { ref() {}, unref() {}, hasRef: () => false, refresh() {}, [Symbol.toPrimitive]: () => 0 };
    }) as unknown) as typeof setTimeout;
  });
  afterEach(() => {
    globalThis.setTimeout = realSetTimeout;
  });

  it('a delay of 0 runs in the next check phase, without a timer (a setTimeout(0) waits at least 1 ms)', async () => {
    const debouncer = new Debouncer();
    let runs = 0;
    debouncer.schedule('a', 0, () => runs++);
    assert.equal(runs, 0, 'not run synchronously: the messages read with the edit are handled first');
    await nextCheckPhase();
    assert.equal(runs, 1);
    assert.equal(timeouts, 0);
  });

  it('a delay of 0 still keeps only the last call, and can be cancelled', async () => {
    const debouncer = new Debouncer();
    const ran: string[] = [];
    debouncer.schedule('a', 0, () => ran.push('a1'));
    debouncer.schedule('a', 0, () => ran.push('a2'));
    debouncer.schedule('b', 0, () => ran.push('b'));
    debouncer.cancel('b');
    await nextCheckPhase();
    await nextCheckPhase();
    assert.deepEqual(ran, ['a2']);
  });

  it('a typing pause waits for a timer; a newer call or dispose replaces it', async () => {
    const debouncer = new Debouncer();
    let runs = 0;
    debouncer.schedule('a', 150, () => runs++);
    debouncer.schedule('a', 0, () => runs++);
    debouncer.dispose();
    await nextCheckPhase();
    assert.equal(runs, 0);
    assert.equal(timeouts, 1);
  });
});
