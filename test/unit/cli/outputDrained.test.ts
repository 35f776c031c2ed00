/**
 * `lockstep lint --format json` waits for its output to leave the process after each ~1 MB written.
 * To a pipe, the report used to pile up in memory until the last file was linted (the lint loop never
 * let the event loop write): 16 MiB more peak RSS on the corpus, 160 MiB on a 20,000-file folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIO } from '../../../server/src/cli/run';
import { writeFlywayChain } from '../../support/flywayChain';

/** Runs the lint; `events` gets 'w' for each write and 'd' for each wait for the output to drain. */
async function lint(dir: string, events?: string[]): Promise<string> {
  let out = '';
  const io: CliIO = {
    cwd: dir,
    env: {},
    stdoutIsTTY: false,
    writeOut: (text) => {
      out += text;
      events?.push('w');
    },
    writeErr: () => {},
    readStdin: async () => Buffer.alloc(0),
    ...(events ? { outputDrained: async () => void events.push('d') } : {}),
  };
  await runCli(['lint', '.', '--format', 'json', '--no-history', '--no-code'], io);
  return out;
}

describe('lint output to a slow reader', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-drain-'));
    // Several megabytes of JSON in all, written in pieces of about a megabyte.
    writeFlywayChain(dir, 1500);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for each piece to drain before linting on, and writes the same report', async function () {
    this.timeout(120_000);
    const events: string[] = [];
    const report = await lint(dir, events);
    // Every piece but the last (written after the loop) is waited for.
    assert.match(events.join(''), /^(wd){2,}w$/);
    assert.equal(report, await lint(dir));
  });
});
