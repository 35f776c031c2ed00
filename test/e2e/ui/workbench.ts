/** Drives the code-server workbench in Debian's Chromium for the UI suite (settings come from run.mjs). */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

function required(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is set (run this suite through scripts/e2e/run.mjs)`);
  return value;
}

export const env = {
  get url() { return required('LOCKSTEP_E2E_URL'); },
  get workspace() { return required('LOCKSTEP_E2E_WORKSPACE'); },
  get browserProfile() { return required('LOCKSTEP_E2E_BROWSER_PROFILE'); },
  get screenshots() { return required('LOCKSTEP_E2E_SCREENSHOTS'); },
  get extensionPath() { return required('LOCKSTEP_E2E_EXTENSION_PATH'); },
};

/** The longest any one UI change may take: a ceiling for a loaded 2-core machine (load 30+), never an expectation. */
export const UI_WAIT = 60000;

const CHROMIUM_FLAGS: string[] = JSON.parse(readFileSync(join(__dirname, '../../../scripts/e2e/chromium-flags.json'), 'utf8'));

export async function openWorkbench(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(env.browserProfile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // On a busy machine the load event can take minutes: wait for the workbench itself instead.
  await page.goto(`${env.url}/?folder=${encodeURIComponent(env.workspace)}`, { waitUntil: 'commit', timeout: 120000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120000 });
  return { context, page };
}

/** Clicks through the explorer tree: `migrations/001_x.sql` clicks `migrations`, then the file. */
export async function openFromExplorer(page: Page, relativePath: string): Promise<void> {
  const parts = relativePath.split('/');
  for (const [index, name] of parts.entries()) {
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: UI_WAIT });
    const isFolder = index < parts.length - 1;
    if (isFolder && (await row.getAttribute('aria-expanded')) === 'true') continue;
    await row.click();
  }
  await page.locator('.tabs-container .tab', { hasText: parts[parts.length - 1] }).waitFor({ timeout: UI_WAIT });
}

/** The editor line whose text contains `text` (Monaco renders spaces as nbsp). */
export function editorLine(page: Page, text: string): Locator {
  return page.locator('.monaco-editor .view-line').filter({ hasText: text.replace(/ /g, '\u00a0') }).first();
}

/** What the text of the active editor occupies: its line numbers and its tokens, not the empty width. */
export const EDITOR_TEXT = ['.editor-group-container.active .monaco-editor .line-numbers', '.editor-group-container.active .monaco-editor .view-line span[class^="mtk"]'];

/**
 * Saves a screenshot; with `regions` (CSS selectors), cropped to the union of the visible elements
 * they match plus a margin, so a README image shows the part that matters at README width.
 */
export async function screenshot(page: Page, name: string, regions: string[] = []): Promise<string> {
  mkdirSync(env.screenshots, { recursive: true });
  const path = join(env.screenshots, `${name}.png`);
  // Hovers, menus and toasts fade in.
  await page.waitForTimeout(1000);
  const clip = regions.length ? await unionOf(page, regions) : undefined;
  await page.screenshot({ path, ...(clip ? { clip } : {}) });
  return path;
}

async function unionOf(page: Page, selectors: string[], margin = 12): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  const box = await page.evaluate((list) => {
    // Runs in the page: the DOM globals, typed loosely (this project compiles without the DOM lib).
    const { document, window, getComputedStyle } = globalThis as unknown as {
      document: { querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { left: number; top: number; right: number; bottom: number; width: number; height: number } }> };
      window: { innerWidth: number; innerHeight: number };
      getComputedStyle(e: unknown): { visibility: string; display: string };
    };
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (const selector of list) {
      for (const element of Array.from(document.querySelectorAll(selector))) {
        const r = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
        left = Math.min(left, r.left); top = Math.min(top, r.top); right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
      }
    }
    return Number.isFinite(left) ? { left, top, right, bottom, vw: window.innerWidth, vh: window.innerHeight } : undefined;
  }, selectors);
  if (!box) return undefined;
  const x = Math.max(0, Math.floor(box.left - margin));
  const y = Math.max(0, Math.floor(box.top - margin));
  return { x, y, width: Math.min(box.vw, Math.ceil(box.right + margin)) - x, height: Math.min(box.vh, Math.ceil(box.bottom + margin)) - y };
}

export interface ExpectedFindings {
  errors: number;
  warnings: number;
}

/** The accessible label of the status bar's problems item ("Errors: 1, Warnings: 3", "No Problems"). */
export async function problemsLabel(page: Page): Promise<string> {
  const labelled = page.locator('[id="status.problems"] [aria-label]').first();
  return (await labelled.count()) ? ((await labelled.getAttribute('aria-label')) ?? '') : '';
}

export function problemCounts(label: string): ExpectedFindings {
  const count = (kind: string) => Number(new RegExp(`${kind}: (\\d+)`).exec(label)?.[1] ?? 0);
  return { errors: count('Errors'), warnings: count('Warnings') };
}

/** Counts from the CLI shipped in the same .vsix: the editor must show what the engine finds. */
export function cliFindings(file: string): ExpectedFindings {
  const cli = join(env.extensionPath, 'dist', 'cli.js');
  let output: string;
  try {
    output = execFileSync(process.execPath, [cli, 'lint', file, '--format', 'json'], { encoding: 'utf8' });
  } catch (error) {
    // Exit code 1 means "findings at or above --fail-on", with the report on stdout.
    output = String((error as { stdout?: string }).stdout ?? '');
  }
  const findings: { severity: string }[] = JSON.parse(output).files.flatMap((f: { findings: unknown[] }) => f.findings);
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

export interface PaletteCommand {
  command: string;
  /** As the palette shows it: "Category: Title". */
  label: string;
}

export function contributedCommands(): PaletteCommand[] {
  const manifest = JSON.parse(readFileSync(join(env.extensionPath, 'package.json'), 'utf8'));
  return (manifest.contributes?.commands ?? []).map((c: { command: string; title: string; category?: string }) => ({
    command: c.command,
    label: c.category ? `${c.category}: ${c.title}` : c.title,
  }));
}
