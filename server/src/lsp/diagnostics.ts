/** Converts engine findings into LSP diagnostics. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, RelatedLocation } from '../findings';
import type { Severity } from '../config/types';
import { snapshotOf, unmovedSpans, type Snapshot, type UnmovedSpans } from './unmovedSpans';

export const DIAGNOSTIC_SOURCE = 'lockstep';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * The installed extension's root: the bundle lives in `<root>/dist/server.js`,
 * and rule docs ship in `<root>/docs/rules/`.
 */
export const EXTENSION_ROOT = resolve(__dirname, '..');

/** `file://` URL of a finding's docs page inside the installed extension. */
export function docsUrl(docs: string, root = EXTENSION_ROOT): string {
  return pathToFileURL(resolve(root, docs)).href;
}

/** UTF-16 span → line/character range; out-of-bounds offsets are clamped by positionAt. */
export function spanToRange(doc: TextDocument, start: number, end: number): Range {
  const from = Math.max(0, Math.min(start, end));
  return { start: doc.positionAt(from), end: doc.positionAt(Math.max(from, end)) };
}

/**
 * One codeDescription per rule page, shared by its diagnostics (they are only serialised): an
 * edit republishes every diagnostic, and resolving a path and building its URL each time was a
 * tenth of a 300-line migration's relint.
 */
const codeDescriptions = new Map<string, { href: string }>();

function codeDescriptionOf(docs: string, root: string): { href: string } {
  const key = `${root}\0${docs}`;
  let description = codeDescriptions.get(key);
  if (!description) {
    if (codeDescriptions.size >= 1000) codeDescriptions.clear();
    codeDescriptions.set(key, (description = { href: docsUrl(docs, root) }));
  }
  return description;
}

export function toDiagnostic(finding: Finding, doc: TextDocument, root = EXTENSION_ROOT): Diagnostic {
  return diagnosticOf(finding, spanToRange(doc, finding.span.start, finding.span.end), root);
}

function diagnosticOf(finding: Finding, range: Range, root: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range,
    severity: SEVERITIES[finding.severity] ?? DiagnosticSeverity.Warning,
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.docs) diagnostic.codeDescription = codeDescriptionOf(finding.docs, root);
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((r) => ({
      location: {
        uri: pathToFileURL(r.file).href,
        range: { start: { line: r.line - 1, character: r.column - 1 }, end: { line: r.endLine - 1, character: r.endColumn - 1 } },
      },
      message: r.message,
    }));
  }
  return diagnostic;
}

/** A published diagnostic and what it was made from. */
interface Published {
  diagnostic: Diagnostic;
  ruleId: string;
  range: Range;
  severity: Finding['severity'];
  message: string;
  docs: string;
  related: RelatedLocation[] | undefined;
  /** The finding's span (normalized as spanToRange does) in the text `range` was computed for. */
  from: number;
  to: number;
  /** The convert that last handed it out (each one is handed out once per publish). */
  usedIn: number;
}

/**
 * One document's diagnostics as last published: an edit republishes every finding, and most of them
 * come out as they were (same rule, range, message), so their Diagnostic objects are handed out
 * again instead of rebuilt (ranges, related locations' file URLs), and a serializer can keep each
 * one's JSON (stdioWriter.ts). A finding that differs in anything its diagnostic shows gets a new one.
 *
 * A finding of a statement is looked for first among the diagnostics last published for the statement
 * at its index (a relint that keeps the statements keeps their indexes, and a patched relint hands out
 * the carried findings' own strings again, so the comparison is mostly of identical objects); the rest
 * (findings of no statement, or of one whose findings changed) are matched by rule and range.
 */
export class DiagnosticReuse {
  /** The last publish, per statement index (findings of no statement: in `others`). */
  private byStatement: Published[][] = [];
  private others: Published[] = [];
  private converts = 0;
  /** The text of the last convert, to find what the next one's edit left in place. */
  private snapshot: Snapshot | undefined;
  /** Findings of the latest convert whose range was computed from their span (not taken from the last publish): for tests. */
  rangesComputed = 0;
  /** Findings of the latest convert looked up by rule and range (not found among their statement's): for tests. */
  matchedByKey = 0;

  constructor(private readonly root = EXTENSION_ROOT) {}

  convert(findings: readonly Finding[], doc: TextDocument): Diagnostic[] {
    const converted = ++this.converts;
    const previous = this.byStatement;
    const snapshot = snapshotOf(doc);
    const unmoved = this.snapshot && unmovedSpans(this.snapshot, snapshot, doc);
    this.snapshot = snapshot;
    const published: Published[] = new Array(findings.length);
    // Each finding's span as spanToRange clamps it; kept on its Published for the next convert.
    const froms = new Array<number>(findings.length);
    const tos = new Array<number>(findings.length);
    const unmatched: Array<{ at: number; range: Range }> = [];
    let ranges = 0;
    for (let i = 0; i < findings.length; i++) {
      const finding = findings[i];
      const index = finding.statementIndex;
      const candidates = index === undefined ? undefined : previous[index];
      const from = (froms[i] = Math.max(0, Math.min(finding.span.start, finding.span.end)));
      const to = (tos[i] = Math.max(from, finding.span.end));
      // Before or after the edited lines: the last publish's range, as it was or moved by whole lines.
      const same = unmoved && candidates && takeUnmoved(candidates, finding, from, to, unmoved, converted);
      if (same) {
        published[i] = same;
        continue;
      }
      const range = spanToRange(doc, from, to);
      ranges++;
      const sameRange = candidates && takeUnused(candidates, finding, range, converted);
      if (sameRange) published[i] = sameRange;
      else unmatched.push({ at: i, range });
    }
    this.rangesComputed = ranges;
    this.matchedByKey = unmatched.length;
    if (unmatched.length) {
      // What the statements left: by rule and range, each list in the previous publish's order.
      const byKey = new Map<string, Published[]>();
      const add = (p: Published) => {
        if (p.usedIn === converted) return;
        const key = keyOf(p.ruleId, p.range);
        const list = byKey.get(key);
        if (list) list.push(p);
        else byKey.set(key, [p]);
      };
      for (const list of previous) if (list) list.forEach(add);
      this.others.forEach(add);
      for (const { at, range } of unmatched) {
        const finding = findings[at];
        const same = takeSame(byKey.get(keyOf(finding.ruleId, range)), finding) ?? this.publish(finding, range);
        same.usedIn = converted;
        published[at] = same;
      }
    }
    const byStatement: Published[][] = [];
    const others: Published[] = [];
    const diagnostics = new Array<Diagnostic>(findings.length);
    for (let i = 0; i < findings.length; i++) {
      const index = findings[i].statementIndex;
      if (index === undefined) others.push(published[i]);
      else (byStatement[index] ??= []).push(published[i]);
      diagnostics[i] = published[i].diagnostic;
      published[i].from = froms[i];
      published[i].to = tos[i];
    }
    this.byStatement = byStatement;
    this.others = others;
    return diagnostics;
  }

  private publish(finding: Finding, range: Range): Published {
    const { ruleId, severity, message, docs } = finding;
    // A copy: the engine's array could change after this publish, and it is what the next one compares with.
    const related = finding.related?.map((r) => ({ ...r }));
    return { diagnostic: diagnosticOf(finding, range, this.root), ruleId, range, severity, message, docs, related, from: 0, to: 0, usedIn: 0 };
  }
}

/**
 * For a finding wholly before or after the edited lines: the first of its statement's last diagnostics
 * (not handed out yet) at its span as the edit moved it that shows the same; the same object if its range
 * did not change (marked as handed out), else a new one with the range moved by the edit's lines.
 */
function takeUnmoved(candidates: Published[], finding: Finding, from: number, to: number, unmoved: UnmovedSpans, converted: number): Published | undefined {
  const after = from >= unmoved.suffixStart && to <= unmoved.length;
  if (!after && to >= unmoved.prefixEnd) return undefined;
  const shift = after ? unmoved.delta : 0;
  const lines = after ? unmoved.lineDelta : 0;
  for (const p of candidates) {
    if (p.usedIn === converted || p.from + shift !== from || p.to + shift !== to || p.ruleId !== finding.ruleId || !showsSame(p, finding)) continue;
    p.usedIn = converted;
    if (lines === 0) return p;
    // A Diagnostic is never changed once published (stdioWriter.ts keeps its JSON): a new one, sharing the rest.
    const range = { start: { line: p.range.start.line + lines, character: p.range.start.character }, end: { line: p.range.end.line + lines, character: p.range.end.character } };
    return { ...p, range, diagnostic: { ...p.diagnostic, range } };
  }
  return undefined;
}

/** The first diagnostic of `candidates` not handed out yet in this convert that `finding` at `range` would publish unchanged (marked as handed out). */
function takeUnused(candidates: Published[] | undefined, finding: Finding, range: Range, converted: number): Published | undefined {
  if (!candidates) return undefined;
  for (const p of candidates) {
    if (p.usedIn === converted || p.ruleId !== finding.ruleId || !sameRange(p.range, range) || !showsSame(p, finding)) continue;
    p.usedIn = converted;
    return p;
  }
  return undefined;
}

function keyOf(ruleId: string, range: Range): string {
  return `${ruleId}\0${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}`;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Removes and returns the first entry of `candidates` (same rule and range) that `finding` would publish unchanged. */
function takeSame(candidates: Published[] | undefined, finding: Finding): Published | undefined {
  if (!candidates) return undefined;
  const at = candidates.findIndex((p) => showsSame(p, finding));
  return at < 0 ? undefined : candidates.splice(at, 1)[0];
}

/** Whether `finding` shows what `p` shows besides its rule and range (severity, message, docs link, related locations). */
function showsSame(p: Published, finding: Finding): boolean {
  return p.severity === finding.severity && p.message === finding.message && p.docs === finding.docs && sameRelated(p.related, finding.related);
}

function sameRelated(a: readonly RelatedLocation[] | undefined, b: readonly RelatedLocation[] | undefined): boolean {
  if (!a?.length || !b?.length) return !a?.length && !b?.length;
  return (
    a.length === b.length &&
    a.every((r, i) => {
      const o = b[i];
      return r.file === o.file && r.line === o.line && r.column === o.column && r.endLine === o.endLine && r.endColumn === o.endColumn && r.message === o.message;
    })
  );
}
