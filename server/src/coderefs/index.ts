/**
 * The code-reference index: every place in the application code that uses a table or a column,
 * by table. Built from a folder (or a git revision, gitTree.ts), updated one file at a time. The
 * `still-referenced` rule, `lockstep refs`, the language server's worker and PLAN.md ask it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '../engine';
import { SOURCES } from './sources';
import { lineOf, lineStarts } from './text';
import type { CodeReference, LocatedReference, RawReference } from './types';
import { listCodeFiles, scanFilter, type CodeScanSettings } from './files';

/** What `lookup` returns: references to the table, or to the column (with the "every column" ones). */
export interface Lookup {
  table: string;
  column?: string;
  references: CodeReference[];
}

export class CodeIndex {
  private byFile = new Map<string, CodeReference[]>();
  private byTable: Map<string, CodeReference[]> | undefined;
  private readonly keep: (rel: string) => boolean;

  /** `roots`: absolute folders; a file belongs to the first root that contains it. */
  constructor(
    readonly roots: string[],
    readonly settings: CodeScanSettings = {},
  ) {
    this.keep = scanFilter(settings);
  }

  /** Read every file of the roots. Needs the SQL parser and grammars (initEngine), which it awaits. */
  static async build(roots: string[], settings?: CodeScanSettings): Promise<CodeIndex> {
    await initEngine();
    return CodeIndex.scan(roots, settings);
  }

  /** `build` once initEngine() (with the host grammars, which the model sources need) has completed. */
  static scan(roots: string[], settings?: CodeScanSettings): CodeIndex {
    const index = new CodeIndex(roots, settings);
    for (const { file, references } of scanReferences(roots, settings)) index.byFile.set(file, references);
    return index;
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  /** Whether a path (absolute) is application code this index reads. */
  covers(absPath: string): string | undefined {
    for (const root of this.roots) {
      const prefix = root.endsWith('/') ? root : `${root}/`;
      if (absPath.startsWith(prefix)) {
        const rel = absPath.slice(prefix.length);
        return this.keep(rel) ? rel : undefined;
      }
    }
    return undefined;
  }

  /** Re-read one file from disk after a change; a file that is gone or not covered is dropped. */
  updateFromDisk(absPath: string): void {
    const rel = this.covers(absPath);
    const refs = rel === undefined ? undefined : readReferences(absPath, rel);
    if (refs === undefined) this.removeFile(absPath);
    else if (refs.length > 0) {
      this.byFile.set(absPath, refs);
      this.byTable = undefined;
    } else this.removeFile(absPath);
  }

  removeFile(absPath: string): void {
    if (this.byFile.delete(absPath)) this.byTable = undefined;
  }

  /** The references of one file (absolute path). */
  lookupFile(absPath: string): CodeReference[] {
    return this.byFile.get(absPath) ?? [];
  }

  /** Every reference, file by file. */
  all(): CodeReference[] {
    return [...this.byFile.values()].flat();
  }

  /** References to `table` (unqualified), or to `table.column`, including SELECT *, whole-row models and positional INSERTs. */
  lookup(table: string, column?: string): Lookup {
    return { table, column, references: lookupIn(this.tableMap(), table, column) };
  }

  private tableMap(): Map<string, CodeReference[]> {
    this.byTable ??= groupByTable(this.all());
    return this.byTable;
  }
}

/** A read-only index from references shipped by the worker (or built elsewhere). */
export class ReferenceSet {
  private readonly byTable: Map<string, CodeReference[]>;
  /** Read-only: never changes. */
  readonly version = 0;
  constructor(readonly references: CodeReference[]) {
    this.byTable = groupByTable(references);
  }
  lookup(table: string, column?: string): Lookup {
    return { table, column, references: lookupIn(this.byTable, table, column) };
  }
}

/** An index of in-memory files (`path` relative, also used as the absolute name): examples and tests. */
export function referencesOf(files: { path: string; text: string }[]): ReferenceSet {
  return new ReferenceSet(files.flatMap((f) => extractReferences(f.text, f.path, f.path)));
}

/** Larger files are generated bundles or data dumps, not code someone edits: skipped (a bounded heap for the worker). */
export const MAX_CODE_FILE_BYTES = 2 * 1024 * 1024;

/** One file's references, read from disk (without excerpts: what the worker ships); undefined when it cannot be read. */
export function readLocated(absPath: string, rel: string, excerpts = false): LocatedReference[] | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absPath);
  } catch {
    return undefined;
  }
  return bytes.length > MAX_CODE_FILE_BYTES ? [] : locateReferences(bytes.toString('utf8'), rel, excerpts);
}

/** One file's references, read from disk; undefined when it cannot be read. */
export function readReferences(absPath: string, rel: string): CodeReference[] | undefined {
  return readLocated(absPath, rel, true)?.map((r) => Object.assign(r, { file: absPath, path: rel }));
}

/**
 * The references of every code file of the roots (a file belongs to the first root that holds it),
 * file by file, keeping none: the worker ships them as they come, `CodeIndex.build` keeps them.
 */
export function* scanReferences<R extends LocatedReference = CodeReference>(
  roots: string[],
  settings?: CodeScanSettings,
  read: (file: string, rel: string) => R[] | undefined = readReferences as never,
): Generator<{ file: string; path: string; references: R[] }> {
  const seen = new Set<string>();
  for (const root of roots) {
    for (const rel of listCodeFiles(root, settings)) {
      const file = join(root, rel);
      if (seen.has(file)) continue;
      seen.add(file);
      const references = read(file, rel);
      if (references?.length) yield { file, path: rel, references };
    }
  }
}

/** What the rule needs of an index: `CodeIndex` or `ReferenceSet`. */
export interface ReferenceLookup {
  lookup(table: string, column?: string): Lookup;
  /**
   * Changes whenever `lookup` may answer differently (an index updated in place); unset when unknown.
   * The engine carries a previous lint's code-reading verdicts over only while it stays the same.
   */
  readonly version?: number;
}

function groupByTable(refs: CodeReference[]): Map<string, CodeReference[]> {
  const map = new Map<string, CodeReference[]>();
  for (const r of refs) {
    let list = map.get(r.table);
    if (!list) map.set(r.table, (list = []));
    list.push(r);
  }
  return map;
}

function lookupIn(byTable: Map<string, CodeReference[]>, table: string, column?: string): CodeReference[] {
  const refs = byTable.get(table) ?? [];
  if (column === undefined) return refs;
  return refs.filter((r) => usesColumn(r, column));
}

/** Whether a reference to its table uses `column`: names it, or uses every column and does not ignore it. */
export function usesColumn(r: Pick<RawReference, 'column' | 'everyColumn' | 'exceptColumns'>, column: string): boolean {
  return r.column === column || (!!r.everyColumn && !r.exceptColumns?.includes(column));
}

/** Run every source that accepts the file; never throws (a source that fails yields nothing for this file). */
export function extractReferences(text: string, rel: string, absPath: string): CodeReference[] {
  return locateReferences(text, rel, true).map((r) => Object.assign(r, { file: absPath, path: rel }));
}

/** The references of one file with their lines and columns; `excerpts`: with the source line of each (for `lockstep refs`). */
export function locateReferences(text: string, rel: string, excerpts: boolean): LocatedReference[] {
  const raw: RawReference[] = [];
  for (const source of SOURCES) {
    if (!source.accepts(rel)) continue;
    try {
      for (const r of source.extract(text, rel)) raw.push(r);
    } catch {
      // A source bug must not take the index down; the file simply yields nothing from that source.
    }
  }
  if (raw.length === 0) return [];
  raw.sort((a, b) => a.start - b.start);
  const starts = lineStarts(text, raw.reduce((max, r) => Math.max(max, r.end), 0));
  const seen = new Set<string>();
  const lines = new Map<number, string>();
  const out: LocatedReference[] = [];
  for (const r of raw) {
    const key = `${r.start}|${r.end}|${r.table}|${r.column ?? ''}|${r.access}|${r.everyColumn ?? ''}|${r.writesColumns?.join(',') ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const line = lineOf(starts, r.start);
    const endLine = lineOf(starts, Math.max(r.start, r.end));
    const located: LocatedReference = { ...r, line: line + 1, column1: r.start - starts[line] + 1, endLine: endLine + 1, endColumn1: r.end - starts[endLine] + 1 };
    if (excerpts) {
      let excerpt = lines.get(line);
      if (excerpt === undefined) {
        const nl = text.indexOf('\n', starts[line]);
        // A copy, not a slice: a slice would keep the whole file's text alive as long as the reference.
        excerpt = Buffer.from(text.slice(starts[line], nl < 0 ? text.length : nl).trim().slice(0, 200)).toString();
        lines.set(line, excerpt);
      }
      located.excerpt = excerpt;
    }
    out.push(located);
  }
  return out;
}
