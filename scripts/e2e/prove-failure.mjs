#!/usr/bin/env node
// Shows that `npm run test:e2e` catches a broken extension: runs it with the installed copy's
// activation sabotaged (see lib/sabotage.mjs; the repo and lockstep.vsix are untouched) and
// exits 0 only if that run failed and printed the logs a person needs to see why.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runScript = fileURLToPath(new URL('./run.mjs', import.meta.url));
const child = spawn(process.execPath, [runScript], {
  env: { ...process.env, LOCKSTEP_E2E_SABOTAGE: 'activation' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
const code = await new Promise((resolve) => child.on('close', (exitCode) => resolve(exitCode)));

const checks = {
  'the run exits non-zero': code !== 0,
  'the sabotage was applied': output.includes('SABOTAGE (activation)'),
  'the extension-host suite reports failures': /extension-host suite: exit [1-9]/.test(output),
  'the code-server log tail is printed': output.includes('----- code-server log (tail) -----'),
  'the extension host log tail is printed': output.includes('remoteexthost.log (tail) -----'),
  'the broken activation shows in the logs': output.includes('activation broken on purpose'),
};
console.log(`\nprove-failure: e2e run exited with ${code}`);
for (const [check, ok] of Object.entries(checks)) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${check}`);
const failed = Object.values(checks).filter((ok) => !ok).length;
console.log(`prove-failure: ${Object.keys(checks).length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
