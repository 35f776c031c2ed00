#!/usr/bin/env node
// `npm run test:e2e`: proves the packaged extension in a real VS Code (code-server) from a clean clone.
//   1. packages lockstep.vsix (npm run package)
//   2. installs code-server into a cache folder on first use ($LOCKSTEP_E2E_CACHE or .cache/code-server/)
//   3. starts it on 127.0.0.1 with a fresh profile in a temp root and installs the .vsix
//   4. runs test/e2e/suite inside the real extension host, against the installed extension
//   5. runs test/e2e/ui in Chromium against the same installed extension; screenshots in test-output/e2e/
// Every process it starts is stopped at the end, on failure and on Ctrl+C. Exit code 0 only if all passed.
// LOCKSTEP_E2E_KEEP=1 keeps the temp root; LOCKSTEP_E2E_VSIX=path skips packaging and uses that file;
// LOCKSTEP_E2E_UPDATE_DOCS_IMAGES=1 copies the README screenshots to docs/images/ after a passing run.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHostSuite } from './lib/bundle-tests.mjs';
import { ensureCodeServer } from './lib/code-server-install.mjs';
import { extensionHostLogs, installExtension, makeProfile, startCodeServer, tail } from './lib/code-server.mjs';
import { runHostSuite } from './lib/host-suite.mjs';
import { elapsedSeconds, log } from './lib/log.mjs';
import { BROWSER_PACKAGES, ensureDebianPackages } from './lib/prereqs.mjs';
import { killPids, pidsMentioning, runToEnd, stopAll } from './lib/processes.mjs';
import { sabotage } from './lib/sabotage.mjs';
import { startEstimateDatabase } from './lib/database.mjs';
import { runUiSuite } from './lib/ui-suite.mjs';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cacheRoot = resolve(process.env.LOCKSTEP_E2E_CACHE || join(repoRoot, '.cache', 'code-server'));
const screenshotDir = join(repoRoot, 'test-output', 'e2e');
// The screenshots the docs show (docs/images/<name>.png).
const DOCS_IMAGES = ['squiggles', 'hover', 'quick-fix', 'command-palette', 'estimate-report', 'scaffold-plan', 'walkthrough'];
const tempRoot = mkdtempSync(join(tmpdir(), 'lockstep-e2e-'));
const files = {
  codeServerLog: join(tempRoot, 'code-server.log'),
  hostConsole: join(tempRoot, 'host-suite-console.log'),
  hostResults: join(tempRoot, 'host-suite-results.json'),
};
let profile;

async function packageExtension() {
  if (process.env.LOCKSTEP_E2E_VSIX) return resolve(process.env.LOCKSTEP_E2E_VSIX);
  log('packaging: npm run package');
  const { code, output } = await runToEnd('npm', ['run', 'package', '--silent'], { cwd: repoRoot, timeoutMs: 5 * 60 * 1000 });
  const vsix = join(repoRoot, 'lockstep.vsix');
  if (code !== 0 || !existsSync(vsix)) throw new Error(`npm run package failed (exit ${code}):\n${output.slice(-4000)}`);
  // Our own copy: another build in the same tree may replace or delete lockstep.vsix meanwhile.
  const copy = join(tempRoot, 'lockstep.vsix');
  copyFileSync(vsix, copy);
  log(`packaged ${vsix} (${(statSync(copy).size / 1024).toFixed(0)} KiB)`);
  return copy;
}

/** Each suite gets its own copy of the fixture workspace: the suites write .vscode/settings.json. */
function copyWorkspace(name) {
  const target = join(tempRoot, name);
  cpSync(join(repoRoot, 'test', 'e2e', 'workspace'), target, { recursive: true });
  return target;
}

function readHostResults() {
  try {
    return JSON.parse(readFileSync(files.hostResults, 'utf8'));
  } catch {
    return undefined;
  }
}

function printFailureLogs() {
  console.log(`\n----- code-server log (tail) -----\n${tail(files.codeServerLog)}`);
  for (const path of profile ? extensionHostLogs(profile) : []) {
    if (!/^(remoteexthost|Lockstep)\.log$/.test(basename(path))) continue;
    console.log(`\n----- ${path} (tail) -----\n${tail(path)}`);
  }
  console.log(`\n----- workbench console of the extension-host suite (tail) -----\n${tail(files.hostConsole, 40)}`);
}

async function cleanUp() {
  await stopAll();
  // Anything that escaped our process groups still names our temp root on its command line.
  killPids(pidsMentioning(tempRoot));
}

async function main() {
  log(`temp root ${tempRoot}`);
  await ensureDebianPackages(BROWSER_PACKAGES);
  profile = makeProfile(tempRoot);
  const [vsix, installDir, hostSuite, databaseUrl] = await Promise.all([
    packageExtension(),
    ensureCodeServer({ cacheRoot, scratchDir: tempRoot, env: profile.env }),
    bundleHostSuite(repoRoot),
    startEstimateDatabase(repoRoot),
  ]);
  const [extensionPath] = await installExtension(installDir, profile, vsix);
  if (process.env.LOCKSTEP_E2E_SABOTAGE) sabotage(process.env.LOCKSTEP_E2E_SABOTAGE, extensionPath);

  const server = await startCodeServer({
    installDir,
    profile,
    logFile: files.codeServerLog,
    extraEnv: { LOCKSTEP_E2E_GREP: process.env.LOCKSTEP_E2E_GREP ?? '', LOCKSTEP_E2E_RESULTS: files.hostResults, LOCKSTEP_E2E_EXTENSIONS_DIR: profile.dirs.extensions, LOCKSTEP_E2E_DATABASE_URL: databaseUrl },
  });

  // The suite's extensionDevelopmentPath is the folder the .vsix was installed into, so it exercises
  // exactly what ships, loaded the way VS Code loads it.
  const hostStarted = elapsedSeconds();
  const { code: hostCode, report: hostReport } = await runHostSuite({
    server,
    extensionPath,
    testsIndex: hostSuite.index,
    workspace: copyWorkspace('workspace-host'),
    browserProfile: join(tempRoot, 'chromium-host'),
    env: profile.env,
    consoleLog: files.hostConsole,
    // A bound, not a wait: the suite reports its exit as soon as it ends. On a loaded 2-core machine the
    // workbench load plus the code index the still-referenced test waits for took over 180 s.
    timeoutMs: Number(process.env.LOCKSTEP_E2E_HOST_TIMEOUT_S || 720) * 1000,
  });
  console.log(hostReport);
  const results = readHostResults();
  const host = { passed: results?.passed.length ?? 0, failed: results?.failed.length ?? 0 };
  log(`extension-host suite: exit ${hostCode}, ${host.passed} passed, ${host.failed} failed (${(elapsedSeconds() - hostStarted).toFixed(1)}s)`);

  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });
  const uiStarted = elapsedSeconds();
  const ui = await runUiSuite({
    repoRoot,
    server,
    extensionPath,
    workspace: copyWorkspace('workspace-ui'),
    browserProfile: join(tempRoot, 'chromium-ui'),
    screenshotDir,
    env: { ...profile.env, LOCKSTEP_E2E_DATABASE_URL: databaseUrl },
  });
  log(`UI suite: exit ${ui.code}, ${ui.passed} passed, ${ui.failed} failed (${(elapsedSeconds() - uiStarted).toFixed(1)}s)`);

  // A suite that ran nothing is a failure too: it proves nothing. With LOCKSTEP_E2E_GREP one suite may match nothing.
  const ranEnough = process.env.LOCKSTEP_E2E_GREP ? host.passed + ui.passed > 0 : host.passed > 0 && ui.passed > 0;
  const ok = hostCode === 0 && ui.code === 0 && ranEnough && host.failed === 0 && ui.failed === 0;
  if (!ok) printFailureLogs();
  if (ok && process.env.LOCKSTEP_E2E_UPDATE_DOCS_IMAGES && !process.env.LOCKSTEP_E2E_GREP) {
    for (const name of DOCS_IMAGES) copyFileSync(join(screenshotDir, `${name}.png`), join(repoRoot, 'docs', 'images', `${name}.png`));
    log(`updated docs/images/: ${DOCS_IMAGES.map((name) => `${name}.png`).join(', ')}`);
  }
  console.log(`\ne2e: ${host.passed + ui.passed} passed, ${host.failed + ui.failed} failed`);
  return ok;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping everything we started`);
    await cleanUp();
    if (!process.env.LOCKSTEP_E2E_KEEP) rmSync(tempRoot, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  log(`FAILED: ${error?.stack ?? error}`);
  printFailureLogs();
} finally {
  await cleanUp();
}
if (ok && !process.env.LOCKSTEP_E2E_KEEP) rmSync(tempRoot, { recursive: true, force: true });
else log(`kept ${tempRoot} for inspection`);
log(ok ? `e2e passed in ${elapsedSeconds().toFixed(1)}s` : `e2e FAILED after ${elapsedSeconds().toFixed(1)}s`);
process.exit(ok ? 0 : 1);
