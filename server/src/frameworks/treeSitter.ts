/**
 * Tree-sitter (web-tree-sitter + prebuilt grammars from tree-sitter-wasms) for host files that are
 * not TypeScript: Ruby (Rails), Elixir (Ecto). Loading WASM is asynchronous but `FrameworkExtractor.extract` is
 * synchronous, so the grammars load once in `initEngine()` (engine.ts), which every entry point
 * (CLI, language server, tests) already awaits; after that `treeSitterParser()` is synchronous.
 * dist/ ships tree-sitter.wasm and the grammar files next to the bundles (scripts/build.mjs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export type Grammar = 'ruby' | 'elixir';
const GRAMMARS: readonly Grammar[] = ['ruby', 'elixir'];

const languages = new Map<Grammar, Language>();
let failure: string | undefined;
let ready: Promise<void> | undefined;

/** Next to the bundle (dist/), or in node_modules when running from source (server/src/frameworks/). */
function wasmPath(file: string, inNodeModules: string): string {
  const local = join(__dirname, file);
  return existsSync(local) ? local : join(__dirname, '../../../node_modules', inNodeModules);
}

async function load(): Promise<void> {
  try {
    const core = wasmPath('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
    await Parser.init({ locateFile: () => core });
    for (const g of GRAMMARS) {
      const file = `tree-sitter-${g}.wasm`;
      languages.set(g, await Language.load(wasmPath(file, `tree-sitter-wasms/out/${file}`)));
    }
  } catch (err) {
    // Never fatal for SQL files: extractors that need a grammar report it as "not analysed".
    failure = `tree-sitter could not load (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Load web-tree-sitter and the grammars once; later calls are no-ops. Never rejects. */
export function initTreeSitter(): Promise<void> {
  ready ??= load();
  return ready;
}

/** A parser for `grammar`, or the reason there is none (initTreeSitter() not awaited, or it failed). */
export function treeSitterParser(grammar: Grammar): Parser | string {
  const language = languages.get(grammar);
  if (!language) return failure ?? 'tree-sitter not initialised (await initEngine() first)';
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
