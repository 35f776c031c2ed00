/**
 * Arguments shared by `lockstep run` and `lockstep watch`: the database, the kill switch's limits
 * and the report format. Durations take `ms` or `s` (`2s`, `500ms`; a bare number is milliseconds).
 */
import { DEFAULT_WATCH_LIMITS, type WatchLimits } from '../run/watch';
import { RUN_FORMATS, type RunFormat } from '../run/report';

export interface ParsedArgs {
  values: Map<string, string>;
  flags: Set<string>;
  operands: string[];
  /** Everything after `--` (watch: the command to run). */
  rest: string[];
}

export function parseGuardArgs(argv: string[], valueOptions: readonly string[], flagOptions: readonly string[]): ParsedArgs | { error: string } {
  const parsed: ParsedArgs = { values: new Map(), flags: new Set(), operands: [], rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      parsed.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('--')) {
      parsed.operands.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (flagOptions.includes(name) && eq < 0) parsed.flags.add(name);
    else if (valueOptions.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') return { error: `${name} needs a value` };
      parsed.values.set(name, value);
    } else return { error: `unknown option ${name}` };
  }
  return parsed;
}

/** `2s`, `1.5s`, `500ms`, `500` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
}

const SIZE_UNITS: Record<string, number> = { '': 1, B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** `16MB`, `512kB`, `1GB`, `4096` → bytes (PostgreSQL's units: 1kB = 1024 bytes); undefined otherwise. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*(B|kB|MB|GB)?$/.exec(text.trim());
  return m ? Number(m[1]) * SIZE_UNITS[m[2] ?? ''] : undefined;
}

export function parseCount(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

export const WATCH_VALUE_OPTIONS = ['--db', '--max-queue-wait', '--max-queue', '--events'] as const;
export const WATCH_FLAG_OPTIONS = ['--terminate', '--no-kill-switch', '--help'] as const;

export const WATCH_OPTIONS_HELP = `  --db <url>             postgres://user@host:5432/dbname (default: PG* variables, then DATABASE_URL)
  --max-queue-wait <d>   cancel once a session queued behind the migration waited this long (default 5s)
  --max-queue <n>        … or once more than n sessions queue behind it (default 20)
  --terminate            terminate the migration's session instead of cancelling its statement
  --no-kill-switch       only watch and report; never cancel
  --events json          progress as JSON lines on stderr (for an editor): each event,
                         each 250 ms sample, and a last {"type":"done"} line; stdin then
                         takes commands: "cancel" cancels the migration's statement now`;

export function watchLimitsFrom(args: ParsedArgs): { limits: WatchLimits; killSwitch: boolean; format: RunFormat; jsonEvents: boolean } | { error: string } {
  const limits = { ...DEFAULT_WATCH_LIMITS, terminate: args.flags.has('--terminate') };
  const wait = args.values.get('--max-queue-wait');
  if (wait !== undefined) {
    const ms = parseDuration(wait);
    if (ms === undefined || ms <= 0) return { error: `--max-queue-wait must be a duration such as 5s or 500ms, got "${wait}"` };
    limits.maxQueueWaitMs = ms;
  }
  const queue = args.values.get('--max-queue');
  if (queue !== undefined) {
    const n = parseCount(queue);
    if (n === undefined) return { error: `--max-queue must be a whole number, got "${queue}"` };
    limits.maxQueue = n;
  }
  const format = (args.values.get('--format') ?? 'text') as RunFormat;
  if (!(format in RUN_FORMATS)) return { error: `--format must be one of ${Object.keys(RUN_FORMATS).join(', ')}` };
  const events = args.values.get('--events');
  if (events !== undefined && events !== 'json') return { error: `--events takes only json, got "${events}"` };
  return { limits, killSwitch: !args.flags.has('--no-kill-switch'), format, jsonEvents: events === 'json' };
}

/** Hosts where a mistake costs nothing: anything else needs `--yes`. */
export function looksLocal(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1' || host.startsWith('/');
}
