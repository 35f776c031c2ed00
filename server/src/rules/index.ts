/** Every rule, by id. Adding a rule: create server/src/rules/<id>.ts and docs/rules/<id>.md, then list it here. */
import { rule as concurrentInTransaction } from './concurrent-in-transaction';
import { rule as requireConcurrentDropIndex } from './require-concurrent-drop-index';
import { rule as requireConcurrentIndex } from './require-concurrent-index';
import { rule as requireLockTimeout } from './require-lock-timeout';
import { rule as requireNotValid } from './require-not-valid';
import { rule as setNotNull } from './set-not-null';
import { rule as typeChangeRewrite } from './type-change-rewrite';
import { rule as volatileDefault } from './volatile-default';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [
  requireConcurrentIndex,
  requireConcurrentDropIndex,
  concurrentInTransaction,
  requireNotValid,
  setNotNull,
  volatileDefault,
  typeChangeRewrite,
  requireLockTimeout,
];

/** Findings the engine itself produces (not from a rule file), documented like rules. */
export const BUILTIN_CHECKS = {
  'syntax-error': { title: 'SQL that PostgreSQL cannot parse', defaultSeverity: 'error' },
  'psql-meta-command': { title: 'psql backslash commands are not SQL', defaultSeverity: 'info' },
  'unused-ignore': { title: 'lockstep-ignore comments that silence nothing', defaultSeverity: 'warning' },
} as const;

export const RULE_IDS: readonly string[] = [...RULES.map((r) => r.id), ...Object.keys(BUILTIN_CHECKS)];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}
