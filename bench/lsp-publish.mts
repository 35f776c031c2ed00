// The language server's publish step in process, per edit of bench/migration.mjs's migration: findings →
// Diagnostics → the bytes written on stdio, as before (toDiagnostic each, JSON.stringify of the message,
// Buffer.from, a separate header) and now (DiagnosticReuse, stdioWriter.ts's frameMessage), alternately;
// checks both give the same JSON. Not part of `npm run bench`.
// Usage: npx tsx bench/lsp-publish.mts [lines=20000] [edit kind=rename-column] [edits=40]
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
const wt = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { TextDocument } = createRequire(`${wt}/package.json`)('vscode-languageserver-textdocument');
const lines = Number(process.argv[2] ?? 20000), kind = process.argv[3] ?? 'rename-column', edits = Number(process.argv[4] ?? 40);
const { initEngine } = await import(`${wt}/server/src/engine.ts`);
const { DocumentLinter } = await import(`${wt}/server/src/lsp/documentLinter.ts`);
const { DEFAULT_CONFIG } = await import(`${wt}/server/src/config/types.ts`);
const { toDiagnostic, DiagnosticReuse } = await import(`${wt}/server/src/lsp/diagnostics.ts`);
const { frameMessage } = await import(`${wt}/server/src/lsp/stdioWriter.ts`);
const { EDITS, generateMigration } = await import(`${wt}/bench/migration.mjs`);
const { random } = await import(`${wt}/bench/lsp-latency.mjs`);
await initEngine();
const { text, lines: source, editable } = generateMigration(lines);
let doc = TextDocument.create('file:///tmp/pubbench/V1__bench.sql', 'sql', 1, text);
const linter = new DocumentLinter(() => {});
linter.lint(doc, '/tmp/pubbench/V1__bench.sql', DEFAULT_CONFIG);
const reuse = new DiagnosticReuse();
const next = random(42);
const parts: number[][] = [];
const oldMs: number[] = [], newMs: number[] = [];
let reused = 0, total = 0;
const ed = editable[kind];
for (let n = 0; n < edits; n++) {
  const line = ed[Math.floor(next() * ed.length)];
  const before = source[line]; const after = EDITS[kind].edit(before, n); source[line] = after;
  doc = TextDocument.update(doc, [{ range: { start: { line, character: 0 }, end: { line, character: before.length } }, text: after }], doc.version + 1);
  const { findings } = linter.lint(doc, '/tmp/pubbench/V1__bench.sql', DEFAULT_CONFIG);
  const shown = findings.slice(0, 1000);
  const publishOf = (diagnostics: unknown[]) => ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: doc.uri, version: doc.version, diagnostics } });
  // Old: toDiagnostic per finding, JSON.stringify of the message, Buffer.from, a header.
  const prev = n > 0 ? (globalThis as any).__prev : undefined;
  const runOld = () => {
    const t = performance.now();
    const body = Buffer.from(JSON.stringify(publishOf(shown.map((f: any) => toDiagnostic(f, doc)))), 'utf8');
    const head = Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii');
    oldMs.push(performance.now() - t);
    return { body, head };
  };
  let diagnostics: any[] = [];
  const runNew = () => {
    const t = performance.now();
    diagnostics = reuse.convert(shown, doc);
    const ta = performance.now();
    const bytes = frameMessage(publishOf(diagnostics) as any);
    parts.push([ta - t, performance.now() - ta]);
    newMs.push(performance.now() - t);
    return bytes;
  };
  let oldOut: { body: Buffer; head: Buffer }, newBytes: Buffer;
  if (n % 2) { oldOut = runOld(); newBytes = runNew(); } else { newBytes = runNew(); oldOut = runOld(); }
  const oldBytes = oldOut.body, header = oldOut.head;
  if (n > 0) { reused += diagnostics.filter((d: unknown) => prev.has(d)).length; total += diagnostics.length; }
  (globalThis as any).__prev = new Set(diagnostics);
  if (newBytes.byteLength !== oldBytes.byteLength + header.byteLength) throw new Error('size differs');
  if (JSON.stringify(JSON.parse(newBytes.subarray(header.byteLength).toString())) !== JSON.stringify(JSON.parse(oldBytes.toString()))) throw new Error('content differs');
}
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)].toFixed(3);
console.log(`now, p50: convert ${pct(parts.map((x) => x[0]), 50)} ms, frame ${pct(parts.map((x) => x[1]), 50)} ms`);
console.log(JSON.stringify({ lines, kind, edits, diagnostics: total / Math.max(1, edits - 1), reusedShare: (reused / Math.max(1, total)).toFixed(3), old: { p50: pct(oldMs, 50), p95: pct(oldMs, 95) }, new: { p50: pct(newMs, 50), p95: pct(newMs, 95) } }));
