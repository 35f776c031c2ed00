/** The hover's evidence about the application code for a contract statement. */
import type { StatementInfo } from '../document/model';
import { escapeCell } from '../impactTable';
import { affectedBy, contractTarget } from './affected';
import { contractsOf } from './contract';
import type { ReferenceLookup } from './index';

/** One line per contract: "no code in this workspace uses users.username", or how many places do. */
export function codeHoverLines(stmt: StatementInfo, code: ReferenceLookup): string[] {
  return contractsOf(stmt.ast).map((c) => {
    const n = affectedBy(c, code).length;
    const target = escapeCell(contractTarget(c));
    return n === 0 ? `No code in this workspace uses ${target}.` : `${n} place${n === 1 ? '' : 's'} in this workspace's code use${n === 1 ? 's' : ''} ${target} (see the still-referenced finding).`;
  });
}
