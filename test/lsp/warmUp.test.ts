import { strict as assert } from 'node:assert';
import { initEngine } from '../../server/src/engine';
import { warmUp } from '../../server/src/lsp/warmUp';
import { fileUri, LspHarness } from './harness';

const WARMED = 'Lockstep engine ready: warmed up in';

/** Resolves with the warm-up's log line once the server has sent it (polls the recorded logs). */
async function warmUpLog(lsp: LspHarness, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = lsp.logs.find((l) => l.startsWith(WARMED));
    if (line) return line;
    if (Date.now() > until) throw new Error(`no warm-up log; logs: ${lsp.logs.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('warm-up: the first hover runs compiled code (issue 18), after the first diagnostics (issue 14)', function () {
  this.timeout(60_000);

  it('lints and hovers a sample that has findings', async () => {
    await initEngine({ hostGrammars: false });
    assert.ok(warmUp() > 0);
  });

  it('the server answers initialize before warming up, and warms up after the first publish', async () => {
    const lsp = await LspHarness.start();
    try {
      // Logs sent before the initialize answer are recorded by the time start() resolves (wire order).
      assert.deepEqual(lsp.logs.filter((l) => l.startsWith(WARMED)), [], 'the warm-up ran before the initialize answer');
      const uri = fileUri('/tmp/lockstep-warm-up-test/V1__a.sql');
      lsp.open(uri, 'CREATE INDEX i ON t (c);\n');
      const published = await lsp.diagnosticsFor(uri, 1);
      assert.ok(published.diagnostics.length > 0);
      assert.match(await warmUpLog(lsp), /\(\d+ findings on the sample\)$/);
      assert.equal(lsp.logs.filter((l) => l.startsWith(WARMED)).length, 1, 'one warm-up');
    } finally {
      lsp.dispose();
    }
  });

  it('with no document opened, the server still warms up once idle', async () => {
    const lsp = await LspHarness.start();
    try {
      assert.match(await warmUpLog(lsp), /\(\d+ findings on the sample\)$/);
    } finally {
      lsp.dispose();
    }
  });
});
