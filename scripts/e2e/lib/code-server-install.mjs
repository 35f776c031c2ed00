// code-server is installed on demand into a cache folder (never a dependency of the extension) and
// reused while its version matches. Recipe and pitfalls: shared e2e notes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { log } from './log.mjs';
import { CODE_SERVER_BUILD_PACKAGES, ensureDebianPackages } from './prereqs.mjs';
import { runToEnd } from './processes.mjs';

// The newest code-server whose engines allow node 20 (VS Code 1.100.3).
export const CODE_SERVER_VERSION = '4.100.3';
// The @vscode/ripgrep that code-server 4.100.3 pins, and the asset its postinstall looks for.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const COMPLETE_MARKER = '.lockstep-complete';

export function codeServerBinary(installDir) {
  return join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function installedVersion(installDir) {
  try {
    const manifest = join(installDir, 'node_modules', 'code-server', 'package.json');
    return JSON.parse(readFileSync(manifest, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** `code-server --version` prints e.g. "4.100.3 <commit> with Code 1.100.3" (after a log line on first use). */
function reportedVersion(installDir, env) {
  try {
    const out = execFileSync(process.execPath, [codeServerBinary(installDir), '--version'], { encoding: 'utf8', env, timeout: 30000 });
    return /^(\d+\.\d+\.\d+) \S+ with Code /m.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function removeInterruptedInstalls(installDir) {
  if (!existsSync(dirname(installDir))) return;
  for (const name of readdirSync(dirname(installDir))) {
    if (name.startsWith(`${basename(installDir)}.partial-`)) rmSync(join(dirname(installDir), name), { recursive: true, force: true });
  }
}

/** Returns the folder holding a working code-server, installing it first when the cache lacks it. */
export async function ensureCodeServer({ cacheRoot, scratchDir, env }) {
  const installDir = join(cacheRoot, CODE_SERVER_VERSION);
  if (existsSync(join(installDir, COMPLETE_MARKER)) && installedVersion(installDir) === CODE_SERVER_VERSION) {
    const version = reportedVersion(installDir, env);
    if (version === CODE_SERVER_VERSION) {
      log(`reusing code-server ${version} from ${installDir}`);
      return installDir;
    }
    log(`cached code-server in ${installDir} reports version ${version ?? '(none)'}; reinstalling`);
  }
  await ensureDebianPackages(CODE_SERVER_BUILD_PACKAGES);

  // Install into a staging folder and rename at the end, so an interrupted install never looks complete.
  removeInterruptedInstalls(installDir);
  const staging = `${installDir}.partial-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({
    name: 'lockstep-e2e-code-server', private: true,
    allowScripts: { 'code-server': true, argon2: true },
  }, null, 2));

  const installTmp = join(scratchDir, 'npm-install-tmp');
  const ripgrepCache = join(installTmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  mkdirSync(ripgrepCache, { recursive: true });
  execFileSync('tar', ['czf', join(ripgrepCache, RIPGREP_ASSET), '-C', '/usr/bin', 'rg']);

  log(`installing code-server ${CODE_SERVER_VERSION} into ${installDir} (about a minute, ~300 MB)`);
  const installEnv = {
    ...env,
    TMPDIR: installTmp,
    // ~/.npmrc may say yes=false, which makes node-pty's `npx node-gyp` refuse to run.
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const { code, output } = await runToEnd('npm', ['install', '--unsafe-perm', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], { cwd: staging, env: installEnv, timeoutMs: 10 * 60 * 1000 });
  const version = code === 0 ? reportedVersion(staging, env) : undefined;
  if (version !== CODE_SERVER_VERSION) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`installing code-server failed (npm exit ${code}, version ${version ?? 'none'}):\n${output.slice(-4000)}`);
  }
  writeFileSync(join(staging, COMPLETE_MARKER), `${CODE_SERVER_VERSION}\n`);
  rmSync(installDir, { recursive: true, force: true });
  renameSync(staging, installDir);
  log(`installed code-server ${version}`);
  return installDir;
}
