/** The schema-building statements a trace runs first: the earlier migrations of the file's set. */
import type { LockstepConfig, RunnerId } from '../config/types';
import { runToEnd } from '../document/model';
import { earlierMigrations } from '../history/migrationSet';
import { nodeFileSystem } from '../history/schemaHistory';
import { readRegularFile } from '../history/regularFile';
import { setupStatementsSteps } from './plan';

/** Up-section statements of the set's earlier migrations, except those in `traced` (they run themselves). */
export function earlierSetup(path: string, runner: RunnerId, config: LockstepConfig, traced: string[] = []): string[] {
  return runToEnd(earlierSetupSteps(path, runner, config, traced));
}

/** `earlierSetup` in slices: it yields after each statement, and reads each file when its turn comes. */
export function earlierSetupSteps(path: string, runner: RunnerId, config: LockstepConfig, traced: string[] = []): Generator<void, string[]> {
  const earlier = earlierMigrations(path, runner, nodeFileSystem).filter((p) => !traced.includes(p));
  return setupStatementsSteps(readable(earlier), config);
}

/** The files that can be read, as they are asked for; one that cannot is left out. */
function* readable(paths: string[]): Generator<{ path: string; text: string }> {
  for (const p of paths) {
    let text: string;
    try {
      text = readRegularFile(p);
    } catch {
      continue;
    }
    yield { path: p, text };
  }
}
