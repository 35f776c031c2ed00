// Debian packages the e2e run needs. Installed with apt-get when missing and we are root (CI is root);
// otherwise we stop with the exact command to run.
import { execFileSync } from 'node:child_process';
import { log } from './log.mjs';
import { runToEnd } from './processes.mjs';

/** Debian package -> why it is needed. */
export const BROWSER_PACKAGES = { chromium: 'the browser that drives code-server' };
export const CODE_SERVER_BUILD_PACKAGES = {
  'libkrb5-dev': "gssapi headers for code-server's kerberos addon",
  ripgrep: "rg, seeded into @vscode/ripgrep's download cache (its own download needs GitHub)",
};

function installed(pkg) {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return status.includes('install ok installed');
  } catch {
    return false;
  }
}

export async function ensureDebianPackages(packages) {
  const missing = Object.keys(packages).filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  for (const pkg of missing) log(`missing Debian package ${pkg}: ${packages[pkg]}`);
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages; run as root: ${command}`);
  log(`installing with: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    const { code, output } = await runToEnd('apt-get', args, { env });
    if (code !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${code}):\n${output.slice(-3000)}`);
  }
  const stillMissing = missing.filter((pkg) => !installed(pkg));
  if (stillMissing.length) throw new Error(`apt-get did not install: ${stillMissing.join(' ')}`);
  log(`installed ${missing.join(' ')}`);
}
