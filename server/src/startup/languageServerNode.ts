/**
 * 'vscode-languageserver/node' for the bundled language server: scripts/build.mjs points the
 * server's imports of it here. It is CommonJS: esbuild gives every ES module that imports it its own
 * copy of its 321 exports (a getter each), eight copies at every start; through this one module,
 * the bundle makes one.
 */
export * from 'vscode-languageserver/node';
