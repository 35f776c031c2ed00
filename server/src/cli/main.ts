/**
 * Entry point of `dist/cli.js`. When required instead of run (the corpus check does that),
 * it only exports the bundled engine, so scripts measure exactly what users run.
 */
import { runCli, type CliIO } from './run';
import { isLintWorker, runLintWorker } from './lintPool';
import { isSubcommand } from './commandNames';
import { keepProjectFactsForTheRun } from '../document/projectFacts';
import { readline } from '../startup/lazyBuiltins';
import { once } from 'node:events';

// For scripts/corpus-check.mjs: the same engine and splitter, straight from the bundle.
export { initEngine, lintText, explain } from '../engine';
export { splitSql } from '../parse/split';
// For bench/split-parse-floor.mjs: the parser entry points buildDocument calls.
export { loadParser, parseChunk, parseChunksTogether } from '../parse/pgParser';
export { DEFAULT_CONFIG } from '../config/types';
export { runCli } from './run';
export { detectFramework } from '../frameworks/registry';
export { lintHostText, frameworkCoverage } from '../frameworks/lint';
export { SchemaHistory, snapshotFileSystem } from '../history/schemaHistory';

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    writeOut: (text) => void process.stdout.write(text),
    writeOutBytes: (bytes) => void process.stdout.write(bytes),
    outputDrained: () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : Promise.resolve()),
    outputPending: () => process.stdout.writableLength,
    writeErr: (text) => void process.stderr.write(text),
    readStdin,
    controlLines(onLine, onEnd) {
      const lines = readline().createInterface({ input: process.stdin });
      lines.on('line', onLine);
      lines.on('close', onEnd);
      return () => {
        lines.off('close', onEnd);
        lines.close();
        process.stdin.unref?.();
      };
    },
  };
}

if (isLintWorker()) {
  // A thread of `lockstep lint`'s pool (lintPool.ts) runs this same bundle.
  void runLintWorker();
} else if (require.main === module) {
  // `lockstep lint … | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  // `lockstep lint` is one pass over files that do not change under it; `watch` and the rest re-read.
  if (!isSubcommand(process.argv[2])) keepProjectFactsForTheRun();
  runCli(process.argv.slice(2), processIO()).then(
    (code) => {
      // exitCode, not exit(): let buffered output to a pipe drain first.
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`lockstep: unexpected failure: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.LOCKSTEP_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exitCode = 2;
    },
  );
}
