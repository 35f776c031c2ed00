// Starts code-server on 127.0.0.1 with a profile that lives entirely inside the run's temp root.
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { codeServerBinary } from './code-server-install.mjs';
import { log } from './log.mjs';
import { runToEnd, spawnGroup } from './processes.mjs';

// A quiet first start: no welcome page, tips, trust prompt or update checks in the way of tests or screenshots.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  // Each test's window starts from the files on disk, never from an earlier test's unsaved editors
  // (the walkthrough's untitled sample would otherwise come back and add to the problem counts).
  'files.hotExit': 'off',
  // No slide animations in the walkthrough (its screenshot), and it focuses a selected step at once.
  'workbench.welcomePage.preferReducedMotion': true,
};

/** Folders and environment that keep code-server (and everything it spawns) out of the home folder. */
export function makeProfile(tempRoot) {
  const dirs = {
    userData: join(tempRoot, 'user-data'),
    extensions: join(tempRoot, 'extensions'),
    xdgConfig: join(tempRoot, 'xdg-config'),
    xdgData: join(tempRoot, 'xdg-data'),
    xdgCache: join(tempRoot, 'xdg-cache'),
    tmp: join(tempRoot, 'tmp'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    TMPDIR: dirs.tmp,
  };
  // A developer's own VS Code session must not leak into ours.
  for (const name of Object.keys(env)) if (name.startsWith('VSCODE_')) delete env[name];
  return { dirs, env };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function profileArgs(profile) {
  return ['--user-data-dir', profile.dirs.userData, '--extensions-dir', profile.dirs.extensions];
}

export async function installExtension(installDir, profile, vsixPath) {
  const args = [codeServerBinary(installDir), ...profileArgs(profile), '--install-extension', vsixPath];
  const { code, output } = await runToEnd(process.execPath, args, { env: profile.env, timeoutMs: 60 * 1000 });
  if (code !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsixPath} into code-server failed (exit ${code}):\n${output}`);
  }
  const installed = readdirSync(profile.dirs.extensions).filter((name) => !name.startsWith('.') && name !== 'extensions.json');
  log(`installed extension: ${installed.join(', ')}`);
  return installed.map((name) => join(profile.dirs.extensions, name));
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000}s`);
}

/** Starts code-server and resolves once /healthz answers. `extraEnv` reaches the extension host. */
export async function startCodeServer({ installDir, profile, logFile, extraEnv = {} }) {
  const port = await freePort();
  const args = [
    codeServerBinary(installDir),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...profileArgs(profile),
  ];
  const out = createWriteStream(logFile);
  const child = spawnGroup(process.execPath, args, { env: { ...profile.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  await waitForHealth(url, child, 30000);
  log(`code-server listening on ${url} (healthy after ${((Date.now() - started) / 1000).toFixed(1)}s, pid ${child.pid})`);
  return { url, port, child };
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((path) => statSync(path).isFile());
}

/** The last `lines` lines of a file, or a note that it is missing. */
export function tail(path, lines = 60) {
  if (!existsSync(path)) return `(no file ${path})`;
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Extension host logs: the host's own log plus every extension output channel (Lockstep's included). */
export function extensionHostLogs(profile) {
  return filesUnder(join(profile.dirs.userData, 'logs')).filter((path) => /exthost/.test(path));
}
