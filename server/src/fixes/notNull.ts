/**
 * The scan-free way to SET NOT NULL on PostgreSQL 12+: a CHECK (col IS NOT NULL) added NOT VALID
 * (instant), validated in a later transaction (SHARE UPDATE EXCLUSIVE: traffic continues), after
 * which SET NOT NULL uses the proof instead of scanning; the CHECK is then dropped.
 */
import type { Catalog } from '../catalog/catalog';
import type { MigrationDocument } from '../document/model';
import { generatedName, nameTaken, quoteIdent, unusedName } from './names';
import type { Step } from './types';

/** A CHECK name PostgreSQL will not pick for anything else (PostgreSQL 18 names NOT NULL constraints `<table>_<col>_not_null`). */
export function notNullCheckName(doc: MigrationDocument, schema: Catalog | undefined, table: string, column: string): string {
  return unusedName(generatedName([table, column], 'not_null_check'), nameTaken(doc, schema));
}

/**
 * The four steps; `setNotNull` is the statement that sets it (the user's own, or a generated one).
 * `table` is SQL (possibly schema-qualified and quoted), `column` a plain name.
 */
export function notNullSteps(table: string, column: string, check: string, setNotNull: Step): Step[] {
  const col = quoteIdent(column);
  const name = quoteIdent(check);
  return [
    {
      sql: `ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (${col} IS NOT NULL) NOT VALID;`,
      tx: 'same',
      slug: `${column}_not_null_check`,
      undo: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name};`,
    },
    { sql: `ALTER TABLE ${table} VALIDATE CONSTRAINT ${name};`, tx: 'separate', slug: `validate_${column}_not_null` },
    setNotNull,
    { sql: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name};`, tx: 'same', slug: `drop_${check}` },
  ];
}

/** A generated `ALTER TABLE … ALTER COLUMN … SET NOT NULL` step. */
export function setNotNullStep(table: string, column: string): Step {
  return {
    sql: `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(column)} SET NOT NULL;`,
    tx: 'same',
    slug: `${column}_set_not_null`,
    undo: `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(column)} DROP NOT NULL;`,
  };
}
