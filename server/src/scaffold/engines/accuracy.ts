/**
 * How well a column split (or merge) follows its rule, measured two ways on a random sample and
 * on the whole table:
 * - agreement: the stored new columns equal the rule applied to the stored old value (the
 *   contract keeps the new columns, so this is the figure `--min-accuracy` gates);
 * - round trip: the old value survives rule then reverse rule (what the split loses).
 * Rows failing either are copied to a review table that outlives the contract, so a human can
 * look at them after the old column is gone.
 */
import { ScaffoldError } from '../plan';
import { dollar, indent, q, qList } from '../sqlText';
import { explained } from '../lintPass';
import type { PlanNames } from './common';

export interface AccuracyCheck {
  table: string;
  pk: string;
  pkType: string;
  /** Old columns with their SQL types, and the new ones. */
  oldColumns: Array<{ name: string; type: string }>;
  newColumns: Array<{ name: string; type: string }>;
  /** Rule (old → new), SQL over the row's old columns, per new column. */
  rule: Record<string, string>;
  /** Reverse rule (new → old), SQL over the new columns, per old column. */
  reverse: Record<string, string>;
  /** Percentage the whole-table agreement must reach, or undefined for report only. */
  minAccuracy?: number;
  /** Rows in the random sample. */
  sampleRows: number;
}

export const DEFAULT_SAMPLE_ROWS = 10_000;

export function reviewTableName(names: PlanNames): string {
  return `lockstep_review_${names.slug}`.slice(0, 63);
}

/** Does the row agree with the rule? SQL over the table's row. */
export function agreesSql(a: AccuracyCheck): string {
  return `ROW(${qList(a.newColumns.map((c) => c.name))}) IS NOT DISTINCT FROM ROW(${a.newColumns.map((c) => `(${a.rule[c.name]})::${c.type}`).join(', ')})`;
}

/** Does the old value survive the rule and its reverse? The reverse sees the rule's output under the new names. */
export function roundTripsSql(a: AccuracyCheck): string {
  const ruled = a.newColumns.map((c) => `(${a.rule[c.name]})::${c.type} AS ${q(c.name)}`).join(', ');
  const back = a.oldColumns.map((c) => `(${a.reverse[c.name]})::${c.type}`).join(', ');
  return `ROW(${qList(a.oldColumns.map((c) => c.name))}) IS NOT DISTINCT FROM (SELECT ROW(${back}) FROM (SELECT ${ruled}) AS lockstep_rt)`;
}

export function createReviewTable(names: PlanNames, a: AccuracyCheck): string {
  const cols = [
    `${q(a.pk)} ${a.pkType} PRIMARY KEY`,
    ...a.oldColumns.map((c) => `${q(c.name)} ${c.type}`),
    ...a.newColumns.map((c) => `${q(c.name)} ${c.type}`),
    ...a.newColumns.map((c) => `${q(`rule_${c.name}`)} ${c.type}`),
    'agrees_with_rule boolean NOT NULL',
    'round_trips boolean NOT NULL',
    'checked_at timestamptz NOT NULL DEFAULT now()',
  ];
  return `CREATE TABLE ${q(reviewTableName(names))} (\n${indent(cols.join(',\n'))}\n)`;
}

export function dropReviewTable(names: PlanNames): string {
  return explained(['drop-table', 'many-tables-locked'], "the plan's own review table, created by its expand phase: no application reads or writes it", `DROP TABLE IF EXISTS ${q(reviewTableName(names))}`);
}

/** The four figures as one query (sample first, then the whole table). */
export function accuracyQuery(a: AccuracyCheck): string {
  const figures = (from: string) =>
    `SELECT round(100.0 * count(*) FILTER (WHERE ${agreesSql(a)}) / greatest(count(*), 1), 3) AS agree_pct,
       round(100.0 * count(*) FILTER (WHERE ${roundTripsSql(a)}) / greatest(count(*), 1), 3) AS round_trip_pct,
       count(*) AS rows
FROM ${from}`;
  return `-- ${a.table}: agreement with the rule and round trip, on a random sample of ${a.sampleRows} rows and on the whole table
SELECT 'sample' AS scope, s.* FROM (${figures(`(SELECT * FROM ${q(a.table)} ORDER BY random() LIMIT ${a.sampleRows}) AS ${q(a.table)}`)}) AS s
UNION ALL
SELECT 'table', w.* FROM (${figures(q(a.table))}) AS w`;
}

/**
 * A procedure that reports the figures and refills the review table. It commits, so the review
 * rows stay even when the verify step then refuses to continue; it never fails on accuracy itself.
 */
export function reviewProcedure(names: PlanNames, a: AccuracyCheck): string {
  const review = q(reviewTableName(names));
  const copied = [a.pk, ...a.oldColumns.map((c) => c.name), ...a.newColumns.map((c) => c.name)];
  const body = `FOR v_scope, v_agree, v_round, v_rows IN ${accuracyQuery(a).replace(/^--[^\n]*\n/, '')}
LOOP
  RAISE NOTICE '${names.slug} accuracy ${a.table} (%, % rows): % %% agree with the rule, % %% round-trip exactly', v_scope, v_rows, v_agree, v_round;
END LOOP;
DELETE FROM ${review};
INSERT INTO ${review} (${qList(copied)}, ${qList(a.newColumns.map((c) => `rule_${c.name}`))}, agrees_with_rule, round_trips)
SELECT ${qList(copied)}, ${a.newColumns.map((c) => `(${a.rule[c.name]})::${c.type}`).join(', ')}, ${agreesSql(a)}, ${roundTripsSql(a)}
FROM ${q(a.table)}
WHERE NOT (${agreesSql(a)}) OR NOT (${roundTripsSql(a)});
GET DIAGNOSTICS v_rows = ROW_COUNT;
COMMIT;
RAISE NOTICE '${names.slug}: % rows to review in ${reviewTableName(names)}', v_rows;`;
  return `CREATE PROCEDURE ${q(names.obj('review'))}()
LANGUAGE plpgsql
AS ${dollar(`DECLARE
  v_scope text;
  v_agree numeric;
  v_round numeric;
  v_rows bigint;
BEGIN
${indent(body)}
END;`)}`;
}

export function dropReviewProcedure(names: PlanNames): string {
  return `DROP PROCEDURE IF EXISTS ${q(names.obj('review'))}()`;
}

/** plpgsql for the verify procedure: refuse to continue below the required agreement. */
export function accuracyGate(names: PlanNames, a: AccuracyCheck): string {
  if (a.minAccuracy === undefined) return '';
  return `SELECT round(100.0 * count(*) FILTER (WHERE ${agreesSql(a)}) / greatest(count(*), 1), 3) INTO v_accuracy FROM ${q(a.table)};
RAISE NOTICE '${names.slug} verify ${a.table}: % %% of rows agree with the rule (at least ${a.minAccuracy} %% required)', v_accuracy;
IF v_accuracy < ${a.minAccuracy} THEN
  RAISE EXCEPTION '${names.slug}: only % %% of ${a.table} rows agree with the rule, below the required ${a.minAccuracy} %%; see ${reviewTableName(names)} (CALL ${names.obj('review')}() refreshes it)', v_accuracy;
END IF;`;
}

/** `--min-accuracy` as a percentage in (0, 100]. */
export function parsePercent(value: string, what: string): number {
  const v = Number(value.replace(/%$/, '').trim());
  if (!Number.isFinite(v) || v <= 0 || v > 100) throw new ScaffoldError(`${what} "${value}" must be a percentage above 0 and at most 100, e.g. 99.9`);
  return v;
}

export function sampleRowsOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SAMPLE_ROWS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ScaffoldError(`--sample "${value}" must be a positive whole number of rows`);
  return n;
}
