/**
 * New migration files the way each runner expects them: the next version number (or timestamp)
 * after the newest migration in the folder, up/down pairs where the runner has them, and the
 * runner's own way of running a file outside a transaction. Shared by the fixes that move
 * statements out of a transaction and by "Split into phases".
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ProjectFacts } from '../document/projectFacts';
import type { LockstepConfig, RunnerId } from '../config/types';
import { analyzeLocks } from '../locks/model';
import { Catalog } from '../catalog/catalog';
import { parseChunk } from '../parse/pgParser';
import type { AstNode } from '../parse/ast';
import type { MigrationFolder, NewFile, Step } from './types';

/** Statements that go into one new migration file, and whether that file may run in a transaction. */
export interface PackedFile {
  steps: Step[];
  transactional: boolean;
}

/** A rendered migration: its files, and which of them holds the SQL that runs (the up file). */
export interface RenderedMigration {
  files: NewFile[];
  upPath: string;
  /** Lockstep cannot see the file's transaction setting (Flyway .conf, Diesel metadata.toml): lint it with `transaction: never`. */
  outsideByMetadata: boolean;
}

/**
 * A runner whose per-migration opt-out lives in a file next to the migration: Flyway's
 * `<script>.sql.conf`, Diesel's `metadata.toml`. Undefined when the file already exists (it may hold
 * other settings Lockstep must not overwrite) or the runner has none.
 */
export function companionOptOut(runner: RunnerId, path: string | undefined): { file: NewFile; facts: Partial<ProjectFacts> } | undefined {
  if (!path) return undefined;
  const base = basename(path);
  const found =
    runner === 'flyway' && /^V\d/i.test(base)
      ? { file: { path: `${path}.conf`, text: 'executeInTransaction=false\n' }, facts: { flywayExecuteInTransaction: false } }
      : runner === 'diesel' && /^up\.sql$/i.test(base)
        ? { file: { path: join(dirname(path), 'metadata.toml'), text: 'run_in_transaction = false\n' }, facts: { dieselRunInTransaction: false } }
        : undefined;
  return found && !existsSync(found.file.path) ? found : undefined;
}

/** Does PostgreSQL let this SQL run inside a transaction block? (Unparsable SQL counts as yes.) */
export function runsInTransaction(sql: string, pgVersion: number): boolean {
  const parsed = parseChunk({ kind: 'sql', span: { start: 0, end: sql.length }, text: sql });
  if (!parsed.ok) return true;
  return parsed.statements.every((s) => analyzeLocks(s.ast as AstNode, { pgVersion, catalog: new Catalog() }).transactional);
}

/**
 * Runners that send a file (or dbmate section) to the server as one query string: without their own
 * transaction, several statements still share an implicit one, so a non-transactional file must hold
 * a single statement (golang-migrate; dbmate `transaction:false`; Diesel `run_in_transaction = false`).
 */
export const ONE_STATEMENT_OUTSIDE: ReadonlySet<RunnerId> = new Set([
  'golang-migrate', 'dbmate', 'diesel', 'prisma', 'postgres-migrations', 'graphile-migrate', 'sqlx',
]);

/** Runners that keep each migration in a folder of its own (`<version>_<name>/<file>`). */
export const FOLDER_PER_MIGRATION: ReadonlySet<RunnerId> = new Set(['diesel', 'prisma']);

/** The first line(s) a runner reads to run a whole file outside its transaction. */
export const HEADER_OPT_OUT: Partial<Record<RunnerId, string>> = {
  goose: '-- +goose NO TRANSACTION',
  'postgres-migrations': '-- postgres-migrations disable-transaction',
  'graphile-migrate': '--! no-transaction',
  sqlx: '-- no-transaction',
  // Atlas reads directives only from a header that a blank line ends.
  atlas: '-- atlas:txmode none\n',
};

/** Can a timeout prelude (a SET) join this file? Not where it would put a lone build in a transaction. */
export function preludeFits(runner: RunnerId, file: PackedFile): boolean {
  return file.transactional || (!ONE_STATEMENT_OUTSIDE.has(runner) && runner !== 'flyway');
}

/** Group steps into files: a new file for every step that needs a fresh or no transaction, and whenever the runner requires it. */
export function packSteps(runner: RunnerId, steps: readonly Step[], pgVersion: number): PackedFile[] {
  const files: PackedFile[] = [];
  for (const step of steps) {
    const current = files[files.length - 1];
    // Joins the current file when it may share its transaction, or when both must run outside one and the
    // runner runs several statements of a file one by one.
    // (Statements that can run in a transaction get one: a later one fails, the earlier ones roll back.)
    const outsideTogether = !current?.transactional && step.tx === 'outside' && !ONE_STATEMENT_OUTSIDE.has(runner) &&
      (runner !== 'flyway' || !runsInTransaction(step.sql, pgVersion));
    // A deferred step opens the later migration it waits for.
    const joinable = current && !step.deferred && ((current.transactional && step.tx === 'same') || outsideTogether);
    if (joinable) current.steps.push(step);
    else files.push({ steps: [step], transactional: step.tx !== 'outside' });
  }
  return files;
}

type VersionStyle = 'sequence' | 'stamp14' | 'unix' | 'diesel';

interface NamePattern {
  /** Parses a sibling (or the document's own) name into its version and description. */
  parse(name: string): { version: string; desc: string } | undefined;
  /** The paths of a new migration, given its version and description. */
  paths(folder: string, version: string, desc: string): MigrationPaths;
}

const NUMBERED = /^(\d+)_(.+)\.sql$/i;
const NAMES: Partial<Record<RunnerId, NamePattern>> = {
  flyway: {
    parse: (n) => {
      const m = /^V(\d+(?:[._]\d+)*)__(.+)\.sql$/i.exec(n);
      return m ? { version: m[1], desc: m[2] } : undefined;
    },
    paths: (f, v, d) => ({ up: join(f, `V${v}__${d}.sql`), conf: join(f, `V${v}__${d}.sql.conf`) }),
  },
  'golang-migrate': {
    parse: (n) => {
      const m = /^(\d+)_(.+)\.(?:up|down)\.sql$/i.exec(n);
      return m ? { version: m[1], desc: m[2] } : undefined;
    },
    paths: (f, v, d) => ({ up: join(f, `${v}_${d}.up.sql`), down: join(f, `${v}_${d}.down.sql`) }),
  },
  goose: numbered(),
  dbmate: numbered(),
  plain: numbered(),
  supabase: numbered(),
  'postgres-migrations': numbered(),
  sqlx: numbered(),
  prisma: {
    // Prisma names a migration folder `<yyyymmddhhmmss>_<name>`; older projects use any prefix (`01_init`).
    parse: (n) => {
      const m = /^(\d+)_(.+)$/.exec(n);
      return m ? { version: m[1], desc: m[2] } : undefined;
    },
    paths: (f, v, d) => ({ up: join(f, `${v}_${d}`, 'migration.sql') }),
  },
  diesel: {
    parse: (n) => {
      // Diesel 2.x appends `-0000` to the timestamp (`2025-10-08-084508-0000_name`).
      const m = /^(\d{4}-\d{2}-\d{2}-\d{6}(?:-\d{4})?|\d+)_(.+)$/.exec(n);
      return m ? { version: m[1], desc: m[2] } : undefined;
    },
    paths: (f, v, d) => ({ up: join(f, `${v}_${d}`, 'up.sql'), down: join(f, `${v}_${d}`, 'down.sql'), metadata: join(f, `${v}_${d}`, 'metadata.toml') }),
  },
};

function numbered(): NamePattern {
  return {
    parse: (n) => {
      const m = NUMBERED.exec(n);
      return m ? { version: m[1], desc: m[2].replace(/\.sql$/i, '') } : undefined;
    },
    paths: (f, v, d) => ({ up: join(f, `${v}_${d}.sql`) }),
  };
}

/** The folder new migrations go in, and the document's own version and description. */
export function migrationSlot(runner: RunnerId, path: string | undefined): { folder: string; version: string; desc: string } | undefined {
  const pattern = NAMES[runner];
  if (!path || !pattern) return undefined;
  const normalized = path.replace(/\\/g, '/');
  const perFolder = FOLDER_PER_MIGRATION.has(runner);
  const own = perFolder ? basename(dirname(normalized)) : basename(normalized);
  const folder = perFolder ? dirname(dirname(normalized)) : dirname(normalized);
  const parsed = pattern.parse(own);
  return parsed ? { folder, ...parsed } : undefined;
}

function styleOf(version: string): VersionStyle {
  if (/^\d{4}-\d{2}-\d{2}-\d{6}(-\d{4})?$/.test(version)) return 'diesel';
  if (/^(19|20)\d{12}$/.test(version)) return 'stamp14';
  if (/^1\d{9}$/.test(version)) return 'unix';
  return 'sequence';
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function stampOf(date: Date, style: 'stamp14' | 'diesel'): string {
  const [y, mo, d, h, mi, s] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  const day = `${pad(y, 4)}${style === 'diesel' ? '-' : ''}${pad(mo, 2)}${style === 'diesel' ? '-' : ''}${pad(d, 2)}`;
  return `${day}${style === 'diesel' ? '-' : ''}${pad(h, 2)}${pad(mi, 2)}${pad(s, 2)}`;
}

function parseStamp(version: string): Date | undefined {
  const digits = version.replace(/-/g, '').slice(0, 14);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(digits);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Versions as number arrays (`1.2` → [1, 2]) compared component by component. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._-]/).map((p) => BigInt(/^\d+$/.test(p) ? p : '0'));
  const pb = b.split(/[._-]/).map((p) => BigInt(/^\d+$/.test(p) ? p : '0'));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0n;
    const y = pb[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The version after `newest`, in the style of `like` (zero padding, separators, timestamps). */
export function nextVersion(newest: string, like: string, now: Date): string {
  const style = styleOf(like);
  if (style === 'stamp14' || style === 'diesel') {
    const last = parseStamp(newest);
    const after = last ? new Date(last.getTime() + 1000) : now;
    const suffix = /-\d{4}$/.test(like) && style === 'diesel' ? like.slice(-5) : '';
    return stampOf(after > now ? after : now, style) + suffix;
  }
  if (style === 'unix') return String(Math.max(Number(newest) + 1, Math.floor(now.getTime() / 1000)));
  // Sequences: bump the last component, keeping its zero padding (`000004` → `000005`, `1.9` → `1.10`).
  // BigInt: versions like 20230920171028000000 are past what a double holds exactly.
  const parts = newest.split(/([._])/);
  const last = parts[parts.length - 1];
  parts[parts.length - 1] = (BigInt(/^\d+$/.test(last) ? last : '0') + 1n).toString().padStart(last.length, '0');
  return parts.join('');
}

/** Paths of one migration: its up file, and the runner's companions. */
export interface MigrationPaths {
  up: string;
  down?: string;
  metadata?: string;
  conf?: string;
}

/**
 * Paths of `count` new migrations after the document, named the runner's way, in order.
 * Undefined when the runner has no file convention Lockstep can follow (Sqitch's plan file, unnumbered names).
 */
export function nextMigrationPaths(
  runner: RunnerId,
  docPath: string | undefined,
  folder: MigrationFolder,
  descs: readonly string[],
): MigrationPaths[] | undefined {
  const slot = migrationSlot(runner, docPath);
  const pattern = NAMES[runner];
  if (!slot || !pattern) return undefined;
  let newest = slot.version;
  for (const sibling of folder.siblings) {
    const parsed = pattern.parse(sibling);
    if (parsed && styleOf(parsed.version) === styleOf(slot.version) && compareVersions(parsed.version, newest) > 0) newest = parsed.version;
  }
  const taken = new Set(folder.siblings);
  const entryOf = (paths: MigrationPaths) => basename(FOLDER_PER_MIGRATION.has(runner) ? dirname(paths.up) : paths.up);
  return descs.map((desc) => {
    let version = nextVersion(newest, slot.version, folder.now);
    // Bounded: a name clash a thousand times over means something odd in the folder; take the last candidate.
    for (let tries = 0; tries < 1000 && taken.has(entryOf(pattern.paths(slot.folder, version, desc))); tries++) {
      version = nextVersion(version, slot.version, folder.now);
    }
    newest = version;
    const paths = pattern.paths(slot.folder, version, desc);
    taken.add(entryOf(paths));
    return paths;
  });
}

/** The document's own paths (for "Split into phases", whose first phase stays in the document). */
export function ownMigrationPaths(runner: RunnerId, docPath: string): MigrationPaths | undefined {
  const slot = migrationSlot(runner, docPath);
  const pattern = NAMES[runner];
  if (!slot || !pattern) return undefined;
  const paths = pattern.paths(slot.folder, slot.version, slot.desc);
  return { ...paths, up: docPath };
}

/** New migrations after the document, one per packed file, in order; undefined when the runner's naming is unknown. */
export function renderMigrations(
  runner: RunnerId,
  docPath: string | undefined,
  folder: MigrationFolder,
  packed: readonly PackedFile[],
  slugs: readonly string[],
  config: LockstepConfig,
): RenderedMigration[] | undefined {
  const paths = nextMigrationPaths(runner, docPath, folder, packed.map((_, i) => slugs[i] ?? 'migration'));
  return paths?.map((p, i) => renderMigration(runner, p, packed[i], config));
}

/** One migration's files: the runner's markers around the steps, and its down/metadata companions. */
export function renderMigration(runner: RunnerId, paths: MigrationPaths, file: PackedFile, config: LockstepConfig): RenderedMigration {
  const up = file.steps.map((s) => (s.deferred ? `-- Run this only after: ${s.deferred}.\n${s.sql.trim()}` : s.sql.trim()));
  const undo = file.steps
    .map((s) => s.undo?.trim())
    .filter((u): u is string => !!u)
    .reverse();
  const files: NewFile[] = [];
  let outsideByMetadata = false;
  switch (runner) {
    case 'goose': {
      const lines = [
        ...(file.transactional ? [] : ['-- +goose NO TRANSACTION']),
        '-- +goose Up',
        ...up.flatMap(gooseStatement),
        ...(undo.length ? ['', '-- +goose Down', ...undo.flatMap(gooseStatement)] : []),
      ];
      files.push({ path: paths.up, text: lines.join('\n') + '\n' });
      break;
    }
    case 'dbmate': {
      // dbmate's option is per section: the down section needs its own when its undo cannot run in a transaction.
      const downOutside = undo.some((sql) => !runsInTransaction(sql, config.pgVersion));
      const lines = [`-- migrate:up${file.transactional ? '' : ' transaction:false'}`, ...up, '', `-- migrate:down${downOutside ? ' transaction:false' : ''}`, ...undo];
      files.push({ path: paths.up, text: lines.join('\n') + '\n' });
      break;
    }
    case 'flyway': {
      files.push({ path: paths.up, text: up.join('\n') + '\n' });
      // Flyway runs a script of only non-transactional statements outside a transaction by itself.
      if (!file.transactional && up.some((sql) => runsInTransaction(sql, config.pgVersion)) && paths.conf) {
        files.push({ path: paths.conf, text: 'executeInTransaction=false\n' });
        outsideByMetadata = true;
      }
      break;
    }
    case 'golang-migrate':
    case 'diesel': {
      files.push({ path: paths.up, text: up.join('\n') + '\n' });
      if (paths.down) files.push({ path: paths.down, text: (undo.length ? undo.join('\n') : '-- Nothing to undo.') + '\n' });
      if (runner === 'diesel' && !file.transactional && paths.metadata) {
        files.push({ path: paths.metadata, text: 'run_in_transaction = false\n' });
        outsideByMetadata = true;
      }
      break;
    }
    default: {
      const header = file.transactional ? undefined : HEADER_OPT_OUT[runner];
      files.push({ path: paths.up, text: [...(header ? [header] : []), ...up].join('\n') + '\n' });
    }
  }
  return { files, upPath: paths.up, outsideByMetadata };
}

/** goose splits at lines ending in `;` unless a statement is fenced with StatementBegin/End. */
export function gooseStatement(sql: string): string[] {
  const lines = sql.split(/\r?\n/);
  const innerSemicolon = lines.slice(0, -1).some((l) => /;\s*$/.test(l));
  return innerSemicolon ? ['-- +goose StatementBegin', sql, '-- +goose StatementEnd'] : [sql];
}
