/**
 * Linting a host file: extract the framework's SQL, lay it out as one SQL document in the order the
 * framework sends it (with the framework's transaction model), lint that with the engine, and map
 * every finding back to the string or call in the host file that produced it.
 */
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import type { HostRunner } from '../document/runnerFacts';
import { lintText, type EngineCache, type LintResult } from '../engine';
import type { Finding, TextSpan } from '../findings';
import { hostOffset } from './tsAst';
import { NOT_ANALYSED, type ExtractedStatement, type Extraction, type FrameworkExtractor } from './types';

/** A stretch of the SQL document and where it came from. */
export interface Segment {
  sqlStart: number;
  sqlEnd: number;
  /** Index into extraction.statements; -1 for a BEGIN/COMMIT the framework sends around a group. */
  statement: number;
  /** Host range used for synthetic segments. */
  range: TextSpan;
}

export interface Coverage {
  /** Calls and strings turned into SQL. */
  understood: number;
  /** Calls Lockstep could not translate (dynamic SQL, loops, unknown calls). */
  notAnalysed: number;
}

export interface HostLint {
  framework: FrameworkExtractor;
  extraction: Extraction;
  /** The SQL document linted: the up migration's statements, in order. */
  sql: string;
  segments: Segment[];
  coverage: Coverage;
  /** Map a span of the SQL document to the host file. */
  toHost(span: TextSpan): TextSpan;
  /** The extracted statement a SQL offset belongs to. */
  statementAt(sqlOffset: number): ExtractedStatement | undefined;
}

export type HostLintResult = LintResult & { host: HostLint };

export interface HostLintOptions {
  path?: string;
  config: LockstepConfig;
  cache?: EngineCache;
  schema?: Catalog;
}

export { NOT_ANALYSED };

export function isHostResult(result: LintResult): result is HostLintResult {
  return 'host' in result && !!(result as HostLintResult).host;
}

/** Lay out the extracted `up` SQL as one document. */
export function layOut(extraction: Extraction): { sql: string; segments: Segment[] } {
  let sql = '';
  const segments: Segment[] = [];
  let group: number | undefined;
  const synthetic = (text: string, range: TextSpan) => {
    segments.push({ sqlStart: sql.length, sqlEnd: sql.length + text.length, statement: -1, range });
    sql += `${text}\n`;
  };
  extraction.statements.forEach((stmt, i) => {
    if (stmt.section !== 'up') return;
    const g = typeof stmt.transaction === 'object' ? stmt.transaction.group : undefined;
    if (group !== undefined && g !== group) synthetic('COMMIT;', extraction.statements[i - 1]?.call ?? stmt.call);
    if (g !== undefined && g !== group) synthetic('BEGIN;', stmt.call);
    group = g;
    const start = sql.length;
    sql += stmt.sql;
    // A statement without its `;` (or ending in a comment) gets one on a line of its own.
    if (!/;\s*$/.test(stmt.sql)) sql += '\n;';
    segments.push({ sqlStart: start, sqlEnd: sql.length, statement: i, range: stmt.range });
    sql += '\n';
  });
  if (group !== undefined) {
    const last = extraction.statements.filter((s) => s.section === 'up').at(-1)!;
    synthetic('COMMIT;', last.call);
  }
  return { sql, segments };
}

function segmentAt(segments: readonly Segment[], offset: number): Segment | undefined {
  let found: Segment | undefined;
  for (const s of segments) {
    if (s.sqlStart <= offset) found = s;
    else break;
  }
  return found;
}

export function hostMapper(extraction: Extraction, segments: readonly Segment[]): Pick<HostLint, 'toHost' | 'statementAt'> {
  const toHost = (span: TextSpan): TextSpan => {
    const seg = segmentAt(segments, span.start);
    if (!seg) return extraction.statements[0]?.range ?? { start: 0, end: 0 };
    const stmt = extraction.statements[seg.statement];
    if (!stmt || stmt.origin !== 'literal' || !stmt.runs) return seg.range;
    // The `;` Lockstep may have added is not in the host: a span reaching it ends at the SQL's last character.
    const rel = (o: number) => Math.min(Math.max(o - seg.sqlStart, 0), Math.max(stmt.sql.length - 1, 0));
    const start = hostOffset(stmt.runs, rel(span.start), stmt.range.start);
    const end = hostOffset(stmt.runs, rel(Math.max(span.end - 1, span.start)), stmt.range.start) + 1;
    return { start: Math.max(start, stmt.range.start), end: Math.min(Math.max(end, start), stmt.range.end) };
  };
  const statementAt = (offset: number) => {
    const seg = segmentAt(segments, offset);
    return seg ? extraction.statements[seg.statement] : undefined;
  };
  return { toHost, statementAt };
}

export function hostRunnerOf(framework: FrameworkExtractor, extraction: Extraction): HostRunner {
  return { id: framework.id, label: framework.label, optOut: framework.idioms.optOutWords, transaction: extraction.transaction.wrapped ? 'per-file' : 'none' };
}

export function lintHostText(text: string, framework: FrameworkExtractor, options: HostLintOptions): HostLintResult {
  const extraction = framework.extract(text, options.path);
  const { sql, segments } = layOut(extraction);
  // The framework's model decides the wrapping transaction unless the config forces one.
  const transaction = options.config.transaction === 'auto' ? (extraction.transaction.wrapped ? 'always' : 'never') : options.config.transaction;
  const config: LockstepConfig = { ...options.config, runner: 'plain', transaction };
  const result = lintText(sql, { config, cache: options.cache, schema: options.schema, host: hostRunnerOf(framework, extraction) });
  const mapper = hostMapper(extraction, segments);
  // An ignore the extractor wrote for the framework's own "I checked this" (Rails `safety_assured { }`,
  // `data.explainedIgnore`) explains; it is not the user's directive, so it is never reported as unused.
  const explained = (f: Finding) => f.ruleId === 'unused-ignore' && !!mapper.statementAt(f.span.start)?.data?.explainedIgnore;
  const findings: Finding[] = result.findings.filter((f) => !explained(f)).map((f) => ({ ...f, span: mapper.toHost(f.span) }));
  const upStatements = extraction.statements.filter((s) => s.section === 'up');
  const understood = new Set(upStatements.map((s) => `${s.call.start}:${s.call.end}`)).size;
  const coverage: Coverage = { understood, notAnalysed: extraction.notAnalysed.filter((n) => n.section === 'up').length };
  const notAnalysed = notAnalysedFinding(extraction, coverage, options.config);
  if (notAnalysed) findings.push(notAnalysed);
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { ...result, findings, host: { framework, extraction, sql, segments, coverage, ...mapper } };
}

/** Percentage of SQL-producing calls understood (100 when the file has none). */
export function coveragePercent(c: Coverage): number {
  const total = c.understood + c.notAnalysed;
  return total === 0 ? 100 : Math.round((c.understood / total) * 1000) / 10;
}

/** One finding per file that lists what was not analysed, at the first such place. */
function notAnalysedFinding(extraction: Extraction, coverage: Coverage, config: LockstepConfig): Finding | undefined {
  const items = extraction.notAnalysed.filter((n) => n.section === 'up');
  const setting = config.rules[NOT_ANALYSED];
  if (items.length === 0 || setting === 'off') return undefined;
  const reasons = new Map<string, number>();
  for (const i of items) reasons.set(i.reason, (reasons.get(i.reason) ?? 0) + 1);
  const list = [...reasons].map(([r, n]) => (n > 1 ? `${r} (${n}×)` : r)).join('; ');
  return {
    ruleId: NOT_ANALYSED,
    severity: setting ?? 'info',
    message: `Not analysed: ${items.length} call${items.length === 1 ? '' : 's'} Lockstep cannot turn into SQL (${list}). Coverage ${coveragePercent(coverage)}% of this file's SQL calls; check the rest by hand.`,
    span: items[0].range,
    docs: 'docs/frameworks/README.md',
  };
}

/** The per-file coverage figures the CLI reports. */
export function frameworkCoverage(result: HostLintResult): { id: string; understood: number; notAnalysed: number; reasons: Record<string, number> } {
  const reasons: Record<string, number> = {};
  for (const n of result.host.extraction.notAnalysed) if (n.section === 'up') reasons[n.reason] = (reasons[n.reason] ?? 0) + 1;
  return { id: result.host.framework.id, ...result.host.coverage, reasons };
}
