import { Catalog } from '../catalog/catalog';
import type { MigrationDocument, StatementInfo } from '../document/model';
import { as, inner, kindOf, list, names } from '../parse/ast';
import { alteredTable, spanOfMatch } from './describe';
import { inRollback, memoByDocumentSteps } from './migration';
import type { Rule, RuleHit } from './types';

/** What a statement takes away from a published table's replica identity. */
interface Loss {
  table: string;
  what: string;
  publications: string[];
  span?: RegExp;
}

/**
 * Logical replication needs a replica identity to publish UPDATE and DELETE: the primary key by
 * default, or the index named by REPLICA IDENTITY USING INDEX. Dropping it (or setting NOTHING) on a
 * table in such a publication makes PostgreSQL reject every UPDATE and DELETE on that table.
 */
export const rule: Rule = {
  id: 'replica-identity-drop',
  title: "Dropping a published table's primary key or replica-identity index makes its UPDATEs and DELETEs fail",
  category: 'breaking-change',
  defaultSeverity: 'error',
  examples: {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);\nCREATE PUBLICATION app_changes FOR TABLE orders;',
    flagged: 'ALTER TABLE orders DROP CONSTRAINT orders_pkey;',
    clean: 'ALTER TABLE orders REPLICA IDENTITY FULL;\nALTER TABLE orders DROP CONSTRAINT orders_pkey;',
  },
  check(stmt, { doc }) {
    if (inRollback(doc, stmt)) return [];
    const loss = lossesByStatement(doc).get(stmt.index);
    if (!loss) return [];
    const hit: RuleHit = {
      message:
        `${loss.what} of ${loss.table}, which publication${loss.publications.length > 1 ? 's' : ''} ${loss.publications.join(', ')} replicate${loss.publications.length > 1 ? '' : 's'} with its UPDATEs and DELETEs: ` +
        `from the commit on, PostgreSQL rejects every UPDATE and DELETE on ${loss.table} ("cannot update table … because it does not have a replica identity and publishes updates"). ` +
        `First give it another replica identity (ALTER TABLE ${loss.table} REPLICA IDENTITY USING INDEX <a unique index on NOT NULL columns>, or REPLICA IDENTITY FULL), or take it out of the publication.`,
    };
    if (loss.span) hit.span = spanOfMatch(stmt, loss.span);
    return [hit];
  },
};

/** Replays the file on the schema before it, recording what each statement takes from a published table. */
// Reads the schema each statement leaves and the statements' kinds and places: kept by patches.
const lossesByStatement = memoByDocumentSteps(function* (doc: MigrationDocument, pauses: boolean): Generator<void, Map<number, Loss>> {
  const losses = new Map<number, Loss>();
  // Without a publication (before the file or created in it) nothing needs a replica identity: skip the replay.
  if (!doc.schemaBefore?.publications.size && !doc.statements.some((s) => s.kind === 'CreatePublicationStmt')) return losses;
  const up = doc.schemaBefore?.clone() ?? new Catalog();
  let down: Catalog | undefined;
  for (const stmt of doc.statements) {
    if (pauses) yield;
    const catalog = stmt.section === 'down' ? (down ??= up.clone()) : up;
    const loss = lossOf(stmt, catalog);
    if (loss) losses.set(stmt.index, loss);
    catalog.apply(stmt.ast);
  }
  return losses;
}, true);

function lossOf(stmt: StatementInfo, catalog: Catalog): Loss | undefined {
  const kind = kindOf(stmt.ast);
  if (kind === 'AlterTableStmt') {
    const table = alteredTable(stmt);
    if (!table) return undefined;
    const publications = catalog.publicationsReplicating(table);
    if (!publications.length) return undefined;
    const identity = catalog.relation(table)?.replicaIdentity ?? { kind: 'default' };
    for (const c of list(inner(stmt.ast).cmds)) {
      const cmd = as(c, 'AlterTableCmd') ?? {};
      if (cmd.subtype === 'AT_DropConstraint' && identity.kind === 'default' && catalog.constraint(cmd.name)?.kind === 'primary') {
        return { table, what: `Dropping the primary key ${cmd.name} removes the replica identity`, publications, span: new RegExp(`DROP\\s+CONSTRAINT\\s+(IF\\s+EXISTS\\s+)?"?${cmd.name}"?`, 'i') };
      }
      if (cmd.subtype === 'AT_DropConstraint' && identity.kind === 'index' && identity.index === cmd.name) {
        return { table, what: `Dropping constraint ${cmd.name}, whose index is the replica identity (REPLICA IDENTITY USING INDEX), removes it`, publications };
      }
      if (cmd.subtype === 'AT_ReplicaIdentity' && as(cmd.def, 'ReplicaIdentityStmt')?.identity_type === 'n') {
        return { table, what: 'REPLICA IDENTITY NOTHING removes the replica identity', publications, span: /REPLICA\s+IDENTITY\s+NOTHING/i };
      }
    }
    return undefined;
  }
  if (kind === 'DropStmt' && inner(stmt.ast).removeType === 'OBJECT_INDEX') {
    for (const obj of list(inner(stmt.ast).objects)) {
      const index = (obj.List ? names(obj.List.items) : names([obj])).pop() ?? '';
      const table = catalog.relation(index)?.table;
      if (!table) continue;
      const identity = catalog.relation(table)?.replicaIdentity;
      const publications = catalog.publicationsReplicating(table);
      if (identity?.kind === 'index' && identity.index === index && publications.length) {
        return { table, what: `Dropping index ${index}, the replica identity (REPLICA IDENTITY USING INDEX), removes it`, publications };
      }
    }
  }
  return undefined;
}
