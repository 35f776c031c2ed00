import assert from 'node:assert/strict';
import { CLI_INTERRUPT_BUDGET, tieringFlag } from '../../../server/src/startup/tiering';

describe('V8 tiering flags of the launchers', () => {
  it('the CLI optimises later than V8 by default; the language server keeps the default', () => {
    assert.equal(tieringFlag('cli.bundle.js', []), `--interrupt-budget=${CLI_INTERRUPT_BUDGET}`);
    assert.ok(CLI_INTERRUPT_BUDGET > 67_584);
    assert.equal(tieringFlag('server.bundle.js', []), undefined);
  });

  it('a budget named on the command line or in NODE_OPTIONS wins', () => {
    assert.equal(tieringFlag('cli.bundle.js', ['--interrupt-budget=67584']), undefined);
    assert.equal(tieringFlag('cli.bundle.js', [], '--max-old-space-size=512 --interrupt-budget=67584'), undefined);
  });
});
