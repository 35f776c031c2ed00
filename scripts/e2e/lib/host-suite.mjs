// Runs test/e2e/suite inside code-server's real extension host, the @vscode/test-electron way:
// the workbench reads extensionDevelopmentPath/extensionTestsPath from the `payload` URL parameter,
// runs the tests module's run(), and reports the exit code through window.codeAutomationExit.
import { appendFileSync } from 'node:fs';
import { log } from './log.mjs';
import { launchBrowser } from './browser.mjs';

function remoteUri(port, absolutePath) {
  return `vscode-remote://127.0.0.1:${port}${absolutePath}`;
}

// test/e2e/suite/index.ts starts each line of mocha's report with this.
const OUTPUT_MARKER = '[lockstep-e2e] ';

/**
 * Resolves with the exit code the extension host reported (0 = every test passed) and mocha's report.
 * `consoleLog` receives the workbench's whole console and the codeAutomationLog lines.
 * The timeout is a ceiling for a hung suite: at load 30 on 2 cores the suite needs minutes, not 10 s.
 */
export async function runHostSuite({ server, extensionPath, testsIndex, workspace, browserProfile, env, consoleLog, timeoutMs = 12 * 60 * 1000 }) {
  const payload = [
    ['extensionDevelopmentPath', remoteUri(server.port, extensionPath)],
    ['extensionTestsPath', remoteUri(server.port, testsIndex)],
    ['skipWelcome', 'true'],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const context = await launchBrowser(browserProfile, env);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const note = (line) => appendFileSync(consoleLog, `${line}\n`);
    page.on('console', (message) => note(`[console.${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => note(`[pageerror] ${error.stack ?? error}`));
    let reportExit;
    const exited = new Promise((resolve) => (reportExit = resolve));
    const report = [];
    await page.exposeFunction('codeAutomationLog', (level, message) => {
      note(`[automation.${level}] ${message}`);
      const text = String(message);
      if (text.includes(OUTPUT_MARKER)) report.push(text.slice(text.indexOf(OUTPUT_MARKER) + OUTPUT_MARKER.length));
    });
    await page.exposeFunction('codeAutomationExit', (code) => reportExit(code));
    log(`extension-host suite: opening ${workspace} with the tests payload`);
    // On a busy machine the workbench's load event can take minutes; the suite's own exit is awaited below.
    await page.goto(url, { waitUntil: 'commit', timeout: 120000 });
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (code === 'timeout') {
      log(`extension-host suite: no exit code within ${timeoutMs / 1000}s`);
      return { code: 1, report: report.join('\n') };
    }
    return { code: Number(code), report: report.join('\n') };
  } finally {
    await context.close();
  }
}
