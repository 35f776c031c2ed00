// Hover and code-action latency of the language server (dist/server.js --stdio) on a generated
// 20,000-line migration, over standard LSP JSON-RPC: idle (the document linted), and hovers
// while a lint of the whole document runs (an edit at the top that every statement depends on).
// Each request is timed from sending it to receiving its answer.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateMigration } from './migration.mjs';
import { random } from './lsp-latency.mjs';
import { lockstepServerCommand } from './serverCommand.mjs';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

/**
 * @param {{ repo: string, workDir: string, lines: number, requests: number, busyLints: number, resolves?: number }} options
 * `resolves`: how many listed quick-fixes to resolve (each verifies by linting the whole fixed text).
 * Returns latencies (ms): `hover` and `codeAction` (list) and `resolve` idle; `hoverWhileLinting`
 * for hovers sent one after another while each of `busyLints` whole-document lints runs.
 */
export async function measureRequestLatency({ repo, workDir, lines, requests, busyLints, resolves = 3 }) {
  const [exe, args] = lockstepServerCommand(repo);
  const server = spawn(exe, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const published = new Map(); // version → diagnostics
  const waiting = new Map();
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    published.set(params.version, params.diagnostics);
    waiting.get(params.version)?.(params.diagnostics);
  });
  connection.onRequest(() => null);
  connection.onNotification(() => {});
  connection.listen();
  const diagnosticsFor = (version) => (published.has(version) ? Promise.resolve(published.get(version)) : new Promise((resolve) => waiting.set(version, resolve)));
  const timed = async (send) => {
    const start = performance.now();
    await send();
    return performance.now() - start;
  };

  try {
    const rootUri = pathToFileURL(workDir).href;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          codeAction: { dataSupport: true, resolveSupport: { properties: ['edit'] }, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        },
      },
      initializationOptions: { debounceMs: 0 },
    });
    await connection.sendNotification('initialized', {});
    const { text, lines: source } = generateMigration(lines);
    const uri = pathToFileURL(join(workDir, 'V1__requests.sql')).href;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    const diagnostics = await diagnosticsFor(1);
    const statementLines = source.map((l, i) => (/^(CREATE|ALTER|UPDATE|DROP|COMMENT)/.test(l) ? i : -1)).filter((i) => i >= 0);
    const next = random(7);
    const pick = (list) => list[Math.floor(next() * list.length)];

    const hover = [];
    for (let n = 0; n < requests; n++) {
      const line = pick(statementLines);
      hover.push(await timed(() => connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 2 } })));
    }
    const codeAction = [];
    const resolve = [];
    for (let n = 0; n < requests; n++) {
      const d = pick(diagnostics);
      let actions = [];
      codeAction.push(await timed(async () => (actions = await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } }))));
      const lazy = actions.find((a) => !a.edit && a.data);
      if (lazy && resolve.length < resolves) resolve.push(await timed(() => connection.sendRequest('codeAction/resolve', lazy)));
    }

    // Hovers while the document relints: a BEGIN; at the top changes the transaction of every statement.
    const hoverWhileLinting = [];
    let emptyWhileLinting = 0;
    let version = 1;
    for (let n = 0; n < busyLints; n++) {
      version++;
      const linted = diagnosticsFor(version);
      let done = false;
      void linted.then(() => (done = true));
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        // Even: a BEGIN; above everything (every statement now runs in a transaction); odd: removed again.
        contentChanges: [
          n % 2 === 0
            ? { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'BEGIN;\n' }
            : { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' },
        ],
      });
      while (!done) {
        // Line numbers below the insert point are shifted by the BEGIN; line: a statement either way.
        const line = pick(statementLines) + (n % 2 === 0 ? 1 : 0);
        let answer = null;
        const ms = await timed(async () => (answer = await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 2 } })));
        if (done) continue;
        hoverWhileLinting.push(ms);
        // A fast null is no answer: counted, so the latency figures cannot hide empty hovers.
        if (!answer?.contents?.value) emptyWhileLinting++;
      }
      await linted;
    }
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    // Let it exit on its own (a --cpu-prof profile is written at exit), then kill it anyway.
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : (server.once('exit', resolve), setTimeout(resolve, 10_000))));
    return { hover, codeAction, resolve, hoverWhileLinting, emptyWhileLinting, statements: statementLines.length, diagnostics: diagnostics.length };
  } finally {
    connection.dispose();
    server.kill();
  }
}
