/**
 * CLI subcommands besides `lint` (which run.ts owns). A subcommand lives in its own module under
 * server/src/cli/ and is listed here and in commandNames.ts; `lockstep <name> …` hands it the
 * remaining arguments. The bundle ships this module as dist/cliCommands.js, loaded on demand.
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
import type { SubcommandName } from './commandNames';
import { refsCommand } from './refs';

export interface Subcommand {
  /** One line for `lockstep --help`. */
  summary: string;
  /** Returns the process exit code (0 ok, 1 findings/failure, 2 usage or I/O error). */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Add a subcommand: import it here, add it under its name, and add the name to commandNames.ts. */
export const SUBCOMMANDS: Record<SubcommandName, Subcommand> = {
  estimate: estimateCommand,
  trace: traceCommand,
  split: splitCommand,
  scaffold: scaffoldCommand,
  'github-comment': githubCommentCommand,
  init: initCommand,
  run: runCommand,
  watch: watchCommand,
  refs: refsCommand,
};
