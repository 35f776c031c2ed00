/**
 * Counts the messages the connection has handed to their handlers. vscode-jsonrpc takes one queued
 * message per turn of the event loop, so long work that pauses for one turn lets one message in
 * per pause: a hover behind an open, a change and three other requests waited five slices. Work
 * that pauses (slicedLint.ts) keeps pausing while messages are still being taken.
 */
import type { ConnectionOptions } from 'vscode-languageserver/node';

let handled = 0;

/** Messages handed to handlers so far. */
export function messagesHandled(): number {
  return handled;
}

/** The connection option that counts them (main.ts). */
export const countingMessages: ConnectionOptions = {
  messageStrategy: {
    handleMessage(message, next) {
      handled++;
      next(message);
    },
  },
};
