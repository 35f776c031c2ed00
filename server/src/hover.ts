/** Hover text for a statement: the lock model's facts as a small markdown table. */
import type { LockstepConfig } from './config/types';
import { runnerFacts } from './document/runnerFacts';
import type { MigrationDocument } from './document/model';
import type { StatementImpact } from './engine';
import { escapeCell, impactTable } from './impactTable';

export function renderHover(impact: StatementImpact, doc: MigrationDocument, config: LockstepConfig): string {
  const stmt = doc.statements[impact.statementIndex];
  const tx = !impact.inTransaction ? 'autocommit' : stmt?.implicitTransaction ? 'inside an implicit transaction (the file is sent as one query)' : 'inside a transaction';
  const lines = [`**${escapeCell(impact.summary)}**`, '', `PostgreSQL ${config.pgVersion} · ${runnerFacts(doc).label} · ${tx}`, ''];
  if (impact.relations.length === 0) lines.push('Takes no table-level lock that blocks other sessions.');
  else lines.push(...impactTable(impact.relations));
  if (impact.notes.length) lines.push('', ...impact.notes.map((n) => `- ${escapeCell(n)}`));
  return lines.join('\n');
}
