import serverNodeFlags from './serverNodeFlags.json';

/**
 * Node flags the extension starts the language server with (client/src/extension.ts). They cannot
 * be set from the launcher (launch.ts): V8 reads `--max-semi-space-size` once, when the heap is made.
 *
 * 32 MB semi-spaces (V8's default is 16 MB in Node 20): a relint of a long file leaves ~1.5 MiB of
 * young garbage per edit, and each scavenge of a full young generation costs 12–18 ms, the edits in
 * the p95 tail. Measured through the real server on the 20,000-line migration (BENCHMARKS.md, issue 14,
 * eleventh session: the 20,000-line edit): scavenges per 100 edits about halve (comment-text 17 → 8–9,
 * rename-column 28 → 14–15) for ~20–30 MiB more peak RSS (321–370 against 294–349 MiB); 64 MB
 * quarters them but costs ~80 MiB more (391–425 MiB).
 *
 * `--v8-pool-size=1`: one V8 background thread instead of Node's 4. The server's background work
 * (TurboFan compiles of the edit path, the scavenger's helpers, concurrent marking) took as much CPU
 * as its main thread, and on a 2-core machine four such threads take the cores from the main thread
 * and the editor. Measured on the 300-line migration, 40 rename-column edits (BENCHMARKS.md, issue 14,
 * twelfth session: the 300-line edit's threads and cold start): all-thread CPU per edit 10.6 → 8.1 ms
 * (medians) and p95 lower in 6 of 6 alternated pairs at load 2–4; less at load ~1. V8 still compiles
 * and marks in the background, on one thread.
 *
 * Kept in JSON so `npm run bench` (bench/serverCommand.mjs) starts the server the way the editor does.
 */
export const SERVER_NODE_FLAGS: readonly string[] = serverNodeFlags;
