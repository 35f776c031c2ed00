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

/** Each Diagnostic object's JSON, as UTF-8: a published Diagnostic is never changed (DiagnosticReuse makes a new one). */
const diagnosticBytes = new WeakMap<Diagnostic, Buffer>();

function bytesOf(diagnostic: Diagnostic): Buffer {
  let bytes = diagnosticBytes.get(diagnostic);
  if (bytes === undefined) diagnosticBytes.set(diagnostic, (bytes = Buffer.from(JSON.stringify(diagnostic), 'utf8')));
  return bytes;
}

/**
 * A message as it goes on the wire, in one buffer: the Content-Length header and the JSON body in
 * UTF-8. A publishDiagnostics is assembled from its diagnostics' kept bytes, copied once into the
 * buffer: no JSON text of the whole message (~375 KB for 800 diagnostics), no second copy of it.
 */
export function frameMessage(message: Message): Buffer {
  const { method, params } = message as { method?: string; params?: { diagnostics?: unknown } };
  const diagnostics = params?.diagnostics;
  if (method !== PublishDiagnosticsNotification.method || !Array.isArray(diagnostics) || !diagnostics.every(isObject)) {
    return framed([JSON.stringify(message)]);
  }
  const envelope = JSON.stringify({ ...message, params: undefined }); // {"jsonrpc":"2.0","method":"…"}
  const others = JSON.stringify({ ...params, diagnostics: undefined }); // {"uri":"…","version":2} or {}
  const paramsStart = others.length > 2 ? `${others.slice(0, -1)},` : '{';
  const parts: (string | Buffer)[] = [`${envelope.slice(0, -1)},"params":${paramsStart}"diagnostics":[`];
  diagnostics.forEach((diagnostic, i) => {
    if (i > 0) parts.push(',');
    parts.push(bytesOf(diagnostic));
  });
  parts.push(']}}');
  return framed(parts);
}

function isObject(value: unknown): value is Diagnostic {
  return typeof value === 'object' && value !== null;
}

/** The header and the body's parts (text, or UTF-8 bytes) in one buffer. */
function framed(parts: readonly (string | Buffer)[]): Buffer {
  let length = 0;
  for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.length;
  const header = `Content-Length: ${length}\r\n\r\n`;
  const bytes = Buffer.allocUnsafe(header.length + length);
  let at = bytes.write(header, 0, 'ascii');
  for (const part of parts) at += typeof part === 'string' ? bytes.write(part, at, 'utf8') : part.copy(bytes, at);
  return bytes;
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
        this.output.write(frameMessage(message), (error) => (error ? failed(error) : resolve()));
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
