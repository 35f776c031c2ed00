/**
 * The server half of `Lockstep: Scaffold Migration Plan…`: the known schema (the workspace's
 * migrations replayed, minus the open file, plus its statements above the cursor), the plan the
 * statement under the cursor suggests, and the generated files, which the client previews and
 * creates with a WorkspaceEdit.
 */
import { isHostResult } from '../frameworks/lint';
import { basename, dirname, join, relative } from 'node:path';
import { initEngine } from '../engine';
import { ScaffoldError } from '../scaffold/plan';
import { KINDS } from '../scaffold/kinds';
import { scaffold } from '../scaffold/scaffold';
import { schemaFromSql, type SchemaInfo } from '../scaffold/schema';
import { suggestFromStatement } from '../scaffold/suggest';
import { loadWorkspace, type Workspace } from '../scaffold/workspace';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG, type LockstepConfig } from '../config/types';
import { filePathOf } from './documentConfigs';
import type { FeatureContext, ServerFeature } from './features';
import {
  SCAFFOLD_CONTEXT_REQUEST, SCAFFOLD_GENERATE_REQUEST, type ScaffoldContext, type ScaffoldContextParams, type ScaffoldGenerated,
  type ScaffoldGenerateParams, type ScaffoldResponse,
} from './scaffoldProtocol';

/** The migrations folder of the file the command started from (Diesel and Sqitch keep files one level down). */
function migrationsDirOf(path: string | undefined, root: string): string | undefined {
  if (!path || !path.endsWith('.sql')) return undefined;
  let dir = dirname(path);
  // Diesel's up/down.sql and Prisma's migration.sql sit in a folder per migration; Sqitch's in deploy/ revert/ verify/.
  if (/^(up|down|migration)\.sql$/i.test(basename(path)) || /^(deploy|revert|verify)$/.test(basename(dir))) dir = dirname(dir);
  const rel = relative(root, dir);
  return rel.startsWith('..') ? undefined : rel.replace(/\\/g, '/');
}

/**
 * The schema the plan starts from: the workspace's migrations that run before the open file (all
 * of them when it is not one), then the open file's statements above the statement under the
 * cursor — that statement is usually the one-step change the plan replaces.
 */
function knownSchema(ws: Workspace, config: LockstepConfig, path: string | undefined, textBefore: string): SchemaInfo {
  const index = path ? ws.upFiles.findIndex((f) => join(ws.root, f) === path) : -1;
  const files = index >= 0 ? ws.upFiles.slice(0, index) : ws.upFiles.filter((f) => join(ws.root, f) !== path);
  const sql = files.map((f) => {
    try {
      return readFileSync(join(ws.root, f), 'utf8');
    } catch {
      return '';
    }
  });
  return schemaFromSql([...sql, textBefore].join('\n;\n'), config);
}

function readText(path: string | undefined): string {
  try {
    return path ? readFileSync(path, 'utf8') : '';
  } catch {
    return '';
  }
}

/** The open document's text above the statement at `offset` (all of it without an offset), and that statement. */
async function around(ctx: FeatureContext, uri: string | undefined, offset: number | undefined) {
  const linted = uri ? await ctx.linted(uri) : undefined;
  const text = uri ? (ctx.documents.get(uri)?.getText() ?? readText(filePathOf(uri))) : '';
  // Statement spans of a framework migration are offsets into its extracted SQL, not into this text.
  const statements = linted?.result && !isHostResult(linted.result) ? linted.result.document.statements : [];
  const current = offset === undefined ? undefined : (statements.find((s) => offset >= s.span.start && offset <= s.span.end) ?? statements.find((s) => s.span.start >= offset));
  return { config: linted?.config ?? DEFAULT_CONFIG, current, before: current ? text.slice(0, current.span.start) : text };
}

async function context(ctx: FeatureContext, params: ScaffoldContextParams): Promise<ScaffoldResponse<ScaffoldContext>> {
  await initEngine();
  const { config, current, before } = await around(ctx, params.uri, params.offset);
  const path = params.uri ? filePathOf(params.uri) : undefined;
  const ws = loadWorkspace(params.root, config, migrationsDirOf(path, params.root));
  const schema = knownSchema(ws, config, path, before);
  const suggestion = current ? suggestFromStatement(current.ast as never, current.text, schema) : undefined;
  return {
    kinds: KINDS.map((k) => ({ id: k.id, number: k.number, title: k.title, description: k.description, params: k.params })),
    runner: ws.runner,
    runnerReason: ws.runnerReason,
    migrationsDir: ws.migrationsDir,
    tables: [...schema.tables.values()].map((t) => ({ name: t.name, columns: t.columns.map((c) => ({ name: c.name, type: c.type })), primaryKey: t.primaryKey?.columns })),
    suggestion,
  };
}

async function generate(ctx: FeatureContext, params: ScaffoldGenerateParams): Promise<ScaffoldResponse<ScaffoldGenerated>> {
  await initEngine();
  const { config, before } = await around(ctx, params.uri, params.offset);
  const path = params.uri ? filePathOf(params.uri) : undefined;
  const ws = loadWorkspace(params.root, config, migrationsDirOf(path, params.root));
  const schema = knownSchema(ws, config, path, before);
  try {
    const result = scaffold({
      kind: params.kind, args: params.args, schema, runner: ws.runner, migrationsDir: ws.migrationsDir, existing: ws.existing, sqitchPlan: ws.sqitchPlan,
      drizzleJournal: ws.drizzleJournal, options: { lockTimeout: config.lockTimeout, pgVersion: config.pgVersion }, config,
    });
    return {
      title: result.plan.title,
      runner: ws.runner,
      files: result.files.map((f) => ({ path: join(params.root, f.path), content: f.content, appendsTo: f.appendsTo })),
      planPath: join(params.root, result.planDir, 'PLAN.md'),
      findings: result.findings.map((f) => `${f.path}: ${f.finding.ruleId}: ${f.finding.message}`),
    };
  } catch (err) {
    if (err instanceof ScaffoldError) return { error: err.message };
    throw err;
  }
}

export const scaffoldFeature: ServerFeature = {
  register(ctx) {
    ctx.connection.onRequest(SCAFFOLD_CONTEXT_REQUEST, ctx.guard<ScaffoldContextParams, ScaffoldResponse<ScaffoldContext>>('scaffold context', { error: 'the scaffold failed; see the Lockstep output' }, (p) => context(ctx, p)));
    ctx.connection.onRequest(SCAFFOLD_GENERATE_REQUEST, ctx.guard<ScaffoldGenerateParams, ScaffoldResponse<ScaffoldGenerated>>('scaffold', { error: 'the scaffold failed; see the Lockstep output' }, (p) => generate(ctx, p)));
  },
};

