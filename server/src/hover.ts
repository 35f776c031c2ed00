/** Hover text for a statement: the lock model's facts as a small markdown table. */
import type { LockstepConfig } from './config/types';
import { RUNNERS } from './document/runner';
import type { MigrationDocument } from './document/model';
import type { StatementImpact } from './engine';
import { sqlName } from './locks/modes';

export function renderHover(impact: StatementImpact, doc: MigrationDocument, config: LockstepConfig): string {
  const tx = impact.inTransaction ? 'inside a transaction' : 'autocommit';
  const lines = [`**${escape(impact.summary)}**`, '', `PostgreSQL ${config.pgVersion} · ${RUNNERS[doc.runner].label} · ${tx}`, ''];
  if (impact.relations.length === 0) {
    lines.push('Takes no table-level lock that blocks other sessions.');
  } else {
    lines.push('| relation | lock | blocks | rewrite | scan |', '|---|---|---|---|---|');
    for (const r of impact.relations) {
      const blocks = r.created ? 'nothing (new)' : blockedList(r.blocks);
      lines.push(`| ${escape(r.relation)}${r.kind === 'table' ? '' : ` (${r.kind})`} | ${sqlName(r.mode)} | ${blocks} | ${r.rewrite ? 'yes' : 'no'} | ${r.scan ? 'yes' : 'no'} |`);
    }
  }
  if (impact.notes.length) lines.push('', ...impact.notes.map((n) => `- ${escape(n)}`));
  return lines.join('\n');
}

function blockedList(b: { reads: boolean; writes: boolean; ddl: boolean }): string {
  const parts = [b.reads && 'reads', b.writes && 'writes', b.ddl && 'DDL'].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing';
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}
