/**
 * The language server's copy of the code-reference index: the worker's messages kept as they came
 * (one FileRefs per file, no object per reference added), grouped by table once and then kept up
 * to date file by file. A lookup builds full CodeReferences for its table only.
 */
import { usesColumn, type Lookup, type ReferenceLookup } from './index';
import type { FileRefs, ShippedReference } from './protocol';

interface Entry {
  f: FileRefs;
  r: ShippedReference;
}

export class LiveReferences implements ReferenceLookup {
  private byFile = new Map<string, FileRefs>();
  private byTable: Map<string, Entry[]> | undefined;
  /** Bumped by every update (ReferenceLookup.version). */
  version = 0;

  replaceFiles(files: FileRefs[]): void {
    this.version++;
    for (const f of files) {
      const old = this.byFile.get(f.file);
      if (f.references.length) this.byFile.set(f.file, f);
      else this.byFile.delete(f.file);
      if (!this.byTable) continue;
      if (old) for (const table of new Set(old.references.map((r) => r.table))) this.byTable.set(table, this.byTable.get(table)!.filter((e) => e.f !== old));
      if (f.references.length) this.add(f);
    }
  }

  /** No file references any table (only files with references are kept). */
  isEmpty(): boolean {
    return this.byFile.size === 0;
  }

  lookup(table: string, column?: string): Lookup {
    if (!this.byTable) {
      this.byTable = new Map();
      for (const f of this.byFile.values()) this.add(f);
    }
    const entries = (this.byTable.get(table) ?? []).filter((e) => column === undefined || usesColumn(e.r, column));
    return { table, column, references: entries.map(({ f, r }) => ({ ...r, file: f.file, path: f.path })) };
  }

  private add(f: FileRefs): void {
    for (const r of f.references) {
      let list = this.byTable!.get(r.table);
      if (!list) this.byTable!.set(r.table, (list = []));
      list.push({ f, r });
    }
  }
}
