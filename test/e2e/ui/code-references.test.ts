/**
 * still-referenced as a person sees it (code-server + Chromium): the DROP COLUMN that application
 * code still reads gets an error squiggle once the background index is built; its hover lists the
 * code location, and clicking that location opens the code file with the cursor on the column.
 */
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { BrowserContext, Page } from 'playwright-core';
import { editorLine, env, openFromExplorer, openWorkbench, screenshot } from './workbench';

const MIGRATION = 'contract-check/drop_account_nickname.sql';
const CODE = 'accounts-app/queries.ts';

/** 1-based line and column of `needle` in a fixture file, as VS Code shows them. */
function positionIn(relativePath: string, needle: string): { line: number; column: number } {
  const lines = readFileSync(join(env.workspace, relativePath), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${relativePath} contains ${needle}`);
  return { line: line + 1, column: lines[line].indexOf(needle) + 1 };
}

describe('still-referenced in the VS Code UI', function () {
  // The code index is built in a worker after the server starts: on a loaded machine that takes a while.
  this.timeout(240_000);
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ({ context, page } = await openWorkbench());
    await openFromExplorer(page, MIGRATION);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      console.log(`      screenshot of the failure: ${await screenshot(page, `failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`)}`);
    }
  });

  after(async () => {
    await context?.close();
  });

  it('shows the code location of a still-referenced finding in its hover and opens the code file at that line', async () => {
    const at = positionIn(CODE, 'nickname FROM accounts');
    const link = `queries.ts(${at.line}, ${at.column})`;
    // The error squiggle appears once the index is built and the migration re-linted.
    await page.locator('.editor-group-container.active .monaco-editor .squiggly-error').first().waitFor({ timeout: 180_000 });
    await editorLine(page, 'DROP COLUMN nickname').getByText('nickname').hover();
    const hover = page.locator('.monaco-hover:visible', { hasText: link });
    await hover.first().waitFor({ timeout: 30_000 });
    const text = await hover.first().innerText();
    assert.ok(text.includes('while the application code still uses it'), `the hover shows the still-referenced message: ${text}`);
    assert.ok(text.includes('reads accounts.nickname'), `the hover says what the code does there: ${text}`);
    await screenshot(page, 'still-referenced-hover', ['.monaco-hover:not(.hidden)']);

    await hover.first().locator('a', { hasText: link }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'queries.ts' }).waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: `Ln ${at.line}, Col ${at.column}` }).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'still-referenced-opened');
  });
});
