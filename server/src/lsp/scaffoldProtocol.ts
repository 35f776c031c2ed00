/** Requests between the VS Code scaffold command and the language server (shared by both sides). */
import type { KindParam } from '../scaffold/kinds/shared';

export const SCAFFOLD_CONTEXT_REQUEST = 'lockstep/scaffoldContext';
export const SCAFFOLD_GENERATE_REQUEST = 'lockstep/scaffoldGenerate';

export interface ScaffoldContextParams {
  /** The document the command started from (its statement under the cursor suggests the plan). */
  uri?: string;
  /** UTF-16 offset of the cursor in that document. */
  offset?: number;
  /** Workspace folder (file system path). */
  root: string;
}

export interface ScaffoldContext {
  kinds: Array<{ id: string; number: number; title: string; description: string; params: KindParam[] }>;
  runner: string;
  runnerReason: string;
  migrationsDir: string;
  tables: Array<{ name: string; columns: Array<{ name: string; type: string }>; primaryKey?: string[] }>;
  suggestion?: { kind: string; args: Record<string, string | undefined>; from: string };
}

export interface ScaffoldGenerateParams {
  uri?: string;
  /** As in ScaffoldContextParams: the statement under the cursor is not part of the starting schema. */
  offset?: number;
  root: string;
  kind: string;
  args: Record<string, string | undefined>;
}

export interface ScaffoldGenerated {
  title: string;
  runner: string;
  /** Absolute file system paths. `appendsTo`: the file exists and `content` is its new full text. */
  files: Array<{ path: string; content: string; appendsTo?: boolean }>;
  planPath: string;
  /** Lint findings left on the generated files (normally none). */
  findings: string[];
}

export type ScaffoldResponse<T> = T | { error: string };
