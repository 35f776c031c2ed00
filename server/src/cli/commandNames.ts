/**
 * The names of the subcommands besides `lint`. Their code (commands.ts: PGlite, pg, the
 * scaffolder) is over half of the CLI bundle, so it is loaded only when one of them runs;
 * `lockstep lint` starts without it.
 */
export const SUBCOMMAND_NAMES = ['estimate', 'trace', 'split', 'scaffold', 'github-comment', 'init', 'run', 'watch', 'refs'] as const;

export type SubcommandName = (typeof SUBCOMMAND_NAMES)[number];

export function isSubcommand(name: string | undefined): name is SubcommandName {
  return (SUBCOMMAND_NAMES as readonly string[]).includes(name ?? '');
}
