/**
 * The SQL parser's WASM (libpg-query, 1.7 MB) compiled while the bundle starts, not after it.
 *
 * Without this, libpg-query reads and compiles its WASM when the bundle's top level reaches it, and
 * the first lint waits for that compile. The launcher (launch.ts) reads the file and starts
 * `WebAssembly.compile` before it deserializes and runs the bundle: V8 compiles on a background
 * thread while the main thread runs the bundle's start-up, and libpg-query instantiates the module
 * it is handed (scripts/build.mjs routes libpg-query's module factory through
 * `withLauncherCompiledParser`). Measured: BENCHMARKS.md, issue 14, eleventh session, start-up.
 *
 * The launcher and the bundle are separate scripts, so the compile is handed over on a global,
 * under a registered symbol. Tests and the other bundles never set it: libpg-query
 * then loads its file itself, as before.
 */
import { readFileSync } from 'node:fs';

const HANDOVER = Symbol.for('lockstep.parserWasm');

interface Handover {
  compiled: Promise<WebAssembly.Module>;
  /** Set when the bundle instantiated the launcher's module (LOCKSTEP_CODE_CACHE_DEBUG reports it; tests read it). */
  used: boolean;
}

type GlobalWithHandover = typeof globalThis & { [HANDOVER]?: Handover };

/** In the launcher: reads `wasmPath` and starts compiling it. No file (an unusual install): nothing to hand over. */
export function preloadParser(wasmPath: string): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(wasmPath);
  } catch {
    return;
  }
  const compiled = WebAssembly.compile(bytes);
  // A failed compile is libpg-query's to report (it compiles the file itself then); never unhandled here.
  compiled.catch(() => undefined);
  (globalThis as GlobalWithHandover)[HANDOVER] = { compiled, used: false };
}

/** Did this process's parser come from the launcher's compile? (LOCKSTEP_CODE_CACHE_DEBUG, tests.) */
export function parserPreloadUsed(): boolean {
  return (globalThis as GlobalWithHandover)[HANDOVER]?.used === true;
}

/** The part of an emscripten module factory's options this uses. */
export interface EmscriptenModuleArg {
  instantiateWasm(imports: WebAssembly.Imports, receiveInstance: (instance: WebAssembly.Instance) => unknown): object;
}

/**
 * In the bundle, around libpg-query's module factory: with the launcher's compile, the factory
 * instantiates that module; without one, or if it failed, the factory loads the file as before.
 */
export function withLauncherCompiledParser<T>(factory: (moduleArg?: EmscriptenModuleArg) => Promise<T>): Promise<T> {
  const handover = (globalThis as GlobalWithHandover)[HANDOVER];
  if (!handover) return factory();
  return handover.compiled.then(
    (module) =>
      factory({
        // Synchronous, so an instantiation error rejects emscripten's promise (an asynchronous one would leave it pending).
        instantiateWasm(imports, receiveInstance) {
          const instance = new WebAssembly.Instance(module, imports);
          handover.used = true;
          receiveInstance(instance);
          return {};
        },
      }),
    () => factory(),
  );
}
