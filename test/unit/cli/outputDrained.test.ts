/**
 * `lockstep lint --format json` keeps its output moving to a slow reader: where the output says what
 * still waits to leave the process, the event loop writes it between files and the lint waits only
 * past a limit; elsewhere it waits after each ~1 MB written.
 * To a pipe, the report used to pile up in memory until the last file was linted (the lint loop never
 * let the event loop write): 16 MiB more peak RSS on the corpus, 160 MiB on a 20,000-file folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_QUEUE_LIMIT, runCli, type CliIO } from '../../../server/src/cli/run';
import { writeFlywayChain } from '../../support/flywayChain';

/**
 * Runs the lint; `events` gets 'w' for each write and 'd' for each wait for the output to drain.
 * `pending`: what the output says is waiting to leave the process (absent: it cannot say).
 */
async function lint(dir: string, events?: string[], pending?: () => number): Promise<string> {
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
    ...(pending ? { outputPending: pending } : {}),
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

  it('lints on while less than the limit waits to leave (the event loop writes it between files), and writes the same report', async function () {
    this.timeout(120_000);
    const events: string[] = [];
    // A pipe's worth always waiting: the old loop stopped after each megabyte until all of it had left.
    const report = await lint(dir, events, () => 64 * 1024);
    assert.match(events.join(''), /^w{2,}$/);
    assert.equal(report, await lint(dir));
  });

  it('waits for the output to drain once more than the limit waits (memory stays bounded)', async function () {
    this.timeout(120_000);
    const events: string[] = [];
    const report = await lint(dir, events, () => OUTPUT_QUEUE_LIMIT + 1);
    // A wait after every file's report: many more than the pieces written.
    const waits = events.filter((e) => e === 'd').length;
    assert.ok(waits >= 1500, `${waits} waits`);
    assert.equal(report, await lint(dir));
  });
});
