/** Converts engine findings into LSP diagnostics. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../findings';
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
  const diagnostic: Diagnostic = {
    range: spanToRange(doc, finding.span.start, finding.span.end),
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
