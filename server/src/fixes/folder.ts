/** The migration folder around a file, read from disk, for naming new migrations (LSP and CLI). */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunnerId } from '../config/types';
import { FOLDER_PER_MIGRATION } from './migrationFiles';
import type { MigrationFolder } from './types';

/** Undefined when the folder cannot be read: fixes that create files are then not offered. */
export function readMigrationFolder(path: string | undefined, runner: RunnerId, now = new Date()): MigrationFolder | undefined {
  if (!path) return undefined;
  // A Diesel migration is a folder (…/2024-01-01-000000_x/up.sql): its siblings are folders.
  const folder = FOLDER_PER_MIGRATION.has(runner) ? dirname(dirname(path)) : dirname(path);
  try {
    return { siblings: readdirSync(folder), now };
  } catch {
    return undefined;
  }
}
