/**
 * One rendering of a statement's lock impact as a markdown table, shared by hovers and the
 * generated rule docs, so both always say the same thing about the same statement.
 */
import type { RelationImpact } from './engine';
import type { Certainty } from './locks/types';
import { sqlName } from './locks/modes';

export function impactTable(relations: RelationImpact[]): string[] {
  return [
    '| relation | lock | blocks | rewrite | scan |',
    '|---|---|---|---|---|',
    ...relations.map((r) => {
      const kind = r.kind === 'table' ? '' : ` (${r.kind})`;
      return `| ${escapeCell(r.relation)}${kind} | ${sqlName(r.mode)} | ${blockedSummary(r)} | ${yesNo(r.rewrite)} | ${yesNo(r.scan)} |`;
    }),
  ];
}

/** `reads, writes, DDL` — or why nothing is blocked. */
export function blockedSummary(r: RelationImpact): string {
  if (r.created) return 'nothing (created here)';
  if (r.kind === 'type') return 'other changes to the type';
  const blocked = [r.blocks.reads && 'reads', r.blocks.writes && 'writes', r.blocks.ddl && 'DDL'].filter(Boolean);
  return blocked.length ? blocked.join(', ') : 'nothing';
}

export function yesNo(value: Certainty): string {
  return value === 'maybe' ? 'maybe' : value ? 'yes' : 'no';
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
