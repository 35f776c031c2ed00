/**
 * Progress of a scaffolded backfill, read from the NOTICE its procedure raises after every batch
 * (scaffold/engines/common.ts `batchLoop`): "<plan> <step>: up to <key> = <last> of <end>, <n> rows
 * changed, about <p> % of the table". From successive notices: rows per second and an ETA.
 */

export interface BackfillProgress {
  plan: string;
  step: string;
  lastKey: string;
  endKey: string;
  rowsChanged: number;
  percent: number;
  /** Rows changed per second since the first notice of this call (undefined until two notices). */
  rowsPerSecond?: number;
  /** Seconds left at the rate so far (undefined until the percentage has moved). */
  etaSeconds?: number;
}

const NOTICE = /^(\S+) (\S+): up to \S+ = (.*) of (.*), (\d+) rows changed, about (\d+) % of the table$/;

export function parseProgressNotice(message: string): Omit<BackfillProgress, 'rowsPerSecond' | 'etaSeconds'> | undefined {
  const m = NOTICE.exec(message);
  if (!m) return undefined;
  return { plan: m[1], step: m[2], lastKey: m[3], endKey: m[4], rowsChanged: Number(m[5]), percent: Number(m[6]) };
}

/** Turns notices into progress with a rate and an ETA; one tracker per CALL. */
export class ProgressTracker {
  private first: { at: number; rows: number; percent: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  update(message: string): BackfillProgress | undefined {
    const p = parseProgressNotice(message);
    if (!p) return undefined;
    const at = this.now();
    if (!this.first) {
      this.first = { at, rows: p.rowsChanged, percent: p.percent };
      return p;
    }
    const seconds = (at - this.first.at) / 1000;
    const rowsPerSecond = seconds > 0 ? Math.round((p.rowsChanged - this.first.rows) / seconds) : undefined;
    const moved = p.percent - this.first.percent;
    const etaSeconds = seconds > 0 && moved > 0 ? Math.round(((100 - p.percent) * seconds) / moved) : undefined;
    return { ...p, rowsPerSecond, etaSeconds };
  }
}
