/**
 * The few members of the WebAssembly JavaScript API that startup/parserPreload.ts uses: the
 * project compiles against lib ES2022 without the DOM, which is where TypeScript keeps these types.
 */
declare namespace WebAssembly {
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface Module {}
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  type Imports = Record<string, Record<string, unknown>>;
  function compile(bytes: Uint8Array): Promise<Module>;
  const Module: { new (bytes: Uint8Array): Module };
  const Instance: { new (module: Module, imports?: Imports): Instance };
}
