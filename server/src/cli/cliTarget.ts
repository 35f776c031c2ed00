/** The database a CLI command connects to (`--db`, else the PG* variables, else DATABASE_URL), with the CLI's wording when none is given. */
import { NO_TARGET, resolveTarget, type TargetResult } from '../db/target';

const NO_DB_ARGUMENT = 'no database given: pass --db <url>, or set the PGHOST/PGDATABASE environment variables, or DATABASE_URL';

export function cliTarget(db: string | undefined, env: Record<string, string | undefined>): TargetResult {
  const resolved = resolveTarget({ argumentUrl: db, env });
  return resolved.ok || resolved.message !== NO_TARGET ? resolved : { ok: false, message: NO_DB_ARGUMENT };
}
