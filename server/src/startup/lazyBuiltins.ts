/**
 * Node built-ins that only some runs use, loaded on first use so `lockstep lint` and the language
 * server start without them (each costs a few ms of module loading at every start). A lint that
 * never runs git, and a CLI run without a control channel, never load these.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Readline from 'node:readline';

export function childProcess(): typeof ChildProcess {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:child_process') as typeof ChildProcess;
}

export function readline(): typeof Readline {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:readline') as typeof Readline;
}
