/**
 * When the code-reference worker starts (lsp/codeRefs.ts): after the first opened document's lint,
 * once edits pause. Timers are captured here and fired by hand: the test is about which timer
 * starts the worker, not how long anything takes.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeReferencesFeature, INDEX_START_QUIET_MS } from '../../server/src/lsp/codeRefs';
import type { FeatureContext } from '../../server/src/lsp/features';

const nextCheckPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('code references: the worker starts once edits pause', () => {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  let timers: { delay: number; run: () => void; cleared: boolean }[];
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-coderefs-start-'));
    timers = [];
    globalThis.setTimeout = ((run: () => void, delay: number) => {
      const timer = { delay, run, cleared: false, unref: () => timer };
      timers.push(timer);
      return timer;
    }) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((timer?: { cleared: boolean }) => {
      if (timer) timer.cleared = true;
    }) as unknown as typeof clearTimeout;
  });
  afterEach(() => {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for a pause in the edits after the first lint, and each edit waits again', async () => {
    // A worker that does not exist: starting it logs that it is missing, which is what we watch.
    const feature = codeReferencesFeature(join(dir, 'noWorker.js'));
    const logs: string[] = [];
    let opened: ((event: { document: { uri: string } }) => void) | undefined;
    let changed: (() => void) | undefined;
    const documents = {
      onDidOpen: (listener: typeof opened) => ((opened = listener), { dispose: () => undefined }),
      onDidChangeContent: (listener: typeof changed) => ((changed = listener), { dispose: () => undefined }),
    };
    feature.register({ workspaceRoots: () => [dir], log: (m: string) => logs.push(m), documents, linted: async () => undefined } as unknown as FeatureContext);
    const started = () => logs.filter((l) => l.includes('is missing')).length;
    try {
      feature.initialized?.();
      opened!({ document: { uri: 'file:///x.sql' } });
      await nextCheckPhase();
      await nextCheckPhase();
      assert.equal(started(), 0, 'not at once after the first lint');
      const firstWait = timers.at(-1)!;
      assert.equal(firstWait.delay, INDEX_START_QUIET_MS);
      changed!(); // an edit: the wait starts again
      changed!();
      assert.equal(firstWait.cleared, true);
      const lastWait = timers.at(-1)!;
      assert.equal(lastWait.delay, INDEX_START_QUIET_MS);
      assert.equal(timers.filter((t) => !t.cleared).length, 1, 'one pending start');
      assert.equal(started(), 0);
      lastWait.run();
      assert.equal(started(), 1, 'the quiet wait ended: the worker starts');
      changed!();
      assert.equal(started(), 1, 'edits after the start change nothing');
    } finally {
      feature.dispose?.();
    }
  });
});
