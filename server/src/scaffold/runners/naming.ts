/**
 * File names that continue the workspace's existing sequence, per runner: the next Flyway
 * version, the next golang-migrate/goose number (same width) or timestamp, dbmate and Diesel
 * timestamps later than any existing one, plain numbered SQL.
 */
import type { RunnerId } from '../../config/types';

export interface Existing {
  /** File and folder names directly inside the migrations folder (Sqitch: paths under deploy/). */
  names: string[];
}

/** Versions for `count` new migrations, in order. */
export function nextVersions(runner: RunnerId, existing: Existing, count: number, now: Date): string[] {
  switch (runner) {
    case 'flyway':
      return sequence(existing.names.map((n) => /^V(\d+)(?:[._]\d+)*__/i.exec(n)?.[1]), count, now, 1);
    case 'golang-migrate':
      return sequence(existing.names.map((n) => /^(\d+)_.+\.(?:up|down)\.sql$/i.exec(n)?.[1]), count, now, 6);
    case 'goose':
      return sequence(existing.names.map((n) => /^(\d+)_.+\.sql$/i.exec(n)?.[1]), count, now, 14, true);
    case 'dbmate':
    case 'prisma':
      return timestamps(existing.names.map((n) => /^(\d{14})_/.exec(n)?.[1]), count, now, compact);
    case 'diesel': {
      const found = existing.names.map((n) => /^(\d{4})-(\d{2})-(\d{2})-(\d{6})(-\d{4})?_/.exec(n)).filter(Boolean) as RegExpExecArray[];
      const withSuffix = found.some((m) => m[5]);
      return timestamps(
        found.map((m) => `${m[1]}${m[2]}${m[3]}${m[4]}`),
        count,
        now,
        (d) => {
          const c = compact(d);
          return `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}-${c.slice(8)}${withSuffix ? '-0000' : ''}`;
        },
      );
    }
    // Runners without a scaffold writer of their own (yet) get plain numbered SQL.
    case 'plain':
    default:
      return sequence(existing.names.map((n) => /^(\d+)[_-].+\.sql$/i.exec(n)?.[1]), count, now, 4);
    case 'sqitch':
      return Array.from({ length: count }, () => '');
  }
}

/**
 * Continue a numeric sequence: timestamps stay timestamps (14 digits, later than the last), short
 * numbers count up keeping their zero-padding. With nothing to go by, `timestampByDefault`
 * (goose's own default) or numbers padded to `width`.
 */
function sequence(found: Array<string | undefined>, count: number, now: Date, width: number, timestampByDefault = false): string[] {
  const versions = found.filter((v): v is string => !!v);
  const isTimestamp = (v: string) => v.length >= 12;
  if (versions.length ? versions.some(isTimestamp) : timestampByDefault && width === 14) {
    return timestamps(versions.filter(isTimestamp), count, now, compact);
  }
  const padding = versions.length ? Math.max(...versions.map((v) => (v.startsWith('0') ? v.length : 1))) : width;
  let last = versions.length ? Math.max(...versions.map(Number)) : 0;
  return Array.from({ length: count }, () => String(++last).padStart(padding, '0'));
}

/** One second apart, starting now or just after the latest existing timestamp. */
function timestamps(found: Array<string | undefined>, count: number, now: Date, format: (d: Date) => string): string[] {
  const latest = found.filter((v): v is string => !!v).map(parseCompact).filter((d) => !Number.isNaN(d));
  let t = Math.max(Math.floor(now.getTime() / 1000) * 1000, ...latest.map((d) => d + 1000));
  return Array.from({ length: count }, () => {
    const v = format(new Date(t));
    t += 1000;
    return v;
  });
}

function compact(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function parseCompact(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v.slice(0, 14));
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}
