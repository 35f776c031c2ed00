// Runs test/e2e/ui (Playwright against the workbench, using the installed .vsix) as a mocha process
// in its own process group, so it is stopped with everything else.
import { join } from 'node:path';
import { log } from './log.mjs';
import { runToEnd } from './processes.mjs';

/** Resolves with mocha's exit code and the passing/failing counts it printed. */
export async function runUiSuite({ repoRoot, server, extensionPath, workspace, browserProfile, screenshotDir, env }) {
  const mocha = join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const args = [
    mocha, '--no-config', '--require', 'tsx/cjs', '--extension', 'ts',
    '--timeout', '60000', '--reporter', 'spec', '--no-color',
    ...(process.env.LOCKSTEP_E2E_GREP ? ['--grep', process.env.LOCKSTEP_E2E_GREP] : []),
    'test/e2e/ui/**/*.test.ts',
  ];
  log('UI suite: driving the workbench with Chromium');
  const { code, output } = await runToEnd(process.execPath, args, {
    cwd: repoRoot,
    echo: true,
    // Each test file's before() may wait minutes for the workbench on a loaded machine.
    timeoutMs: 12 * 60 * 1000,
    env: {
      ...env,
      LOCKSTEP_E2E_URL: server.url,
      LOCKSTEP_E2E_WORKSPACE: workspace,
      LOCKSTEP_E2E_BROWSER_PROFILE: browserProfile,
      LOCKSTEP_E2E_SCREENSHOTS: screenshotDir,
      LOCKSTEP_E2E_EXTENSION_PATH: extensionPath,
    },
  });
  const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(output)?.[1] ?? 0);
  return { code, passed: count('passing'), failed: count('failing') };
}
