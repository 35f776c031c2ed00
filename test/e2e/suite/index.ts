/**
 * Entry point the extension host loads through `extensionTestsPath` (the @vscode/test-electron
 * contract): runs every bundled *.test.js beside this file with mocha and rejects on any failure,
 * which makes the workbench report a non-zero exit code.
 * Also writes a JSON summary to $LOCKSTEP_E2E_RESULTS so the runner can print exact counts.
 */
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { format } from 'util';

/** The runner picks the reporter's lines out of the workbench's console by this marker. */
const OUTPUT_MARKER = '[lockstep-e2e] ';

interface Summary {
  passed: string[];
  failed: { title: string; error: string }[];
}

export function run(): Promise<void> {
  // The console forwarder passes printf-style arguments through unformatted: format them here.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(OUTPUT_MARKER + format(...args));
  // LOCKSTEP_E2E_GREP (set for the runner) runs only the matching tests while developing one.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec', grep: process.env.LOCKSTEP_E2E_GREP || undefined });
  const testFiles = readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  for (const name of testFiles) mocha.addFile(join(__dirname, name));
  const summary: Summary = { passed: [], failed: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const resultsPath = process.env.LOCKSTEP_E2E_RESULTS;
      if (resultsPath) writeFileSync(resultsPath, JSON.stringify(summary, null, 2));
      const total = summary.passed.length + summary.failed.length;
      if (total === 0 && !process.env.LOCKSTEP_E2E_GREP) reject(new Error(`no e2e tests ran (test files: ${testFiles.join(', ') || 'none'})`));
      else if (failures > 0) reject(new Error(`${failures} of ${total} extension-host tests failed`));
      else resolve();
    });
    runner.on('pass', (test) => summary.passed.push(test.fullTitle()));
    runner.on('fail', (test, error) => summary.failed.push({ title: test.fullTitle(), error: String(error?.stack ?? error) }));
  });
}
