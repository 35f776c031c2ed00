/**
 * Every framework extractor, in detection order (the most specific signatures first), and the
 * questions the CLI and the language server ask before they read a host file.
 */
import { alembic } from './alembic';
import { django } from './django';
import { knex } from './knex';
import { kysely } from './kysely';
import { mikroOrm } from './mikroorm';
import { nodePgMigrate } from './nodePgMigrate';
import { ecto } from './ecto';
import { rails } from './rails';
import { sequelize } from './sequelize';
import { typeorm } from './typeorm';
import type { FrameworkExtractor, FrameworkId } from './types';

export const FRAMEWORKS: readonly FrameworkExtractor[] = [typeorm, mikroOrm, sequelize, nodePgMigrate, kysely, knex, django, alembic, rails, ecto];

export function frameworkById(id: FrameworkId): FrameworkExtractor | undefined {
  return FRAMEWORKS.find((f) => f.id === id);
}

function extensionOf(path: string): string {
  const m = /\.[^./\\]+$/.exec(path);
  return m ? m[0].toLowerCase() : '';
}

/** Extensions of the JS/TS frameworks. */
const JS_HOST = /^\.[cm]?[jt]s$/;

/** Files no extractor reads: declaration files, tests, bundles. */
const NOT_MIGRATIONS = /(\.d\.[cm]?ts|\.(test|spec)\.[cm]?[jt]s|\.min\.js)$/i;

/** Could a file with this name be a host-language migration (before reading it)? */
export function isHostPath(path: string): boolean {
  if (NOT_MIGRATIONS.test(path)) return false;
  const ext = extensionOf(path);
  return FRAMEWORKS.some((f) => f.extensions.includes(ext));
}

/** Files larger than this are not read as migrations (a bundle is not a migration). */
export const MAX_HOST_FILE_CHARS = 1_000_000;

/** The framework whose migration this file is, or undefined (most .ts/.js files are not migrations). */
export function detectFramework(path: string | undefined, text: string): FrameworkExtractor | undefined {
  if (path && !isHostPath(path)) return undefined;
  if (text.length > MAX_HOST_FILE_CHARS) return undefined;
  const ext = path ? extensionOf(path) : '';
  // Every JS/TS framework's migration exports or declares an `up` (a cheap filter for the many .ts/.js files that are not migrations).
  if (JS_HOST.test(ext) && !/\bup\b/.test(text)) return undefined;
  return FRAMEWORKS.find((f) => (!path || f.extensions.includes(ext)) && f.detect(path, text));
}
