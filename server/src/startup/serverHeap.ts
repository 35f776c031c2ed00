/**
 * Node flags the extension starts the language server with (client/src/extension.ts). They cannot
 * be set from the launcher (launch.ts): V8 reads `--max-semi-space-size` once, when the heap is made.
 *
 * 32 MB semi-spaces (V8's default is 16 MB in Node 20): a relint of a long file leaves ~1.5 MiB of
 * young garbage per edit, and each scavenge of a full young generation costs 12–18 ms, the edits in
 * the p95 tail. Measured through the real server on the 20,000-line migration (BENCHMARKS.md, issue 14,
 * eleventh session: the 20,000-line edit): scavenges per 100 edits about halve (comment-text 17 → 8–9,
 * rename-column 28 → 14) at the same peak RSS within the runs' spread; 64 MB quarters them but costs
 * ~70 MiB more RSS.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
