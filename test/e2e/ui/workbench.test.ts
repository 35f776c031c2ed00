/**
 * The installed .vsix as a person sees it in VS Code (code-server + Chromium): squiggles, the
 * Problems count, the lock hover, the quick-fix menu and the command palette. Tests run in order
 * against one page. Screenshots land in test-output/e2e/.
 */
import * as assert from 'assert';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { sqlName } from '../../../server/src/locks/modes';
import { cliFindings, contributedCommands, EDITOR_TEXT, editorLine, env, openFromExplorer, openWorkbench, problemCounts, problemsLabel, screenshot, UI_WAIT, type ExpectedFindings } from './workbench';

const MIGRATION = 'migrations/001_orders_customer_index.sql';

describe('the Lockstep extension in the VS Code UI', function () {
  // Ceilings, not expectations (see UI_WAIT).
  this.timeout(5 * UI_WAIT);
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    // openWorkbench alone may wait 2 minutes for the workbench on a loaded machine.
    this.timeout(240000);
    ({ context, page } = await openWorkbench());
    await openFromExplorer(page, MIGRATION);
  });

  afterEach(async function () {
    // A picture of the workbench at the moment a check failed says more than the assertion.
    if (this.currentTest?.state === 'failed' && page) {
      const name = `failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      console.log(`      screenshot of the failure: ${await screenshot(page, name)}`);
    }
  });

  after(async () => {
    await context?.close();
  });

  it('underlines the dangerous statements', async () => {
    const squiggles = page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error');
    await squiggles.first().waitFor({ timeout: UI_WAIT });
    assert.ok((await squiggles.count()) > 0);
    await screenshot(page, 'squiggles', EDITOR_TEXT);
  });

  it('counts the same problems in the status bar as the CLI finds in the file', async () => {
    const expected = cliFindings(join(env.workspace, MIGRATION));
    assert.ok(expected.warnings > 0, 'the fixture has warnings');
    // The item's label reads e.g. "Errors: 1, Warnings: 3", leaving out a kind whose count is 0.
    let shown: ExpectedFindings | undefined;
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      shown = problemCounts(await problemsLabel(page));
      if (shown.errors === expected.errors && shown.warnings === expected.warnings) break;
      await page.waitForTimeout(200);
    }
    assert.deepStrictEqual(shown, expected, `status bar label: ${await problemsLabel(page)}`);
    await screenshot(page, 'problems-count');
  });

  it('shows the lock a statement takes when hovering it', async () => {
    await editorLine(page, 'CREATE INDEX idx_orders_customer').getByText('idx_orders_customer').hover();
    const hover = page.locator('.monaco-hover:visible', { hasText: `PostgreSQL ${DEFAULT_CONFIG.pgVersion}` });
    await hover.first().waitFor({ timeout: UI_WAIT });
    const text = await hover.first().innerText();
    assert.ok(text.includes(sqlName('ShareLock')), `hover names the SHARE lock: ${text}`);
    assert.ok(text.includes('orders'), `hover names the table: ${text}`);
    // For the picture: scroll the lock table, which comes after the diagnostics, into view.
    const box = await hover.first().boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 400);
    }
    assert.ok(await hover.first().isVisible(), 'the hover stays open while the mouse is on it');
    await screenshot(page, 'hover', [...EDITOR_TEXT, '.monaco-hover:not(.hidden)']);
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  });

  it('opens the quick-fix menu with Ctrl+. on a flagged statement, listing Lockstep\'s CONCURRENTLY fix and its ignores', async () => {
    await editorLine(page, 'CREATE INDEX idx_orders_customer').getByText('idx_orders_customer').click();
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget:visible');
    await menu.first().waitFor({ timeout: UI_WAIT });
    const text = (await menu.first().innerText()).replace(/\s+/g, ' ').trim();
    console.log(`      quick-fix UI: ${text}`);
    assert.ok(text.includes('Build the index CONCURRENTLY'), `the menu offers the CONCURRENTLY fix: ${text}`);
    assert.ok(text.includes('Ignore require-concurrent-index for this statement'), `and the ignore comment: ${text}`);
    await screenshot(page, 'quick-fix', [...EDITOR_TEXT, '.action-widget']);
    await page.keyboard.press('Escape');
  });

  it('lists every Lockstep command in the command palette, and runs Show Output from it', async () => {
    const commands = contributedCommands();
    assert.ok(commands.length > 0, 'the extension contributes commands');
    const showOutput = commands.find((c) => c.command === 'lockstep.showOutput');
    assert.ok(showOutput, 'lockstep.showOutput is contributed');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_WAIT });
    await input.fill('>Lockstep');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    for (const { label } of commands) await rows.filter({ hasText: label }).first().waitFor({ timeout: UI_WAIT });
    await screenshot(page, 'command-palette', ['.quick-input-widget']);
    // The palette lists contributed commands even when activation failed: running one proves the registration.
    await rows.filter({ hasText: showOutput.label }).first().click();
    await page.locator('.part.panel [aria-label="Lockstep - Output"]').waitFor({ timeout: UI_WAIT });
  });

  it('estimates the lock impact against the e2e database and shows the report with its timeline', async () => {
    const url = process.env.LOCKSTEP_E2E_DATABASE_URL;
    assert.ok(url, 'run.mjs starts a PostgreSQL cluster for this');
    mkdirSync(join(env.workspace, '.vscode'), { recursive: true });
    writeFileSync(join(env.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'lockstep.database.url': url }, null, 2));
    const runCommand = async (title: string) => {
      await editorLine(page, 'CREATE INDEX idx_orders_customer').getByText('idx_orders_customer').click();
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: UI_WAIT });
      await input.fill(`>Lockstep: ${title}`);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click();
    };
    // The settings file is read asynchronously: connect, and wait for the status bar to say so.
    await runCommand('Connect to Database');
    await page.locator('.statusbar-item', { hasText: 'lockstep_e2e' }).first().waitFor({ timeout: UI_WAIT });
    await runCommand('Estimate Lock Impact');
    await page.locator('.tabs-container .tab', { hasText: 'Lock impact: 001_orders_customer_index.sql' }).waitFor({ timeout: UI_WAIT });
    // The report renders inside the webview's nested frames: wait for its timeline chart.
    const report = page.frameLocator('iframe.webview').frameLocator('iframe');
    await report.locator('svg.timeline rect.bar').first().waitFor({ timeout: UI_WAIT });
    assert.ok((await report.locator('tr.statement').count()) === 2, 'a row per statement');
    // For the picture: the report alone, without the panel.
    const hidePanel = page.locator('.part.panel [aria-label^="Hide Panel"], .part.panel [aria-label^="Close Panel"]').first();
    if (await hidePanel.isVisible()) await hidePanel.click();
    const hideSideBar = page.locator('[aria-label^="Toggle Primary Side Bar"]').first();
    if (await hideSideBar.isVisible()) await hideSideBar.click();
    for (const clear of await page.locator('.notification-toast [aria-label^="Clear Notification"]').all()) await clear.click().catch(() => undefined);
    // The walkthrough suite leaves its Welcome tab open; it has no place in the picture (middle click closes a tab).
    for (const tab of await page.locator('.tabs-container .tab', { hasText: 'Welcome' }).all()) await tab.click({ button: 'middle' }).catch(() => undefined);
    await page.mouse.move(5, 5);
    await screenshot(page, 'estimate-report', ['.part.editor']);
  });

  it('scaffolds a migration plan from the palette: the RENAME COLUMN under the cursor prefills every answer', async () => {
    const dir = join(env.workspace, 'scaffold-ui', 'migrations');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '001_users.sql'), 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n');
    writeFileSync(join(dir, '002_rename_email.sql'), 'ALTER TABLE users RENAME COLUMN email TO email_address;\n');
    const palette = page.locator('.quick-input-widget input');
    const firstRow = page.locator('.quick-input-widget .monaco-list-row').first();
    // Quick Open (the palette without ">") opens the naive migration; the cursor goes on its statement.
    await page.keyboard.press('F1');
    await palette.fill('002_rename_email.sql');
    await firstRow.filter({ hasText: '002_rename_email.sql' }).waitFor({ timeout: UI_WAIT });
    await page.keyboard.press('Enter');
    await editorLine(page, 'RENAME COLUMN').getByText('users').click();
    await page.keyboard.press('F1');
    await palette.fill('>Lockstep: Scaffold Migration Plan');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Scaffold Migration Plan' }).first().click();
    // The suggested kind comes first, then each question with the statement's answer first.
    for (const answer of ['Rename a column', 'users', 'email']) {
      await firstRow.filter({ hasText: answer }).waitFor({ timeout: UI_WAIT });
      await page.keyboard.press('Enter');
    }
    // The new name is an input box, prefilled from the statement.
    for (let waited = 0; (await palette.inputValue()) !== 'email_address'; waited += 100) {
      assert.ok(waited < UI_WAIT, `the new-name box shows "${await palette.inputValue()}"`);
      await page.waitForTimeout(100);
    }
    await page.keyboard.press('Enter');
    // The preview opens, then the confirmation; the plan's PLAN.md opens once the files exist.
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Create' }).click({ timeout: UI_WAIT });
    await page.locator('.tabs-container .tab', { hasText: 'PLAN.md' }).waitFor({ timeout: UI_WAIT });
    await screenshot(page, 'scaffold-plan', ['.part.sidebar', '.part.editor']);
  });
});
