/**
 * The `-- expect:` annotation that every SQL block of the docs and every example migration carries,
 * so the test in test/unit/docs/sqlBlocks.test.ts can lint it and compare (issue 15, part 9).
 *
 *   -- expect: clean
 *   -- expect: require-concurrent-index, require-lock-timeout
 *   -- expect: set-not-null; pg 11; after schema
 *
 * After the rule ids (or `clean`), `;`-separated options say how to lint the block:
 *   pg <n>        target PostgreSQL version (default: the config default)
 *   strict        `"extends": "lockstep:strict"` (rules that are off by default run)
 *   file <name>   the file name the block stands for (drives runner detection, e.g. `V7__x.sql`)
 *   schema        this block is the schema that later `after schema` blocks of the same file run against
 *   after schema  lint against the nearest `schema` block above it in the same file
 *   code          lint with the application code the rule page shows (`still-referenced`)
 */
import { DEFAULT_CONFIG, type LockstepConfig } from '../../server/src/config/types';
import { catalogFromSql, lintText } from '../../server/src/engine';
import { referencesOf } from '../../server/src/coderefs/index';
import { ruleById } from '../../server/src/rules/index';

export interface Expectation {
  /** Sorted, distinct rule ids; empty for `clean`. */
  ruleIds: string[];
  pgVersion?: number;
  strict: boolean;
  file?: string;
  /** Lint with the application code the rule's page shows (its `examples.code`), as still-referenced needs. */
  withCode?: boolean;
  isSchema: boolean;
  afterSchema: boolean;
}

export interface SqlBlock {
  /** Repository-relative path of the markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  sql: string;
}

const ANNOTATION = /^\s*--\s*expect:(.*)$/m;
const RULE_ID = /^[a-z][a-z0-9-]*$/;

/** The annotation of a block or file, or an error message saying what is wrong with it. */
export function parseExpectation(sql: string): Expectation | { error: string } {
  const match = ANNOTATION.exec(sql);
  if (!match) return { error: 'no `-- expect: <rule-id>[, …]` or `-- expect: clean` annotation' };
  const [head, ...options] = match[1].split(';').map((part) => part.trim());
  const ids = head === 'clean' ? [] : head.split(',').map((id) => id.trim());
  if (head === '' || ids.some((id) => !RULE_ID.test(id) || id === 'clean')) {
    return { error: `"-- expect:${match[1]}": expected \`clean\` or comma-separated rule ids before any \`;\`` };
  }
  const expectation: Expectation = { ruleIds: [...new Set(ids)].sort(), strict: false, isSchema: false, afterSchema: false };
  for (const option of options) {
    const [key, ...rest] = option.split(/\s+/);
    const value = rest.join(' ');
    if (key === 'pg' && /^\d+$/.test(value)) expectation.pgVersion = Number(value);
    else if (key === 'strict' && !value) expectation.strict = true;
    else if (key === 'file' && value) expectation.file = value;
    else if (key === 'schema' && !value) expectation.isSchema = true;
    else if (key === 'after' && value === 'schema') expectation.afterSchema = true;
    else if (key === 'code' && !value) expectation.withCode = true;
    else return { error: `"-- expect:${match[1]}": unknown option "${option}" (pg <n>, strict, file <name>, schema, after schema, code)` };
  }
  return expectation;
}

/** Fenced ```sql (also pgsql / postgresql) blocks of a markdown text, in order. */
export function sqlBlocksOf(markdown: string, file: string): SqlBlock[] {
  const blocks: SqlBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\w+)?/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    let end = i + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++;
    if (/^(sql|pgsql|postgres|postgresql|psql|plpgsql)$/i.test(open[3] ?? '')) {
      blocks.push({ file, line: i + 1, sql: lines.slice(i + 1, end).map((l) => l.slice(open[1].length)).join('\n') });
    }
    i = end;
  }
  return blocks;
}

export const idsOf = (findings: { ruleId: string }[]) => [...new Set(findings.map((f) => f.ruleId))].sort();
export const show = (ids: string[]) => (ids.length ? ids.join(', ') : 'clean');

function configFor(expectation: Expectation): LockstepConfig {
  return {
    ...DEFAULT_CONFIG,
    ...(expectation.pgVersion ? { pgVersion: expectation.pgVersion } : {}),
    ...(expectation.strict ? { extends: 'lockstep:strict' as const } : {}),
  };
}

/** Lints one markdown file's SQL blocks in order (call initEngine first); one message per block that is wrong. */
export function checkMarkdown(markdown: string, file: string): string[] {
  const problems: string[] = [];
  let schema: SqlBlock | undefined;
  for (const block of sqlBlocksOf(markdown, file)) {
    const where = `${file}:${block.line}`;
    const expectation = parseExpectation(block.sql);
    if ('error' in expectation) {
      problems.push(`${where}: ${expectation.error}`);
      continue;
    }
    if (expectation.afterSchema && !schema) {
      problems.push(`${where}: "after schema", but no block above it in this file is marked "schema"`);
      continue;
    }
    const config = configFor(expectation);
    const history = expectation.afterSchema && schema ? catalogFromSql(schema.sql, config) : undefined;
    const pageRule = /(?:^|\/)docs\/rules\/([^/]+)\.md$/.exec(file)?.[1];
    const appCode = expectation.withCode && pageRule ? ruleById(pageRule)?.examples.code : undefined;
    if (expectation.withCode && !appCode) {
      problems.push(`${where}: "code", but this is not the page of a rule with example application code`);
      continue;
    }
    const found = idsOf(lintText(block.sql, { config, schema: history, path: expectation.file, code: appCode && referencesOf(appCode) }).findings);
    if (found.join() !== expectation.ruleIds.join()) {
      problems.push(`${where}: annotated "${show(expectation.ruleIds)}", but Lockstep reports "${show(found)}"`);
    }
    if (expectation.isSchema) schema = block;
  }
  return problems;
}

