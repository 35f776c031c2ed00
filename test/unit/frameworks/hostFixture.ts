/** Shared by the framework fixture tests: lint one migration of a fixture folder as its framework would run it. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { lintHostText, type HostLintResult } from '../../../server/src/frameworks/lint';
import { detectFramework } from '../../../server/src/frameworks/registry';
import type { TextSpan } from '../../../server/src/findings';
import { nodeFileSystem, SchemaHistory } from '../../../server/src/history/schemaHistory';

export const config = { ...DEFAULT_CONFIG };

/** `file` in `dir` (or `text` under that name), detected as `framework`, with the folder's earlier migrations as history. */
export function lintFixtureFile(dir: string, framework: string, file: string, text?: string): { text: string; path: string; result: HostLintResult } {
  const path = join(dir, file);
  text ??= readFileSync(path, 'utf8');
  const fw = detectFramework(path, text);
  assert.equal(fw?.id, framework, `${file} is detected as ${framework}`);
  const schema = new SchemaHistory(nodeFileSystem).schemaBefore(path, text, config);
  return { text, path, result: lintHostText(text, fw!, { path, config, schema }) };
}

/** The span of the first occurrence of `needle`. */
export function spanOf(text: string, needle: string): TextSpan {
  const start = text.indexOf(needle);
  assert.ok(start > 0, needle);
  return { start, end: start + needle.length };
}
