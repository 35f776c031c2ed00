/**
 * The "Get started with Lockstep" walkthrough, walked as a new user would (issue 15, part 8): each
 * step's button runs its command, the command does what the step says, and VS Code ticks the step.
 * The cropped screenshots of this walk are the README's (docs/images/, LOCKSTEP_E2E_UPDATE_DOCS_IMAGES=1).
 */
import * as assert from 'assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { sqlName } from '../../../server/src/locks/modes';
import { EDITOR_TEXT, editorLine, env, openWorkbench, screenshot } from './workbench';

const WALKTHROUGH = 'Get started with Lockstep';

describe('the Get started walkthrough', function () {
  this.timeout(60000);
  let context: BrowserContext;
  let page: Page;
  const settingsFile = () => join(env.workspace, '.vscode', 'settings.json');
  const configFile = () => join(env.workspace, 'lockstep.config.json');

  const palette = async (text: string) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10000 });
    await input.fill(text);
  };
  const pickRow = (text: string) => page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
  const walkthroughTab = () => page.locator('.tabs-container .tab', { hasText: 'Welcome' }).first();
  const container = () => page.locator('.gettingStartedContainer').first();
  const step = (title: string) => container().locator('.getting-started-step', { hasText: title }).first();

  /** Opens a step and clicks its command button. */
  async function runStep(title: string, button: string): Promise<void> {
    await walkthroughTab().click();
    await step(title).click();
    await container().locator('a, button', { hasText: button }).first().click({ timeout: 10000 });
  }

  async function assertStepDone(title: string): Promise<void> {
    await walkthroughTab().click();
    await container().locator('.getting-started-step.complete', { hasText: title }).first().waitFor({ timeout: 15000 });
  }

  before(async () => {
    ({ context, page } = await openWorkbench());
    await palette('>Welcome: Open Walkthrough');
    await pickRow('Open Walkthrough').click();
    await pickRow(WALKTHROUGH).click({ timeout: 15000 });
    await container().locator('.category-title, h2', { hasText: WALKTHROUGH }).first().waitFor({ timeout: 15000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = `failed-walkthrough-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`;
      console.log(`      screenshot of the failure: ${await screenshot(page, name)}`);
    }
  });

  after(async () => {
    // Leave the workspace as the other UI tests expect it.
    rmSync(configFile(), { force: true });
    await context?.close();
  });

  it('1. "Open a Sample Migration" opens a migration whose dangerous statements are underlined', async () => {
    await runStep('Open a migration', 'Open a Sample Migration');
    await editorLine(page, 'CREATE INDEX orders_customer_id_idx').waitFor({ timeout: 15000 });
    await page.locator('.editor-group-container.active .squiggly-warning, .editor-group-container.active .squiggly-error').first().waitFor({ timeout: 30000 });
    await assertStepDone('Open a migration');
  });

  it('2. "Show Problems" lists the findings in the Problems view', async () => {
    await runStep('See what locks a hot table', 'Show Problems');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'require-concurrent-index' }).first().waitFor({ timeout: 15000 });
    await assertStepDone('See what locks a hot table');
  });

  it('3. hovering a statement shows the lock it takes', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'Untitled' }).first().click();
    await editorLine(page, 'CREATE INDEX orders_customer_id_idx').getByText('orders_customer_id_idx').hover();
    const hover = page.locator('.monaco-hover:visible', { hasText: sqlName('ShareLock') });
    await hover.first().waitFor({ timeout: 15000 });
    assert.ok((await hover.first().innerText()).includes('orders'));
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  });

  it('4. Ctrl+. on the statement offers the safe version', async () => {
    await editorLine(page, 'CREATE INDEX orders_customer_id_idx').getByText('orders_customer_id_idx').click();
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget:visible');
    await menu.first().waitFor({ timeout: 15000 });
    assert.match(await menu.first().innerText(), /CONCURRENTLY/);
    await page.keyboard.press('Escape');
  });

  it('5. "Scaffold Migration Plan…" asks which plan to write', async () => {
    await runStep('Scaffold a phased plan', 'Scaffold Migration Plan');
    await pickRow('Rename a column').waitFor({ timeout: 15000 });
    await page.keyboard.press('Escape');
    await assertStepDone('Scaffold a phased plan');
  });

  it('6. "Connect to Database" connects to the configured database', async () => {
    const url = process.env.LOCKSTEP_E2E_DATABASE_URL;
    assert.ok(url, 'run.mjs starts a PostgreSQL cluster for this');
    mkdirSync(join(env.workspace, '.vscode'), { recursive: true });
    writeFileSync(settingsFile(), JSON.stringify({ 'lockstep.database.url': url }, null, 2));
    await runStep('Connect a database', 'Connect to Database');
    await page.locator('.statusbar-item', { hasText: 'lockstep_e2e' }).first().waitFor({ timeout: 30000 });
    await assertStepDone('Connect a database');
    await palette('>Lockstep: Disconnect');
    await pickRow('Lockstep: Disconnect').click();
  });

  it('7. "Create Configuration" writes lockstep.config.json for the project', async () => {
    assert.ok(!existsSync(configFile()), 'the fixture has no config yet');
    await runStep('Share the settings with CI', 'Create Configuration');
    await pickRow('Configuration only').click({ timeout: 15000 });
    await page.locator('.tabs-container .tab', { hasText: 'lockstep.config.json' }).first().waitFor({ timeout: 15000 });
    const config = JSON.parse(readFileSync(configFile(), 'utf8'));
    assert.ok(config.$schema, 'with $schema');
    await assertStepDone('Share the settings with CI');
    await screenshot(page, 'walkthrough', ['.gettingStartedContainer .gettingStartedSlideCategories, .gettingStartedContainer .getting-started-category']);
  });
});
