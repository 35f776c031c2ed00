/**
 * `lockstep lint`'s output gathered into writes of about a megabyte (a write per file would be a
 * system call per file). Where the output takes bytes (`CliIO.writeOutBytes`: the process's stdout),
 * each piece is encoded into the megabyte as it comes and is garbage at once; gathered as strings
 * (a test's buffer) the pieces were kept until the flush: they outlived the young generation and were
 * copied into the old one (most of a 20,000-file folder's 72 MB report), then joined and encoded again.
 */
import type { CliIO } from './run';

export interface BufferedOut {
  write(piece: string): void;
  /** Hands what is gathered to the output now. */
  flush(): void;
  /** How many flushes so far: the lint waits for the output to drain after each one. */
  flushes(): number;
}

/** About a megabyte per write (in bytes, or in UTF-16 units when the output takes strings). */
export const WRITE_PIECE_SIZE = 1 << 20;

export function bufferedOut(io: Pick<CliIO, 'writeOut' | 'writeOutBytes'>, size = WRITE_PIECE_SIZE): BufferedOut {
  return io.writeOutBytes ? bytesOut(io.writeOutBytes, size) : stringsOut(io.writeOut, size);
}

const encoder = new TextEncoder();

function bytesOut(writeBytes: (bytes: Uint8Array) => void, size: number): BufferedOut {
  // A UTF-8 character takes up to 4 bytes: a smaller buffer could never take the next one.
  const capacity = Math.max(size, 4);
  let buffer = Buffer.allocUnsafe(capacity);
  let used = 0;
  let flushes = 0;
  const flush = () => {
    if (used > 0) {
      writeBytes(buffer.subarray(0, used));
      // A new buffer: the written one may still wait in the stream's queue.
      buffer = Buffer.allocUnsafe(capacity);
      used = 0;
    }
    flushes++;
  };
  return {
    flushes: () => flushes,
    write(piece) {
      let rest = piece;
      for (;;) {
        // Whole characters only: a surrogate pair is never cut between two writes.
        const { read, written } = encoder.encodeInto(rest, used === 0 ? buffer : buffer.subarray(used));
        used += written;
        if (read === rest.length) return;
        rest = rest.slice(read);
        flush();
      }
    },
    flush,
  };
}

function stringsOut(writeOut: (text: string) => void, size: number): BufferedOut {
  let pending: string[] = [];
  let length = 0;
  let flushes = 0;
  const flush = () => {
    if (pending.length) writeOut(pending.join(''));
    pending = [];
    length = 0;
    flushes++;
  };
  return {
    flushes: () => flushes,
    write(piece) {
      pending.push(piece);
      length += piece.length;
      if (length >= size) flush();
    },
    flush,
  };
}
