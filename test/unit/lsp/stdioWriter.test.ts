/** The --stdio transport's writer (lsp/stdioWriter.ts): one write per message, each Diagnostic serialized once. */
import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import type { Diagnostic, NotificationMessage } from 'vscode-languageserver/node';
import { consoleToClient, frameMessage, frameStats, StdioMessageWriter } from '../../../server/src/lsp/stdioWriter';

function diagnostic(message: string, line: number): Diagnostic {
  return { range: { start: { line, character: 0 }, end: { line, character: 5 } }, severity: 2, code: 'rule', source: 'lockstep', message: message };
}

/** The body of the framed message, checking its header. */
function encodeMessage(message: unknown): string {
  const [header, body] = frameMessage(message as NotificationMessage).toString('utf8').split('\r\n\r\n');
  assert.equal(header, `Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
  return body;
}

function publish(diagnostics: unknown[], version?: number): NotificationMessage {
  return { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///m/V1__a%20b.sql', version, diagnostics } };
}

/** A stream that keeps each write's bytes. */
function recorder(): { stream: Writable; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, writes };
}

describe('StdioMessageWriter', () => {
  it('writes each message once, its Content-Length header and UTF-8 body together', async () => {
    const { stream, writes } = recorder();
    const writer = new StdioMessageWriter(stream);
    const messages = [publish([diagnostic('é and 漢字 and 🙂', 1)], 3), { jsonrpc: '2.0', id: 7, result: { contents: 'hover' } }];
    for (const message of messages) await writer.write(message);
    assert.equal(writes.length, 2, 'one write per message, not a header write then a body write');
    writes.forEach((bytes, i) => {
      const text = bytes.toString('utf8');
      const [header, body] = text.split('\r\n\r\n');
      assert.equal(header, `Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
      assert.deepEqual(JSON.parse(body), messages[i]);
    });
  });

  it('a failed write rejects and reports the error', async () => {
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(new Error('pipe closed')) });
    stream.on('error', () => {});
    const writer = new StdioMessageWriter(stream);
    const errors: Error[] = [];
    writer.onError(([error]) => errors.push(error));
    await assert.rejects(writer.write(publish([])), /pipe closed/);
    assert.ok(errors.some((e) => /pipe closed/.test(e.message)));
  });
});

describe('frameMessage', () => {
  it('a publishDiagnostics encodes to the same JSON value as JSON.stringify, with or without a version', () => {
    for (const message of [publish([diagnostic('a "quoted" \\ message, é 漢字 🙂', 0), diagnostic('b', 2)], 4), publish([diagnostic('c', 1)]), publish([])]) {
      assert.deepEqual(JSON.parse(encodeMessage(message)), JSON.parse(JSON.stringify(message)));
    }
  });

  it('serializes each Diagnostic object once: the same object published again is not read again', () => {
    let reads = 0;
    const counted = (text: string) => {
      const d = diagnostic(text, 0);
      return Object.defineProperty(d, 'message', { enumerable: true, get: () => (reads++, text) });
    };
    const kept = counted('kept');
    encodeMessage(publish([kept], 1));
    assert.equal(reads, 1);
    const again = JSON.parse(encodeMessage(publish([kept, counted('new')], 2)));
    assert.equal(reads, 2, 'only the new diagnostic was serialized');
    assert.deepEqual(again.params.diagnostics.map((d: Diagnostic) => d.message), ['kept', 'new']);
  });

  it('other messages, and a publish with a non-object entry, are plain JSON.stringify', () => {
    const odd = publish([diagnostic('a', 0), null]);
    assert.equal(encodeMessage(odd), JSON.stringify(odd));
    const request = { jsonrpc: '2.0', id: 1, method: 'workspace/configuration', params: { items: [{ section: 'lockstep' }] } };
    assert.equal(encodeMessage(request), JSON.stringify(request));
  });
});

describe('consoleToClient', () => {
  const saved = { ...console };
  afterEach(() => Object.assign(console, saved));

  it('sends console output to the client log (a console.log on stdout would corrupt the stream)', () => {
    const got: string[] = [];
    const remote = { log: (m: string) => got.push(`log ${m}`), info: (m: string) => got.push(`info ${m}`), warn: (m: string) => got.push(`warn ${m}`), error: (m: string) => got.push(`error ${m}`) };
    consoleToClient(remote);
    console.log('a', { b: 1 });
    console.info('i');
    console.warn('w');
    console.error('e');
    console.assert(false, 'failed');
    Object.assign(console, saved);
    assert.deepEqual(got, ['log a { b: 1 }', 'info i', 'warn w', 'error e', 'warn Assertion failed: failed']);
  });
});

describe('frameMessage copies runs of diagnostics published side by side', () => {
  const many = (from: number, count: number) => Array.from({ length: count }, (_, i) => diagnostic(`d${from + i} é 🙂`, from + i));
  const exactFrame = (message: NotificationMessage) => {
    const body = JSON.stringify(message);
    return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
  };

  it('an edit that replaces one of 800 diagnostics copies the rest in two runs, and the bytes are JSON.stringify’s', () => {
    const first = many(0, 800);
    assert.equal(frameMessage(publish(first, 1)).toString('utf8'), exactFrame(publish(first, 1)));
    assert.equal(frameStats.diagnosticCopies, 800, 'first publish: each diagnostic’s own bytes');
    const second = [...first];
    second[400] = diagnostic('changed', 400);
    assert.equal(frameMessage(publish(second, 2)).toString('utf8'), exactFrame(publish(second, 2)));
    assert.equal(frameStats.diagnosticCopies, 3, 'the run before, the new diagnostic, the run after');
    const third = [diagnostic('inserted', 0), ...second.slice(0, 10), ...second.slice(20)];
    assert.equal(frameMessage(publish(third, 3)).toString('utf8'), exactFrame(publish(third, 3)));
    assert.equal(frameStats.diagnosticCopies, 3, 'the new one, the run of 10, the run from 20 on');
    assert.equal(frameMessage(publish(third, 4)).toString('utf8'), exactFrame(publish(third, 4)));
    assert.equal(frameStats.diagnosticCopies, 1, 'the same list again: one run');
    const repeated = [...third, third[5]]; // one object twice: still the exact bytes
    assert.equal(frameMessage(publish(repeated, 5)).toString('utf8'), exactFrame(publish(repeated, 5)));
  });

  it('frames an empty list and other messages exactly', () => {
    assert.equal(frameMessage(publish([], 5)).toString('utf8'), exactFrame(publish([], 5)));
    const response = { jsonrpc: '2.0', id: 9, result: { contents: 'é 🙂' } } as unknown as NotificationMessage;
    assert.equal(frameMessage(response).toString('utf8'), exactFrame(response));
  });
});

describe('StdioMessageWriter reuses a document’s frame memory', () => {
  const many = (tag: string, count: number) => Array.from({ length: count }, (_, i) => diagnostic(`${tag}${i} é 🙂`, i));
  const exactFrame = (message: NotificationMessage) => {
    const body = JSON.stringify(message);
    return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
  };

  it('alternates two buffers per document once their writes are done, and every write is exact', async () => {
    const { stream, writes } = recorder();
    const writer = new StdioMessageWriter(stream);
    const a = many('a', 300);
    const b = many('b', 200);
    const c = many('c', 250);
    const lists = [[], a, b, c, a, [...a.slice(0, 100), ...c], a, []]; // the first empty one frees earlier tests' buffers
    const reused: boolean[] = [];
    for (const [i, list] of lists.entries()) {
      await writer.write(publish(list, i));
      reused.push(frameStats.reusedMemory);
    }
    // a and b fill the two buffers; c (smaller than a) writes over a's, whose bytes are gone, so a is
    // serialized again next, into a new buffer (b's was too small), as is the longer list after it;
    // a again fits the buffer it had. The last (empty) publish frees them.
    assert.deepEqual(reused, [false, false, false, true, false, false, true, false]);
    writes.forEach((bytes, i) => assert.equal(bytes.toString('utf8'), exactFrame(publish(lists[i], i)), `write ${i}`));
  });

  it('a frame whose other buffer is still being written gets a buffer of its own, and the bytes stay exact', async () => {
    const pending: (() => void)[] = [];
    const writes: Buffer[] = [];
    const stream = new Writable({
      highWaterMark: 1 << 24,
      write(chunk: Buffer, _encoding, done) {
        writes.push(Buffer.from(chunk));
        pending.push(done);
      },
    });
    const writer = new StdioMessageWriter(stream);
    const lists = [[], many('x', 100), many('y', 100), many('z', 100)];
    const written = lists.map((list, i) => writer.write(publish(list, i)));
    const reused = frameStats.reusedMemory;
    // The stream takes one write at a time: finish each as it arrives.
    while (writes.length < 4 || pending.length > 0) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(written);
    assert.equal(reused, false, 'the first frame’s buffer was still being written');
    writes.forEach((bytes, i) => assert.equal(bytes.toString('utf8'), exactFrame(publish(lists[i], i)), `write ${i}`));
  });
});
