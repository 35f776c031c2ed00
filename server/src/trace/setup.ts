/** The schema-building statements a trace runs first: the earlier migrations of the file's set. */
import type { LockstepConfig, RunnerId } from '../config/types';
import { earlierMigrations } from '../history/migrationSet';
import { nodeFileSystem } from '../history/schemaHistory';
import { readRegularFile } from '../history/regularFile';
import { setupStatements } from './plan';

/** Up-section statements of the set's earlier migrations, except those in `traced` (they run themselves). */
export function earlierSetup(path: string, runner: RunnerId, config: LockstepConfig, traced: string[] = []): string[] {
  const earlier = earlierMigrations(path, runner, nodeFileSystem).filter((p) => !traced.includes(p));
  const files = earlier.flatMap((p) => {
    try {
      return [{ path: p, text: readRegularFile(p) }];
    } catch {
      return [];
    }
  });
  return setupStatements(files, config);
}
