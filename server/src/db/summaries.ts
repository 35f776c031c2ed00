/** The report's relation summaries, its notes, and statements shortened for display. */
import { MAX_PG_VERSION, MIN_PG_VERSION } from '../config/validate';
import type { MigrationDocument } from '../document/model';
import type { EstimateInput } from './estimate';
import type { RelationSummary } from './report';
import type { DatabaseSnapshot, RelationFacts } from './snapshot';

export function summaryOf(r: RelationFacts): RelationSummary {
  return {
    name: r.name,
    schema: r.schema,
    kind: r.kind,
    rows: r.rows,
    heapBytes: r.heapBytes,
    toastBytes: r.toastBytes,
    indexBytes: r.indexBytes,
    totalBytes: r.totalBytes,
    sizeSource: r.sizeSource,
    sizeNote: r.sizeNote,
    partitions: r.partitions,
    indexes: r.indexes.map((i) => ({ name: i.name, bytes: i.bytes, definition: i.definition, valid: i.valid })),
    foreignKeysOut: r.foreignKeysOut.map((k) => ({ name: k.name, to: k.to, validated: k.validated })),
    foreignKeysIn: r.foreignKeysIn.map((k) => ({ name: k.name, from: k.from, validated: k.validated })),
    triggers: r.triggers.map((t) => ({ name: t.name, enabled: t.enabled })),
    lastVacuum: r.lastVacuum,
    lastAnalyze: r.lastAnalyze,
  };
}

export function reportNotes(input: EstimateInput, snapshot: DatabaseSnapshot, pgVersion: number, doc: MigrationDocument): string[] {
  const notes: string[] = [];
  if (pgVersion !== input.config.pgVersion) {
    notes.push(`Analysed for PostgreSQL ${pgVersion}, the server's version, instead of ${input.config.pgVersion} from the configuration.`);
  }
  if (pgVersion !== snapshot.server.major) {
    notes.push(`The server runs PostgreSQL ${snapshot.server.major}; Lockstep's lock model covers ${MIN_PG_VERSION}–${MAX_PG_VERSION}, so ${pgVersion} was assumed.`);
  }
  if (snapshot.server.inRecovery) notes.push('The server is a standby (in recovery): a migration cannot run here, but the figures describe its data.');
  const created = new Set(doc.createdAt.keys());
  const missing = snapshot.missing.filter((n) => !created.has(n));
  if (missing.length) notes.push(`Not in the database (yet): ${missing.join(', ')}.`);
  for (const r of Object.values(snapshot.relations)) {
    if (r.sameNameElsewhere.length) notes.push(`${r.name}: used ${r.schema}.${r.name}; also found ${r.sameNameElsewhere.join(', ')}.`);
  }
  for (const p of snapshot.preparedTransactions) notes.push(`Prepared transaction "${p.gid}" (owner ${p.owner}, database ${p.database}) has been open ${Math.round(p.ageSeconds)} s and keeps its locks until committed or rolled back.`);
  return notes;
}

export function displaySql(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}
