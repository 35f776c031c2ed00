/**
 * Runs a sliced computation (a generator that yields between statements, see
 * document/model.ts buildDocumentSteps) on the language server's only thread without holding it:
 * after each SLICE_MS of work it lets the event loop answer whatever came in (a hover, a cancel, an
 * edit), then goes on only if the work is still wanted.
 *
 * Sliced computations take turns: one slice runs, then the event loop, then the next one's slice.
 * Had each yielded on its own, every one of them would run a slice in the same turn of the event
 * loop, and a request would wait for all of their slices (several documents opened or edited at
 * once, or re-linted together after a settings change).
 */
import { performance } from 'node:perf_hooks';
import { messagesHandled } from './messageCount';

/** Longest stretch of lint work between two looks at the event loop. */
export const SLICE_MS = 8;

/** Whether a computation holds the turn, and who waits for it, in order. */
let turnTaken = false;
const waitingForTurn: (() => void)[] = [];

function takeTurn(): Promise<void> {
  if (!turnTaken) {
    turnTaken = true;
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => waitingForTurn.push(resolve));
}

/** Hands the turn to the next waiter once the messages that came in are answered (afterMessages). */
function passTurn(): void {
  const next = waitingForTurn.shift();
  if (next) void afterMessages().then(next);
  else turnTaken = false;
}

/** A bound on the pause: a client sending without end must not stop the work for ever. */
const MAX_PAUSE_TURNS = 64;

/**
 * Pauses until the connection has taken every message that came in. Each round is two turns of
 * the event loop: the first lets the poll phase read what arrived; vscode-jsonrpc takes one
 * message per turn (a setImmediate queued then, which runs in the same check phase but after this
 * continuation), the second lets its handler (a hover) answer. A round in which no message was
 * taken means none is waiting (messageCount.ts).
 */
async function afterMessages(): Promise<void> {
  for (let round = 0; round < MAX_PAUSE_TURNS; round++) {
    const before = messagesHandled();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (messagesHandled() === before) return;
  }
}

/** The computation's result, or undefined when `wanted()` turned false at a pause (the rest is never run). */
export async function runSliced<T>(steps: Generator<void, T>, wanted: () => boolean, sliceMs = SLICE_MS): Promise<T | undefined> {
  await takeTurn();
  try {
    let sliceStart = performance.now();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (performance.now() - sliceStart < sliceMs) continue;
      passTurn();
      await afterMessages();
      await takeTurn();
      if (!wanted()) {
        steps.return(undefined as T);
        return undefined;
      }
      sliceStart = performance.now();
    }
  } finally {
    passTurn();
  }
}
