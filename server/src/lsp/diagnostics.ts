/** Converts engine findings into LSP diagnostics. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, RelatedLocation } from '../findings';
import type { Severity } from '../config/types';

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

/** A published diagnostic and what it was made from, besides its range and rule (its key). */
interface Published {
  diagnostic: Diagnostic;
  severity: Finding['severity'];
  message: string;
  docs: string;
  related: RelatedLocation[] | undefined;
}

/**
 * One document's diagnostics as last published: an edit republishes every finding, and most of them
 * come out as they were (same rule, range, message), so their Diagnostic objects are handed out
 * again instead of rebuilt (ranges, related locations' file URLs), and a serializer can keep each
 * one's JSON (stdioWriter.ts). A finding that differs in anything its diagnostic shows gets a new one.
 */
export class DiagnosticReuse {
  private byKey = new Map<string, Published[]>();

  constructor(private readonly root = EXTENSION_ROOT) {}

  convert(findings: readonly Finding[], doc: TextDocument): Diagnostic[] {
    const previous = this.byKey;
    const next = new Map<string, Published[]>();
    const diagnostics = findings.map((finding) => {
      const range = spanToRange(doc, finding.span.start, finding.span.end);
      const key = `${finding.ruleId}\0${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}`;
      const same = takeSame(previous.get(key), finding) ?? this.publish(finding, range);
      const list = next.get(key);
      if (list) list.push(same);
      else next.set(key, [same]);
      return same.diagnostic;
    });
    this.byKey = next;
    return diagnostics;
  }

  private publish(finding: Finding, range: Range): Published {
    const { severity, message, docs } = finding;
    // A copy: the engine's array could change after this publish, and it is what the next one compares with.
    const related = finding.related?.map((r) => ({ ...r }));
    return { diagnostic: diagnosticOf(finding, range, this.root), severity, message, docs, related };
  }
}

/** Removes and returns the first entry of `candidates` (same rule and range) that `finding` would publish unchanged. */
function takeSame(candidates: Published[] | undefined, finding: Finding): Published | undefined {
  if (!candidates) return undefined;
  const at = candidates.findIndex(
    (p) => p.severity === finding.severity && p.message === finding.message && p.docs === finding.docs && sameRelated(p.related, finding.related),
  );
  return at < 0 ? undefined : candidates.splice(at, 1)[0];
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
