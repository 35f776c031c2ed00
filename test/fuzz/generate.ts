/**
 * Hostile and mutated inputs for the fuzz suite, from a seeded generator (a failure reproduces
 * from its seed and case number). Corpus files are read at run time from ../shared/corpus.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** xorshift32: small, fast, reproducible. */
export class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return this.x / 0x100000000;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const CORPUS_DIR = resolve(__dirname, '../../../shared/corpus');

/** Every .sql file of the shared corpus (empty when it is not there). */
export function corpusFiles(dir = CORPUS_DIR): string[] {
  const found: string[] = [];
  const visit = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(d, name);
      try {
        const st = statSync(path);
        if (st.isDirectory()) visit(path);
        else if (st.isFile() && /\.sql$/i.test(name) && st.size < 100_000) found.push(path);
      } catch {
        // unreadable entry: not part of the corpus
      }
    }
  };
  visit(dir);
  return found.sort();
}

const STATEMENTS = [
  'CREATE INDEX i ON t (c);',
  'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;',
  'ALTER TABLE t ALTER COLUMN c TYPE bigint;',
  "UPDATE t SET c = 1 WHERE id = 'x';",
  'BEGIN;',
  'COMMIT;',
  'CREATE INDEX CONCURRENTLY j ON t (c);',
  '-- lockstep-ignore require-concurrent-index: why',
  'DROP TABLE IF EXISTS t CASCADE;',
  "DO $$ BEGIN RAISE NOTICE 'x'; END $$;",
  'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (id);',
  '\\set ON_ERROR_STOP on',
];

export type CaseKind =
  | 'random-bytes'
  | 'nul-bytes'
  | 'invalid-utf8'
  | 'huge-sql'
  | 'deep-nesting'
  | 'unterminated-quote'
  | 'unterminated-dollar'
  | 'unterminated-comment'
  | 'ignore-spam'
  | 'statement-soup'
  | 'mutated-corpus';

export interface FuzzCase {
  n: number;
  kind: CaseKind;
  text: string;
}

export interface GenerateOptions {
  /** Upper bound for the big kinds (huge SQL, deep nesting); the npm-test sample keeps it small. */
  maxBytes: number;
  corpus: string[];
}

function randomBytes(rng: Rng, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = rng.int(256);
  return bytes;
}

/** Bytes decoded the way an editor would hand them over (latin1 keeps every byte; invalid UTF-8 becomes U+FFFD). */
function asText(rng: Rng, bytes: Buffer): string {
  return rng.chance(0.5) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function mutate(rng: Rng, text: string): string {
  let out = text;
  const rounds = 1 + rng.int(6);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0: // flip a character
        out = out.slice(0, at) + String.fromCharCode(rng.int(0x3000)) + out.slice(at + 1);
        break;
      case 1: // delete a run
        out = out.slice(0, at) + out.slice(at + rng.int(200));
        break;
      case 2: // duplicate a run
        out = out.slice(0, at) + out.slice(at, at + rng.int(500)).repeat(1 + rng.int(5)) + out.slice(at);
        break;
      case 3: // insert a hostile token
        out = out.slice(0, at) + rng.pick(["'", '"', '$$', '$x$', '/*', '*/', '--', '\0', ';', '\\', '\uFFFD', '\uD800', 'BEGIN;', '(((((']) + out.slice(at);
        break;
      case 4: // truncate
        out = out.slice(0, at);
        break;
      default: // splice a statement
        out = out.slice(0, at) + rng.pick(STATEMENTS) + out.slice(at);
    }
  }
  return out;
}

export function generateCase(rng: Rng, n: number, options: GenerateOptions): FuzzCase {
  const kinds: CaseKind[] = ['random-bytes', 'nul-bytes', 'invalid-utf8', 'huge-sql', 'deep-nesting', 'unterminated-quote', 'unterminated-dollar', 'unterminated-comment', 'ignore-spam', 'statement-soup'];
  if (options.corpus.length) kinds.push('mutated-corpus', 'mutated-corpus', 'mutated-corpus');
  const kind = rng.pick(kinds);
  const big = () => Math.max(1024, rng.int(options.maxBytes));
  const soup = (count: number) => Array.from({ length: count }, () => rng.pick(STATEMENTS)).join(rng.chance(0.3) ? '' : '\n');
  let text: string;
  switch (kind) {
    case 'random-bytes':
      text = asText(rng, randomBytes(rng, rng.int(4096)));
      break;
    case 'nul-bytes':
      text = soup(5).replace(/ /g, () => (rng.chance(0.2) ? '\0' : ' '));
      break;
    case 'invalid-utf8': {
      const bytes = Buffer.from(soup(8), 'utf8');
      for (let i = 0; i < 20; i++) bytes[rng.int(bytes.length)] = 0x80 + rng.int(0x40);
      text = bytes.toString('utf8');
      break;
    }
    case 'huge-sql': {
      const target = big();
      const unit = soup(20) + '\n';
      text = unit.repeat(Math.ceil(target / unit.length));
      break;
    }
    case 'deep-nesting': {
      const depth = Math.min(50_000, Math.floor(big() / 16));
      text = rng.chance(0.5)
        ? `SELECT ${'('.repeat(depth)}1${')'.repeat(rng.chance(0.5) ? depth : depth >> 1)};`
        : `SELECT * FROM ${'(SELECT * FROM '.repeat(Math.min(depth, 3000))}t${') s'.repeat(Math.min(depth, 3000))};`;
      break;
    }
    case 'unterminated-quote':
      text = `${soup(3)}\nSELECT '${'x'.repeat(rng.int(5000))}\n${soup(3)}`;
      break;
    case 'unterminated-dollar':
      text = `${soup(3)}\nDO $tag$ BEGIN ${'PERFORM 1; '.repeat(rng.int(500))}\n${soup(3)}`;
      break;
    case 'unterminated-comment':
      text = `${soup(3)}\n/* ${'/* nested '.repeat(rng.int(300))}\n${soup(3)}`;
      break;
    case 'ignore-spam':
      text = '-- lockstep-ignore require-concurrent-index: x\nCREATE INDEX i ON t (c);\n'.repeat(1 + rng.int(Math.max(1, Math.floor(big() / 70))));
      break;
    case 'statement-soup':
      text = soup(1 + rng.int(200));
      break;
    case 'mutated-corpus':
      text = mutate(rng, readFileSync(rng.pick(options.corpus), 'utf8'));
      break;
  }
  return { n, kind, text };
}
