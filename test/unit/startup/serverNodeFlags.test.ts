import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../../server/src/startup/serverHeap';

const repo = join(__dirname, '../../..');

describe('the Node flags the language server starts with', () => {
  it('the bench starts the server with the flags the editor gives it, then its own extra flags', async () => {
    const { lockstepServerCommand } = await import(pathToFileURL(join(repo, 'bench/serverCommand.mjs')).href);
    assert.ok(SERVER_NODE_FLAGS.includes('--max-semi-space-size=32'));
    const [exe, args] = lockstepServerCommand(repo, { LOCKSTEP_BENCH_NODE_ARGS: '--cpu-prof  --cpu-prof-dir=/tmp/p' });
    assert.equal(exe, process.execPath);
    assert.deepEqual(args, [...SERVER_NODE_FLAGS, '--cpu-prof', '--cpu-prof-dir=/tmp/p', join(repo, 'dist/server.js'), '--stdio']);
  });

  it('runs one V8 background thread: three fewer threads than Node with its default pool of four', function () {
    if (!existsSync('/proc/self/task')) this.skip();
    const threads = (flags: readonly string[]) => {
      // The threads once V8's platform has started its workers (before that the count is still growing).
      const script = "setTimeout(() => console.log(require('node:fs').readdirSync('/proc/self/task').length), 50)";
      const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      return Number(run.stdout.trim());
    };
    assert.ok(SERVER_NODE_FLAGS.includes('--v8-pool-size=1'));
    assert.equal(threads(SERVER_NODE_FLAGS), threads(SERVER_NODE_FLAGS.filter((flag) => !flag.startsWith('--v8-pool-size'))) - 3);
  });

  it('an older tree without the flags file is started with none', async () => {
    const { lockstepServerCommand } = await import(pathToFileURL(join(repo, 'bench/serverCommand.mjs')).href);
    const [, args] = lockstepServerCommand('/nonexistent-tree', {});
    assert.deepEqual(args, ['/nonexistent-tree/dist/server.js', '--stdio']);
  });
});
