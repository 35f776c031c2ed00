/**
 * The `--stdio` transport's message writer. vscode-jsonrpc's stream writer sends a message in two
 * writes, its header and then, once that write's callback ran, its body: two system calls, two
 * wake-ups of the client (who reads a header and waits again), and a turn of the event loop
 * between them. After an edit of a 300-line migration that was about a third of the server's time
 * from the edit to its diagnostics. This writer frames each message in one buffer, written once.
 *
 * It also keeps the JSON of each published Diagnostic object: DiagnosticReuse (diagnostics.ts)
 * hands out the same objects again for the findings an edit left as they were, so a 20,000-line
 * migration's ~800 diagnostics are not serialized again on every edit, only the changed ones.
 */
import { inspect } from 'node:util';
import { AbstractMessageWriter, PublishDiagnosticsNotification, type Diagnostic, type Message, type MessageWriter, type RemoteConsole } from 'vscode-languageserver/node';

/**
 * The memory a document's frames are written to. A new 375 KB buffer per publish cost page faults
 * on every edit of a 20,000-line migration, so each document keeps two and alternates: the frame
 * before last's memory is written over once its write is done. `generation` counts the reuses, so
 * bytes placed there before are known to be gone.
 */
interface FrameMemory {
  bytes: Buffer;
  generation: number;
  writing: boolean;
}

/**
 * Where a Diagnostic's JSON, as UTF-8, was last written: bytes [start, end) of `buffer`, valid while
 * `memory` (undefined for the diagnostic's own buffer) is at `generation`. It moves to each frame
 * the diagnostic is copied into, so diagnostics published in the same order as last time lie side
 * by side, commas included, and are copied as one run.
 */
interface Placed {
  buffer: Buffer;
  memory: FrameMemory | undefined;
  generation: number;
  start: number;
  end: number;
}

/** Each Diagnostic object's bytes: a published Diagnostic is never changed (DiagnosticReuse makes a new one). */
const diagnosticBytes = new WeakMap<Diagnostic, Placed>();

function placedOf(diagnostic: Diagnostic): Placed {
  const placed = diagnosticBytes.get(diagnostic);
  if (placed !== undefined && (placed.memory === undefined || placed.memory.generation === placed.generation)) return placed;
  const buffer = Buffer.from(JSON.stringify(diagnostic), 'utf8');
  const own = { buffer, memory: undefined, generation: 0, start: 0, end: buffer.length };
  diagnosticBytes.set(diagnostic, own);
  return own;
}

/** Per document URI: its two frame memories and which one its last frame used. */
const framesOf = new Map<string, { memories: (FrameMemory | undefined)[]; last: number }>();

/** The memory for `uri`'s next frame, its old contents marked gone; undefined if the other one is still being written. */
function memoryFor(uri: string): FrameMemory | undefined {
  let frames = framesOf.get(uri);
  if (frames === undefined) framesOf.set(uri, (frames = { memories: [undefined, undefined], last: 1 }));
  const slot = 1 - frames.last;
  frames.last = slot;
  let memory = frames.memories[slot];
  if (memory?.writing) return undefined; // a slow reader: this frame gets a buffer of its own
  if (memory === undefined) frames.memories[slot] = memory = { bytes: Buffer.alloc(0), generation: 0, writing: false };
  memory.generation++;
  return memory;
}

/** What the last framed publishDiagnostics did: copies of its diagnostics' bytes (one per run), and whether its buffer was reused. */
export const frameStats = { diagnosticCopies: 0, reusedMemory: false };

/** A framed message, and the memory it was written to (to be marked free once the write is done). */
export interface Frame {
  bytes: Buffer;
  memory?: FrameMemory;
}

/** The bytes may lie in the document's frame memory: use them before framing two more publishes for that document. */
export function frameMessage(message: Message): Buffer {
  return frame(message).bytes;
}

/**
 * A message as it goes on the wire, in one buffer: the Content-Length header and the JSON body in
 * UTF-8. A publishDiagnostics is assembled from its diagnostics' kept bytes: no JSON text of the
 * whole message (~375 KB for 800 diagnostics), and the diagnostics that were published side by side
 * last time (after an edit, nearly all of them) are copied in a few runs, not one call each.
 */
export function frame(message: Message): Frame {
  const { method, params } = message as { method?: string; params?: { uri?: unknown; diagnostics?: unknown } };
  const diagnostics = params?.diagnostics;
  if (method !== PublishDiagnosticsNotification.method || !Array.isArray(diagnostics) || !diagnostics.every(isObject)) {
    return { bytes: framed([JSON.stringify(message)], [], undefined) };
  }
  const envelope = JSON.stringify({ ...message, params: undefined }); // {"jsonrpc":"2.0","method":"…"}
  const others = JSON.stringify({ ...params, diagnostics: undefined }); // {"uri":"…","version":2} or {}
  const paramsStart = others.length > 2 ? `${others.slice(0, -1)},` : '{';
  const uri = typeof params?.uri === 'string' ? params.uri : undefined;
  if (uri !== undefined && diagnostics.length === 0) framesOf.delete(uri); // closed, or clean: nothing to keep
  // The memory first: placements into it are gone from here on, so none is read while it is written.
  const memory = uri !== undefined && diagnostics.length > 0 ? memoryFor(uri) : undefined;
  const bytes = framed([`${envelope.slice(0, -1)},"params":${paramsStart}"diagnostics":[`, ']}}'], diagnostics.map(placedOf), memory);
  return { bytes, memory };
}

function isObject(value: unknown): value is Diagnostic {
  return typeof value === 'object' && value !== null;
}

/** The header, then `head`, the diagnostics' bytes separated by commas, and `tail`, in one buffer (in `memory` if given). */
function framed([head, tail = '']: readonly string[], diagnostics: readonly Placed[], memory: FrameMemory | undefined): Buffer {
  let length = Buffer.byteLength(head, 'utf8') + Buffer.byteLength(tail, 'utf8') + Math.max(diagnostics.length - 1, 0);
  for (const placed of diagnostics) length += placed.end - placed.start;
  const header = `Content-Length: ${length}\r\n\r\n`;
  const total = header.length + length;
  frameStats.reusedMemory = memory !== undefined && memory.bytes.length >= total;
  // Room to grow by an eighth, so a document whose diagnostics grow a little keeps its memory.
  if (memory !== undefined && !frameStats.reusedMemory) memory.bytes = Buffer.allocUnsafe(total + (total >> 3));
  const bytes = memory !== undefined ? memory.bytes.subarray(0, total) : Buffer.allocUnsafe(total);
  let at = bytes.write(header, 0, 'ascii');
  at += bytes.write(head, at, 'utf8');
  frameStats.diagnosticCopies = 0;
  // A run: diagnostics[from, i) lie side by side, commas between, in one buffer.
  let from = 0;
  for (let i = 1; i <= diagnostics.length; i++) {
    const previous = diagnostics[i - 1];
    const next = diagnostics[i];
    if (next !== undefined && next.buffer === previous.buffer && next.start === previous.end + 1 && previous.buffer[previous.end] === COMMA) continue;
    if (from > 0) bytes[at++] = COMMA;
    at = copyRun(diagnostics, from, i, bytes, memory, at);
    from = i;
  }
  bytes.write(tail, at, 'utf8');
  return bytes;
}

const COMMA = 0x2c;

/** Copies diagnostics[from, to) (one run) to `bytes` at `at` and records them there; returns the new end. */
function copyRun(diagnostics: readonly Placed[], from: number, to: number, bytes: Buffer, memory: FrameMemory | undefined, at: number): number {
  const first = diagnostics[from];
  const last = diagnostics[to - 1];
  first.buffer.copy(bytes, at, first.start, last.end);
  frameStats.diagnosticCopies++;
  const shift = at - first.start;
  for (let i = from; i < to; i++) {
    const placed = diagnostics[i];
    placed.start += shift;
    placed.end += shift;
    placed.buffer = bytes;
    placed.memory = memory;
    placed.generation = memory?.generation ?? 0;
  }
  return at + last.end - first.start;
}

export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly output: NodeJS.WritableStream) {
    super();
    output.on('error', (error: Error) => this.fireError(error));
    output.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const failed = (error: unknown) => {
        this.errorCount++;
        this.fireError(error as Error, message, this.errorCount);
        reject(error);
      };
      try {
        const { bytes, memory } = frame(message);
        if (memory) memory.writing = true;
        this.output.write(bytes, (error) => {
          if (memory) memory.writing = false;
          if (error) failed(error);
          else resolve();
        });
      } catch (error) {
        failed(error);
      }
    });
  }

  end(): void {
    this.output.end();
  }
}

/**
 * Over stdio a stray console.log would corrupt the stream: send the console to the client's log
 * instead, as vscode-languageserver does when it opens the stdio transport itself (its own
 * console patch runs only then). assert, count, table and group go through these methods.
 */
export function consoleToClient(remote: Pick<RemoteConsole, 'log' | 'info' | 'warn' | 'error'>): void {
  const text = (args: unknown[]) => args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
  console.log = console.debug = (...args: unknown[]) => remote.log(text(args));
  console.info = (...args: unknown[]) => remote.info(text(args));
  console.warn = (...args: unknown[]) => remote.warn(text(args));
  console.error = (...args: unknown[]) => remote.error(text(args));
  console.dir = (arg: unknown, options?: object) => remote.log(inspect(arg, options));
  console.trace = (...args: unknown[]) => remote.log(`Trace${args.length ? `: ${text(args)}` : ''}\n${new Error().stack?.replace(/(.+\n){2}/, '') ?? ''}`);
}
