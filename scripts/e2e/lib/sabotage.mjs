// Deliberate breakage of the *installed copy* of the extension (inside the temp profile, never the
// repo), used by prove-failure.mjs to show that the e2e run fails when the extension is broken.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './log.mjs';

const BREAKAGES = {
  // The client bundle throws as soon as VS Code loads it, so activate() never runs.
  activation(extensionPath) {
    const client = join(extensionPath, 'dist', 'client.js');
    const broken = "throw new Error('Lockstep e2e sabotage: activation broken on purpose');\n";
    writeFileSync(client, broken + readFileSync(client, 'utf8'));
    return client;
  },
};

export function sabotage(kind, extensionPath) {
  const breakage = BREAKAGES[kind];
  if (!breakage) throw new Error(`unknown LOCKSTEP_E2E_SABOTAGE=${kind}; known: ${Object.keys(BREAKAGES).join(', ')}`);
  const changed = breakage(extensionPath);
  log(`SABOTAGE (${kind}): modified ${changed}; this run is expected to fail`);
}
