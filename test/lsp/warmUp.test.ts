import { strict as assert } from 'node:assert';
import { initEngine } from '../../server/src/engine';
import { WARM_UP_EDITS, warmUp } from '../../server/src/lsp/warmUp';
import { LspHarness } from './harness';

describe('warm-up at start: the first lint, edit and hover run compiled code (issue 18, issue 14)', function () {
  this.timeout(60_000);

  it('lints a sample that has findings, then edits and relints it incrementally', async () => {
    await initEngine({ hostGrammars: false });
    const warm = warmUp();
    assert.ok(warm.findings > 0);
    assert.equal(warm.relints, WARM_UP_EDITS);
    // The relints took the edit path: all but the edited statement came from the parse cache.
    assert.ok(warm.reusedParses >= WARM_UP_EDITS, `reused parses: ${warm.reusedParses}`);
  });

  it('the server answers initialize only after the warm-up (its log comes first on the wire)', async () => {
    const lsp = await LspHarness.start();
    try {
      const line = lsp.logs.find((l) => l.startsWith('Lockstep engine ready: warmed up in'));
      assert.ok(line, `no warm-up before the initialize answer; logs: ${lsp.logs.join(' | ')}`);
      assert.match(line, /\(\d+ findings on the sample, \d+ relints after edits\)$/);
    } finally {
      lsp.dispose();
    }
  });
});
