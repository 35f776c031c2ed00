/** Text shared by the runner writers: file headers, statement bodies, explicit BEGIN/COMMIT, generated ignores. */
import type { Migration, Plan, Step } from '../plan';
import { statementsOf } from '../plan';
import { explained } from '../lintPass';
import type { WrittenMigration } from './writers';

export const join = (...parts: string[]) => parts.filter(Boolean).join('/').replace(/\/+/g, '/');

/** Statements as file text: each ends with `;`, blank line between. */
export function body(statements: string[]): string {
  return statements.map((s) => `${s.trim()};`).join('\n\n');
}

/**
 * A `tx` step written with its own BEGIN/COMMIT, for runners told not to wrap the file (one
 * statement is atomic on its own). `why` explains the BEGIN/COMMIT to a linter that cannot see
 * the runner's setting (Diesel's metadata.toml).
 */
export function explicit(step: Step, why?: string): string {
  if (step.kind === 'single' || step.statements.length === 1) return body(statementsOf(step));
  const begin = why ? explained(['transaction-nesting'], why, 'BEGIN') : 'BEGIN';
  const commit = why ? explained(['transaction-nesting'], why, 'COMMIT') : 'COMMIT';
  return `${begin};\n\n${body(step.statements)}\n\n${commit};`;
}

export function header(plan: Plan, m: WrittenMigration, total: number, direction: 'up' | 'down' | 'both', planDir: string): string {
  const phase = plan.phases[m.phase];
  const lines = [
    `-- Lockstep plan ${plan.slug}: ${plan.title}`,
    `-- Phase ${m.phase + 1} (${phase.title}), migration ${m.migration.name} (${plan.phases.flatMap((p) => p.migrations).indexOf(m.migration) + 1} of ${total}).`,
    `-- ${direction === 'down' ? 'Rollback of: ' : ''}${m.migration.summary}`,
  ];
  const steps = direction === 'both' ? [m.migration.up, m.migration.down] : [direction === 'up' ? m.migration.up : m.migration.down];
  if (steps.some((s) => s.kind === 'single')) {
    lines.push('-- A single statement outside any transaction: it commits per batch (CALL) or builds concurrently.');
  }
  lines.push(`-- See ${planDir}/PLAN.md before running it.`);
  return lines.join('\n');
}

export function ignoreLines(m: Migration, direction: 'up' | 'down'): string {
  const lines = m.ignores?.[direction] ?? [];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

