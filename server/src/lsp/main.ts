/**
 * Entry point of dist/server.js. The transport comes from argv:
 * `--stdio` (tests, other editors) or `--node-ipc` (the VS Code client).
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { countingMessages } from './messageCount';
import { startServer } from './server';
import { describeError } from './documentLinter';

const connection = createConnection(ProposedFeatures.all, countingMessages);

// Last line of defence: a stray async error is logged, never fatal.
process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${describeError(error)}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${describeError(reason)}`));

startServer(connection);
