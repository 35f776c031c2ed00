/**
 * CLI subcommands besides `lint` (which run.ts owns). A subcommand lives in its own module under
 * server/src/cli/ and is listed here; `lockstep <name> …` hands it the remaining arguments.
 */
import { traceCommand } from './trace';
import type { CliIO } from './run';
import { estimateCommand } from './estimate';
import { splitCommand } from './split';
import { scaffoldCommand } from './scaffold';
import { githubCommentCommand } from './githubComment';
import { initCommand } from './init';
import { runCommand } from './runCommand';
import { watchCommand } from './watchCommand';

export interface Subcommand {
  /** One line for `lockstep --help`. */
  summary: string;
  /** Returns the process exit code (0 ok, 1 findings/failure, 2 usage or I/O error). */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Add a subcommand: import it here and add it under its name. */
export const SUBCOMMANDS: Record<string, Subcommand> = {
  estimate: estimateCommand,
  trace: traceCommand,
  split: splitCommand,
  scaffold: scaffoldCommand,
  'github-comment': githubCommentCommand,
  init: initCommand,
  run: runCommand,
  watch: watchCommand,
};
