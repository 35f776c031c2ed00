/**
 * Documents over the size limit (default 5 MB, `maxFileSizeMB` in initializationOptions, from the
 * `lockstep.maxFileSizeMB` setting) are not linted whole: a 20 MB dump of 641k statements took the
 * server past 4 GB. Only a prefix of whole statements is linted — the first LARGE_PREFIX_BYTES (128 KB; the largest real migration in our corpus is 110 KB),
 * cut after the last `;` that ends a line — and one informational diagnostic says so. Fix-all,
 * "Split into phases" and database estimates are off for such a document (they need all of it).
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export const DEFAULT_MAX_DOCUMENT_MB = 5;
/** The part of an oversized document that is linted: a few thousand typical statements. */
export const LARGE_PREFIX_BYTES = 128 * 1024;

export interface LargeDocument {
  /** The document's size, in UTF-16 code units (≈ bytes for SQL). */
  size: number;
  /** Length of the linted prefix. */
  linted: number;
}

/** Where the linted prefix of an oversized text ends: after the last `;` that ends a line (or at the budget). */
export function prefixEnd(text: string, budget = LARGE_PREFIX_BYTES): number {
  if (text.length <= budget) return text.length;
  // Backwards over the budget once: the last newline whose line ends with `;` (spaces allowed).
  for (let nl = text.lastIndexOf('\n', budget - 1); nl > 0; nl = text.lastIndexOf('\n', nl - 1)) {
    let i = nl - 1;
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i--;
    if (text[i] === ';') return nl + 1;
  }
  return budget;
}

export function largeDocumentDiagnostic(doc: TextDocument, large: LargeDocument, limitMb: number, statements: number): Diagnostic {
  const mb = (large.size / 1048576).toFixed(1);
  const through = doc.positionAt(large.linted).line + 1;
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    code: 'file-too-large',
    message:
      `This file is ${mb} MB, over Lockstep's ${limitMb} MB limit (setting lockstep.maxFileSizeMB): only its first ${statements} statement(s), ` +
      `through line ${through}, are linted, and fix-all, split and estimates are off for it.`,
  };
}
