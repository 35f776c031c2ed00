// How the benches start Lockstep's language server: with the Node flags the extension gives it
// (server/src/startup/serverNodeFlags.json, read by client/src/extension.ts), then any extra flags
// from LOCKSTEP_BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Flags the editor starts the server with; none for an older tree that has no such file. */
export function editorServerFlags(repo) {
  const file = join(repo, 'server/src/startup/serverNodeFlags.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

/** `[executable, args]` for `spawn`: `repo`'s dist/server.js over stdio, started as the editor starts it. */
export function lockstepServerCommand(repo, env = process.env) {
  const extra = (env.LOCKSTEP_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return [process.execPath, [...editorServerFlags(repo), ...extra, join(repo, 'dist/server.js'), '--stdio']];
}
