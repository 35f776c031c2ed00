/**
 * Lint the generated migrations with Lockstep itself, in the order the runner applies them
 * (each file against the schema the earlier ones leave), and drop any rule id from a generated
 * `lockstep-ignore` that silenced nothing — the kinds attach explained ignores to statements that
 * are safe for a reason only the plan knows, and rules come and go. What is left is reported.
 */
import type { Catalog } from '../catalog/catalog';
import type { LockstepConfig } from '../config/types';
import { catalogFromSql, lintText } from '../engine';
import type { Finding } from '../findings';
import type { SchemaInfo } from './schema';
import { schemaSql } from './schemaSql';
import type { GeneratedFile, WrittenMigration } from './runners/writers';

export interface FileFinding {
  path: string;
  finding: Finding;
  /** The text the finding points at. */
  excerpt: string;
}

export function lintGenerated(files: GeneratedFile[], migrations: WrittenMigration[], schema: SchemaInfo, config: LockstepConfig): FileFinding[] {
  let catalog: Catalog = catalogFromSql(schemaSql(schema), config);
  const findings: FileFinding[] = [];
  for (const m of migrations) {
    const up = files.find((f) => f.path === m.upPath);
    if (!up) continue;
    const after = lintFile(up, catalog, config, findings);
    if (m.downPath !== m.upPath) {
      const down = files.find((f) => f.path === m.downPath);
      if (down) lintFile(down, after, config, findings);
    }
    catalog = after;
  }
  return findings;
}

/** Lint one file (pruning unused generated ignores in place); returns the schema after it. */
function lintFile(file: GeneratedFile, schema: Catalog, base: LockstepConfig, out: FileFinding[]): Catalog {
  const config = file.lintAs ? { ...base, runner: file.lintAs } : base;
  let result = lintText(file.content, { path: file.path, config, schema });
  const pruned = pruneIgnores(file.content, result.document.ignores);
  if (pruned !== file.content) {
    file.content = pruned;
    result = lintText(file.content, { path: file.path, config, schema });
  }
  for (const finding of result.findings) out.push({ path: file.path, finding, excerpt: file.content.slice(finding.span.start, finding.span.end) });
  return result.document.catalog;
}

type Directive = ReturnType<typeof lintText>['document']['ignores'][number];

function pruneIgnores(text: string, directives: Directive[]): string {
  let out = text;
  // Back to front, so earlier spans stay valid.
  for (const d of [...directives].sort((a, b) => b.span.start - a.span.start)) {
    if (d.scope !== 'next-statement') continue;
    const used = d.ruleIds.filter((id) => d.used.has(id));
    if (used.length === d.ruleIds.length) continue;
    const lineStart = out.lastIndexOf('\n', d.span.start - 1) + 1;
    let lineEnd = out.indexOf('\n', d.span.end);
    lineEnd = lineEnd < 0 ? out.length : lineEnd + 1;
    const replacement = used.length ? `-- lockstep-ignore ${used.join(', ')}${d.reason ? `: ${d.reason}` : ''}\n` : '';
    out = out.slice(0, lineStart) + replacement + out.slice(lineEnd);
  }
  return out;
}

/** `-- lockstep-ignore <rules>: <reason>` in front of a statement. */
export function explained(rules: string[], reason: string, statement: string): string {
  return `-- lockstep-ignore ${rules.join(', ')}: ${reason}\n${statement}`;
}
