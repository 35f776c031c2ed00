#!/usr/bin/env node
// A language server that does no analysis: over stdio, it answers every didOpen and didChange with one
// publishDiagnostics of a fixed array read from a JSON file (Lockstep's own diagnostics for the
// bench's migration, recorded in the same run). Driven by the same client and edits as Lockstep, it
// measures the floor of issue 14's edit-to-diagnostics targets on this machine: Node, the LSP
// library, JSON in both directions and the pipe, with zero work per edit.
// Usage: node bench/echo-server.mjs <diagnostics.json> --stdio
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createConnection, ProposedFeatures, TextDocumentSyncKind } = require('vscode-languageserver/node');

const diagnostics = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const connection = createConnection(ProposedFeatures.all);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } }));
const publish = ({ textDocument: { uri, version } }) => connection.sendDiagnostics({ uri, version, diagnostics });
connection.onDidOpenTextDocument(publish);
connection.onDidChangeTextDocument(publish);
connection.listen();
