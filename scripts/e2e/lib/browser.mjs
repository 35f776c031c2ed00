// Debian's Chromium driven by playwright-core (Playwright's own browser download cannot work here).
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const flags = JSON.parse(readFileSync(new URL('../chromium-flags.json', import.meta.url), 'utf8'));

/** A headless Chromium with a fresh profile in `userDataDir`; close the returned context to stop it. */
export function launchBrowser(userDataDir, env) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: flags,
    env,
    viewport: { width: 1440, height: 900 },
  });
}
