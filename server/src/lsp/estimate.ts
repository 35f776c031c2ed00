/**
 * Database features of the language server: connect/disconnect, the connected server's version
 * as the target for rules and the lock model, `lockstep/estimate` for the report, and live
 * figures in hovers. Database work never blocks linting: hovers wait for it at most
 * HOVER_WAIT_MS and otherwise show what is cached (or nothing extra).
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import type { LockstepConfig } from '../config/types';
import { classifyError, DatabaseError } from '../db/errors';
import { estimateMigration } from '../db/estimate';
import { statementAt } from '../engine';
import { connectedHover } from '../db/render/hover';
import type { EstimateReport } from '../db/report';
import { filePathOf } from './documentConfigs';
import { DatabaseLink } from './databaseLink';
import {
  DATABASE_CONNECT_METHOD,
  DATABASE_DISCONNECT_METHOD,
  DATABASE_STATUS_METHOD,
  ESTIMATE_METHOD,
  type DatabaseConnectParams,
  type DatabaseStatus,
  type EstimateParams,
  type EstimateResult,
} from './databaseProtocol';
import type { LintedDocument } from './documentLinter';
import type { FeatureContext, ServerFeature } from './features';
import { takeSecretKey } from './secretChannel';
import { runSliced } from './slicedLint';

/** A hover waits this long for fresh figures, then shows the offline hover (plus cached figures). */
export const HOVER_WAIT_MS = 1500;
/** Live locks change quickly: cached figures older than this are refreshed on the next hover. */
export const FRESH_FOR_MS = 10_000;

interface CachedEstimate {
  key: string;
  at: number;
  report?: EstimateReport;
  pending?: Promise<EstimateReport | undefined>;
}

export function databaseFeature(env: Record<string, string | undefined> = process.env): ServerFeature {
  const secretKey = takeSecretKey(env);
  let ctx: FeatureContext | undefined;
  const cache = new Map<string, CachedEstimate>();
  let lintedFor: number | undefined;
  const link = new DatabaseLink(env, (status) => {
    void ctx?.connection.sendNotification(DATABASE_STATUS_METHOD, status);
    // Connected, disconnected or dropped: if the target version changed, every open document re-lints.
    if (link.pgVersion !== lintedFor) {
      lintedFor = link.pgVersion;
      cache.clear();
      ctx?.relintAll();
    }
  }, secretKey);

  async function estimate(uri: string, linted: LintedDocument, signal?: AbortSignal, displayPath?: string): Promise<EstimateReport> {
    const doc = ctx?.documents.get(uri);
    if (!doc) throw new DatabaseError('other', 'The document is not open.');
    if (linted.large) throw new DatabaseError('other', 'This file is over the size limit (lockstep.maxFileSizeMB): estimates need all of it; use `lockstep estimate` from a terminal.');
    const path = filePathOf(uri);
    return link.withSession((session) =>
      // The engine's part (three lints and the live schema's replay) runs in slices, so the thread
      // answers hovers and edits meanwhile (measured: bench/lsp-stall.mjs).
      estimateMigration(session, { text: doc.getText(), path, displayPath: displayPath ?? path ?? uri, config: linted.config }, {
        signal,
        run: (steps) => runSliced(steps, () => !signal?.aborted),
      }),
    );
  }

  /** The cached estimate of this document version, refreshed in the background when stale. */
  function cachedEstimate(uri: string, linted: LintedDocument): CachedEstimate {
    const key = `${linted.version}|${link.generation}`;
    let entry = cache.get(uri);
    if (entry?.key !== key) entry = { key, at: 0 };
    if (!entry.pending && Date.now() - entry.at > FRESH_FOR_MS) {
      const started = entry;
      started.pending = estimate(uri, linted)
        .then((report) => {
          Object.assign(started, { report, at: Date.now() });
          return report;
        })
        .catch((error) => {
          ctx?.log(`Database figures for the hover failed: ${classifyError(error).message}`);
          return undefined;
        })
        .finally(() => (started.pending = undefined));
    }
    cache.set(uri, entry);
    return entry;
  }

  return {
    register(context) {
      ctx = context;
      const { connection } = context;
      context.documents.onDidClose((event) => cache.delete(event.document.uri));
      connection.onRequest(DATABASE_CONNECT_METHOD, (params: DatabaseConnectParams): Promise<DatabaseStatus> => link.connect(params ?? {}));
      connection.onRequest(DATABASE_DISCONNECT_METHOD, (): Promise<DatabaseStatus> => link.disconnect());
      connection.onRequest(ESTIMATE_METHOD, async (params: EstimateParams, token: CancellationToken): Promise<EstimateResult> => {
        const aborter = new AbortController();
        const stop = token?.onCancellationRequested(() => aborter.abort());
        try {
          const linted = typeof params?.uri === 'string' ? await context.linted(params.uri) : undefined;
          if (!linted) return { ok: false, message: 'Open a SQL migration to estimate.' };
          const displayPath = typeof params.displayPath === 'string' && params.displayPath ? params.displayPath : undefined;
          const report = await estimate(params.uri, linted, aborter.signal, displayPath);
          cache.set(params.uri, { key: `${linted.version}|${link.generation}`, at: Date.now(), report });
          return { ok: true, report };
        } catch (error) {
          const e = classifyError(error);
          if (e.kind !== 'cancelled') context.log(`Estimate failed: ${e.message}`);
          return { ok: false, message: e.message, errorKind: e.kind };
        } finally {
          stop?.dispose();
        }
      });
    },

    adjustConfig(config: LockstepConfig): LockstepConfig {
      const pgVersion = link.pgVersion;
      return pgVersion === undefined || pgVersion === config.pgVersion ? config : { ...config, pgVersion };
    },

    async hover(uri: string, offset: number, linted: LintedDocument): Promise<string | undefined> {
      if (link.status.state !== 'connected') return undefined;
      const statementIndex = linted.result && statementAt(linted.result.document.statements, offset)?.index;
      if (statementIndex === undefined) return undefined;
      const entry = cachedEstimate(uri, linted);
      if (entry.pending) {
        await Promise.race([entry.pending, new Promise((resolve) => setTimeout(resolve, HOVER_WAIT_MS))]);
      }
      const report = entry.report;
      if (!report) return `---\n\nDatabase figures for ${link.status.target} are still loading; hover again in a moment.`;
      const statement = report.statements.find((s) => s.index === statementIndex);
      return connectedHover(report, statement, (Date.now() - entry.at) / 1000);
    },
  };
}
