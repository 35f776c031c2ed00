/**
 * Entry point of dist/server.js. The transport comes from argv:
 * `--stdio` (tests, other editors) or `--node-ipc` (the VS Code client).
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { countingMessages } from './messageCount';
import { startServer } from './server';
import { describeError } from './documentLinter';
import { consoleToClient, StdioMessageWriter } from './stdioWriter';

/**
 * `--stdio`: our writer (one write per message, stdioWriter.ts). vscode-languageserver takes a
 * MessageWriter where its typings say output stream (createMessageConnection tells them apart), and
 * still reads stdin itself, exiting when it closes. Other transports: chosen by the library from argv.
 */
const stdio = process.argv.includes('--stdio');
const connection = stdio
  ? createConnection(ProposedFeatures.all, process.stdin, new StdioMessageWriter(process.stdout) as unknown as NodeJS.WritableStream, countingMessages)
  : createConnection(ProposedFeatures.all, countingMessages);
if (stdio) consoleToClient(connection.console);

// Last line of defence: a stray async error is logged, never fatal.
process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${describeError(error)}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${describeError(reason)}`));

startServer(connection);
