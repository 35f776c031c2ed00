/**
 * The cacheable rules' hits on a statement reused across a schema change that did not reach what
 * they read (engine.ts EngineCache.ruleHits): a whole build keeps each statement's `nonSchema` and
 * `epoch` (readVersions.ts), and the hits are reused where those, the statement's own lock analysis
 * (the same object) and its transaction context are the same. Between two such places only the
 * column changes of ALTER TABLE (`columnsOnlyTarget`) and the lock analyses that read them can
 * differ. Cacheable rules read the statement, its analysis, the relations created earlier, earlier
 * SETs, schemas, enum values and loads (all unchanged there), and one reads other statements'
 * analyses: validate-in-same-transaction, the NOT VALID adds earlier in the transaction. Those are
 * folded in (`heldInTransaction`), by identity: an analysis computed again that equals a kept one is
 * that kept object (EngineCache.locks).
 */
import type { StatementLocks } from '../locks/model';
import type { MigrationDocument, StatementInfo } from './model';
import { hashString, identityIds } from './forwardState';
import type { SchemaVersions } from './readVersions';

export interface RuleReuseKey {
  locks: StatementLocks;
  nonSchema: number;
  epoch: number;
  /** The analyses of the constraint adds earlier in the statement's transaction, by identity. */
  heldInTransaction: number;
}

const versionsOf = new WeakMap<MigrationDocument, SchemaVersions>();

/** `doc` was built with `versions` (buildDocumentSteps, with a memo). */
export function keepVersions(doc: MigrationDocument, versions: SchemaVersions): void {
  versionsOf.set(doc, versions);
}

/** The versions `doc` was built with (a whole build with a memo); undefined for a patched document. */
export function versionsOfDocument(doc: MigrationDocument): SchemaVersions | undefined {
  return versionsOf.get(doc);
}

export function sameRuleReuse(a: RuleReuseKey, b: RuleReuseKey): boolean {
  return a.locks === b.locks && a.nonSchema === b.nonSchema && a.epoch === b.epoch && a.heldInTransaction === b.heldInTransaction;
}

/** Each statement's key, asked in document order; undefined for a document built without versions (a patched one). */
export function ruleReuseFor(doc: MigrationDocument): ((stmt: StatementInfo) => RuleReuseKey) | undefined {
  const versions = versionsOf.get(doc);
  if (!versions) return undefined;
  const { nonSchema, epoch } = versions.before;
  const held = new Map<string, number>();
  return (stmt) => {
    const transaction = stmt.inTransaction ? `${stmt.section}|${stmt.transactionId}` : undefined;
    const key = { locks: stmt.locks, nonSchema: nonSchema[stmt.index], epoch: epoch[stmt.index], heldInTransaction: transaction ? (held.get(transaction) ?? 0) : 0 };
    if (transaction && stmt.locks.parts.some((p) => p.action === 'AT_AddConstraint')) held.set(transaction, hashString(String(idOf(stmt.locks)), key.heldInTransaction));
    return key;
  };
}

/** Constraint adds held in a transaction are told apart by identity (an analysis recomputed the same is the kept object). */
const idOf = identityIds<StatementLocks>();
