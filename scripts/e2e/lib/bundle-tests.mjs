// Bundles test/e2e/suite/*.ts for the extension host: one CommonJS file per module, `vscode` left
// external (the extension host provides it), mocha bundled into index.js (mocha 12 ships as ESM).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export async function bundleHostSuite(repoRoot) {
  const sourceDir = join(repoRoot, 'test', 'e2e', 'suite');
  const outDir = join(repoRoot, 'out', 'test', 'e2e', 'suite');
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = readdirSync(sourceDir)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => join(sourceDir, name));
  await build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'pg-native'],
    logLevel: 'warning',
    // Mocha's parallel mode (never used here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return { outDir, index: join(outDir, 'index.js') };
}
