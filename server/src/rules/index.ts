/** Every rule, by id. Adding a rule: create server/src/rules/<id>.ts and docs/rules/<id>.md, then list it here. */
import { presetsOf } from '../config/presets';
import { rule as concurrentInTransaction } from './concurrent-in-transaction';
import { rule as requireConcurrentDropIndex } from './require-concurrent-drop-index';
import { rule as requireConcurrentIndex } from './require-concurrent-index';
import { rule as requireLockTimeout } from './require-lock-timeout';
import { rule as requireNotValid } from './require-not-valid';
import { rule as setNotNull } from './set-not-null';
import { rule as typeChangeRewrite } from './type-change-rewrite';
import { rule as volatileDefault } from './volatile-default';
import { rule as requireConcurrentReindex } from './require-concurrent-reindex';
import { rule as requireConcurrentDetach } from './require-concurrent-detach';
import { rule as validateInSameTransaction } from './validate-in-same-transaction';
import { rule as uniqueConstraintNeedsIndex } from './unique-constraint-needs-index';
import { rule as primaryKeyNeedsIndex } from './primary-key-needs-index';
import { rule as exclusionConstraint } from './exclusion-constraint';
import { rule as requiredColumn } from './required-column';
import { rule as attachPartitionScan } from './attach-partition-scan';
import { rule as refreshMatviewConcurrently } from './refresh-matview-concurrently';
import { rule as tableRewrite } from './table-rewrite';
import { rule as domainCheck } from './domain-check';
import { rule as dropForeignKey } from './drop-foreign-key';
import { rule as longLockWindow } from './long-lock-window';
import { rule as manyTablesLocked } from './many-tables-locked';
import { rule as combineAlters } from './combine-alters';
import { rule as renameColumn } from './rename-column';
import { rule as renameTable } from './rename-table';
import { rule as dropColumn } from './drop-column';
import { rule as dropTable } from './drop-table';
import { rule as dropSchema } from './drop-schema';
import { rule as dropDatabase } from './drop-database';
import { rule as truncate } from './truncate';
import { rule as unboundedDml } from './unbounded-dml';
import { rule as dropNotNull } from './drop-not-null';
import { rule as enumAddValueInTransaction } from './enum-add-value-in-transaction';
import { rule as transactionNesting } from './transaction-nesting';
import { rule as missingIfExists } from './missing-if-exists';
import { rule as foreignKeyNeedsIndex } from './foreign-key-needs-index';
import { rule as identifierTooLong } from './identifier-too-long';
import { rule as preferJsonb } from './prefer-jsonb';
import { rule as preferBigint } from './prefer-bigint';
import { rule as preferIdentity } from './prefer-identity';
import { rule as preferText } from './prefer-text';
import { rule as preferTimestamptz } from './prefer-timestamptz';
import { rule as concurrentIndexIfNotExists } from './concurrent-index-if-not-exists';
import { rule as disableTriggers } from './disable-triggers';
import { rule as refreshMatviewNoData } from './refresh-matview-no-data';
import { rule as renameSchema } from './rename-schema';
import { rule as requiresNewerPostgres } from './requires-newer-postgres';
import { rule as timeoutCancelsConcurrentBuild } from './timeout-cancels-concurrent-build';
import { rule as replicaIdentityDrop } from './replica-identity-drop';
import { rule as attachNewPartition } from './attach-new-partition';
import { rule as requireStatementTimeout } from './require-statement-timeout';
import { rule as stillReferenced } from './still-referenced';
import type { LockstepConfig, RuleCategory, RuleSetting, Severity } from '../config/types';
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
  requireConcurrentReindex,
  requireConcurrentDetach,
  validateInSameTransaction,
  uniqueConstraintNeedsIndex,
  primaryKeyNeedsIndex,
  exclusionConstraint,
  requiredColumn,
  attachPartitionScan,
  refreshMatviewConcurrently,
  tableRewrite,
  domainCheck,
  dropForeignKey,
  longLockWindow,
  manyTablesLocked,
  combineAlters,
  renameColumn,
  renameTable,
  dropColumn,
  dropTable,
  dropSchema,
  dropDatabase,
  truncate,
  unboundedDml,
  dropNotNull,
  enumAddValueInTransaction,
  transactionNesting,
  missingIfExists,
  foreignKeyNeedsIndex,
  identifierTooLong,
  preferJsonb,
  preferBigint,
  preferIdentity,
  preferText,
  preferTimestamptz,
  concurrentIndexIfNotExists,
  disableTriggers,
  refreshMatviewNoData,
  renameSchema,
  requiresNewerPostgres,
  timeoutCancelsConcurrentBuild,
  replicaIdentityDrop,
  attachNewPartition,
  requireStatementTimeout,
  stillReferenced,
];

/** Findings the engine itself produces (not from a rule file), documented like rules. */
export const BUILTIN_CHECKS = {
  'syntax-error': { title: 'SQL that PostgreSQL cannot parse', defaultSeverity: 'error', category: 'hygiene' },
  'psql-meta-command': { title: 'psql backslash commands are not SQL', defaultSeverity: 'info', category: 'hygiene' },
  'unused-ignore': { title: 'lockstep-ignore comments that silence nothing', defaultSeverity: 'warning', category: 'hygiene' },
  'not-analysed': { title: 'Statements Lockstep deliberately did not analyse (template branches)', defaultSeverity: 'info', category: 'hygiene' },
} as const satisfies Record<string, { title: string; defaultSeverity: Severity; category: RuleCategory }>;

export const RULE_IDS: readonly string[] = [...RULES.map((r) => r.id), ...Object.keys(BUILTIN_CHECKS)];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/** The category of a rule or built-in check. */
export function categoryOf(ruleId: string): RuleCategory | undefined {
  return ruleById(ruleId)?.category ?? (BUILTIN_CHECKS as Record<string, { category: RuleCategory }>)[ruleId]?.category;
}

/** The setting that applies to a rule: its own entry in `rules`, else its category's, else undefined (its default severity). */
/**
 * A rule's setting from the config: its own entry in `rules`, else its category's; else off for a rule
 * that is off by default unless the config extends `lockstep:strict`; undefined means its default severity.
 */
export function ruleSetting(config: Pick<LockstepConfig, 'rules' | 'categories' | 'extends'>, ruleId: string): RuleSetting | undefined {
  const category = categoryOf(ruleId);
  const chosen = config.rules[ruleId] ?? (category ? config.categories?.[category] : undefined);
  if (chosen) return chosen;
  return ruleById(ruleId)?.defaultOff && !presetsOf(config).includes('lockstep:strict') ? 'off' : undefined;
}

export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}
