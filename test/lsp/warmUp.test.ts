import { strict as assert } from 'node:assert';
import { initEngine } from '../../server/src/engine';
import { warmUp } from '../../server/src/lsp/warmUp';
import { LspHarness } from './harness';

describe('warm-up at start: the first lint and hover run compiled code (issue 18)', function () {
  this.timeout(60_000);

  it('lints and hovers a sample that has findings', async () => {
    await initEngine({ hostGrammars: false });
    assert.ok(warmUp() > 0);
  });

  it('the server answers initialize only after the warm-up (its log comes first on the wire)', async () => {
    const lsp = await LspHarness.start();
    try {
      const line = lsp.logs.find((l) => l.startsWith('Lockstep engine ready: warmed up in'));
      assert.ok(line, `no warm-up before the initialize answer; logs: ${lsp.logs.join(' | ')}`);
      assert.match(line, /\(\d+ findings on the sample\)$/);
    } finally {
      lsp.dispose();
    }
  });
});
