/**
 * Code actions: the quick-fixes of each Lockstep diagnostic (`quickfix`), fix-all
 * (`source.fixAll.lockstep`) and "Split into phases" (`source.lockstep.splitPhases`). Building a fix
 * means verifying it (a few whole-document lints), so a client that resolves code actions (VS Code)
 * gets quick-fixes listed by name and each one built and verified in codeAction/resolve, when the
 * user picks it; a client that does not gets them built at once, for at most MAX_FIXED_FINDINGS
 * findings. Fix-all and the split are always offered at once and computed in codeAction/resolve.
 */
import {
  CodeActionKind,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../engine';
import type { Finding } from '../findings';
import { fixesForSteps } from '../fixes';
import { plannedFixes, resolvePlannedSteps, type FixSlot } from '../fixes/lazy';
import { isHostResult } from '../frameworks/lint';
import { hostFixes } from '../frameworks/fixes';
import { fixAll } from '../fixes/fixAll';
import { readMigrationFolder } from '../fixes/folder';
import { minimalEdit } from '../fixes/textEdits';
import type { Fix } from '../fixes/types';
import { splitMigration, worthSplitting } from '../split/plan';
import { splitHostMigration, worthSplittingHost } from '../frameworks/split';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DIAGNOSTIC_SOURCE, toDiagnostic } from './diagnostics';
import { filePathOf } from './documentConfigs';
import type { FeatureContext, ServerFeature } from './features';
import { runSliced } from './slicedLint';
import { fixToWorkspaceEdit, hostSplitToWorkspaceEdit, splitToWorkspaceEdit } from './workspaceEdits';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.lockstep`;
/**
 * Quick-fixes are built (and each verified by a re-lint) for at most this many findings per
 * request: a select-all + Ctrl+. on a big schema file asked for 625 and blocked the server for seconds.
 */
export const MAX_FIXED_FINDINGS = 8;
export const SPLIT_KIND = `${CodeActionKind.Source}.lockstep.splitPhases`;

interface ResolveData {
  lockstep: 'fixAll' | 'split';
  uri: string;
  version: number;
}

/** A quick-fix listed by name: which finding (index, rule and start, checked on resolve) and which of its fixes. */
interface QuickFixData {
  lockstep: 'quickfix';
  uri: string;
  version: number;
  finding: number;
  ruleId: string;
  start: number;
  slot: FixSlot;
}

/** The client fills in a code action's edit through codeAction/resolve (VS Code does; LSP 3.16). */
function resolvesEdits(ctx: FeatureContext): boolean {
  const properties = ctx.clientCapabilities().textDocument?.codeAction?.resolveSupport?.properties;
  return Array.isArray(properties) && properties.includes('edit') && ctx.clientCapabilities().textDocument?.codeAction?.dataSupport === true;
}

/** Does the client's `only` filter let `kind` through? */
function wanted(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export const codeActionsFeature: ServerFeature = {
  capabilities: {
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, SPLIT_KIND], resolveProvider: true },
  },
  register(ctx) {
    ctx.connection.onCodeAction(ctx.guard('codeAction', [], (params: CodeActionParams, token?: CancellationToken) => codeActions(ctx, params, token)));
    ctx.connection.onCodeActionResolve(ctx.guard('codeActionResolve', null as unknown as CodeAction, (action: CodeAction, token?: CancellationToken) => resolve(ctx, action, token)));
  },
};

async function current(ctx: FeatureContext, uri: string): Promise<{ doc: TextDocument; result: LintResult; linted: NonNullable<Awaited<ReturnType<FeatureContext['linted']>>> } | undefined> {
  const linted = await ctx.linted(uri);
  const doc = ctx.documents.get(uri);
  if (!linted?.result || !doc || doc.version !== linted.version) return undefined;
  return { doc, result: linted.result, linted };
}

async function codeActions(ctx: FeatureContext, params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[]> {
  const uri = params?.textDocument?.uri;
  if (typeof uri !== 'string' || !params.range?.start || !params.range.end) return [];
  const state = await current(ctx, uri);
  if (!state) return [];
  const { doc, result, linted } = state;
  const only = Array.isArray(params.context?.only) ? params.context.only : undefined;
  const sent = Array.isArray(params.context?.diagnostics) ? params.context.diagnostics : [];
  const actions: CodeAction[] = [];
  const path = filePathOf(uri);

  if (isHostResult(result)) {
    // Host files get fixes in the framework's idiom, and "Split into phases" writes the framework's migrations.
    if (wanted(CodeActionKind.QuickFix, only)) {
      const range = { start: doc.offsetAt(params.range.start), end: doc.offsetAt(params.range.end) };
      for (const finding of result.findings) {
        if (!overlaps(finding.span, range)) continue;
        const diagnostic = matchingDiagnostic(params.context.diagnostics, finding, doc);
        for (const fix of hostFixes(doc.getText(), result, finding, { path, config: linted.config, schema: linted.schema })) actions.push(quickFix(fix, diagnostic, doc));
      }
    }
    if (!linted.large && wanted(SPLIT_KIND, only) && path && worthSplittingHost(result)) {
      actions.push({ title: 'Lockstep: Split into phases (expand, backfill, contract)', kind: SPLIT_KIND, data: { lockstep: 'split', uri, version: doc.version } satisfies ResolveData });
    }
    return actions;
  }
  if (wanted(CodeActionKind.QuickFix, only)) {
    const range = { start: doc.offsetAt(params.range.start), end: doc.offsetAt(params.range.end) };
    // The findings the client shows at the cursor (it sends their diagnostics), else those in the range; capped.
    const inRange = result.findings.filter((finding) => overlaps(finding.span, range));
    const shown = inRange.filter((finding) => sent.some((d) => sameDiagnostic(d, finding, doc)));
    const chosen = (sent.length > 0 && shown.length > 0 ? shown : inRange).slice(0, MAX_FIXED_FINDINGS);
    // An oversized document was linted as its prefix: fixes are built and verified on that prefix
    // (their edits fall inside it), never on the whole text.
    const text = linted.large ? doc.getText().slice(0, linted.large.linted) : doc.getText();
    if (resolvesEdits(ctx)) {
      // Listed by name only: building and verifying a fix (several whole-document lints) waits for codeAction/resolve.
      for (const finding of chosen) {
        const diagnostic = matchingDiagnostic(sent, finding, doc);
        const stmt = finding.statementIndex !== undefined ? result.document.statements[finding.statementIndex] : undefined;
        for (const planned of plannedFixes({ text, result, finding, stmt, config: linted.config, path, schema: linted.schema })) {
          if (planned.fix) actions.push(quickFix(planned.fix, diagnostic, doc));
          else if (planned.slot) {
            const data: QuickFixData = { lockstep: 'quickfix', uri, version: doc.version, finding: result.findings.indexOf(finding), ruleId: finding.ruleId, start: finding.span.start, slot: planned.slot };
            actions.push({ title: planned.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: planned.preferred, data });
          }
        }
      }
    } else {
      const folder = chosen.length ? readMigrationFolder(path, result.document.runner) : undefined;
      // Each fix is verified by re-lints, run in slices: other requests (a hover) are answered meanwhile.
      const stillWanted = () => !token?.isCancellationRequested && ctx.documents.get(uri)?.version === doc.version;
      for (const finding of chosen) {
        const diagnostic = matchingDiagnostic(sent, finding, doc);
        const stmt = finding.statementIndex !== undefined ? result.document.statements[finding.statementIndex] : undefined;
        const steps = fixesForSteps({ text, result, finding, stmt, config: linted.config, path, folder, schema: linted.schema, cache: linted.large ? undefined : ctx.cacheFor(uri) });
        const fixes = await runSliced(steps, stillWanted);
        if (!stillWanted()) return [];
        for (const fix of fixes ?? []) actions.push(quickFix(fix, diagnostic, doc));
      }
    }
  }
  // Fix-all and the split need the whole document: not for one over the size limit.
  if (linted.large) return actions;
  const data = (lockstep: ResolveData['lockstep']): ResolveData => ({ lockstep, uri, version: doc.version });
  // Fix-all is only worth offering when some finding has a fix of its own.
  if (wanted(FIX_ALL_KIND, only) && result.findings.length > 0) {
    actions.push({ title: 'Lockstep: Fix all safe problems', kind: FIX_ALL_KIND, data: data('fixAll') });
  }
  if (wanted(SPLIT_KIND, only) && worthSplitting(result, path)) {
    actions.push({ title: 'Lockstep: Split into phases (expand, backfill, contract)', kind: SPLIT_KIND, data: data('split') });
  }
  return actions;
}

/**
 * Builds and verifies one listed quick-fix. The document must still be the version it was listed
 * for (else the action comes back without an edit, and the editor applies nothing); one finding
 * per request. The work runs in slices, so other requests are answered meanwhile; a request
 * cancelled meanwhile, or whose text changes, stops at the next pause and is answered as cancelled
 * (guard) or without an edit.
 */
async function resolveQuickFix(ctx: FeatureContext, action: CodeAction, data: QuickFixData, token?: CancellationToken): Promise<CodeAction> {
  const state = await current(ctx, data.uri);
  if (!state || state.doc.version !== data.version || token?.isCancellationRequested) return action;
  const { doc, result, linted } = state;
  const finding = result.findings[data.finding];
  if (!finding || finding.ruleId !== data.ruleId || finding.span.start !== data.start || !data.slot) return action;
  const path = filePathOf(data.uri);
  const text = linted.large ? doc.getText().slice(0, linted.large.linted) : doc.getText();
  const stmt = finding.statementIndex !== undefined ? result.document.statements[finding.statementIndex] : undefined;
  const folder = readMigrationFolder(path, result.document.runner);
  // In slices (a verification may lint the whole document): stops as soon as the resolve is cancelled or the text changes.
  const stillWanted = () => !token?.isCancellationRequested && ctx.documents.get(data.uri)?.version === data.version;
  const steps = resolvePlannedSteps({ text, result, finding, stmt, config: linted.config, path, folder, schema: linted.schema, cache: linted.large ? undefined : ctx.cacheFor(data.uri) }, data.slot);
  const fix = await runSliced(steps, stillWanted);
  if (!stillWanted()) return action;
  if (!fix) {
    ctx.log(`Quick-fix "${action.title}": no placement of it passes verification in this document; nothing to apply.`);
    return action;
  }
  return { ...action, edit: fixToWorkspaceEdit(fix, doc) };
}

/** The client's own diagnostic for this finding when it sent one (VS Code matches fixes to squiggles by identity). */
function matchingDiagnostic(sent: Diagnostic[], finding: Finding, doc: TextDocument): Diagnostic {
  return sent.find((d) => sameDiagnostic(d, finding, doc)) ?? toDiagnostic(finding, doc);
}

function sameDiagnostic(d: Diagnostic, finding: Finding, doc: TextDocument): boolean {
  const own = toDiagnostic(finding, doc);
  return (
    d?.source === DIAGNOSTIC_SOURCE &&
    String(d.code) === finding.ruleId &&
    d.range?.start?.line === own.range.start.line &&
    d.range.start.character === own.range.start.character &&
    d.range.end?.line === own.range.end.line &&
    d.range.end.character === own.range.end.character
  );
}

function quickFix(fix: Fix, diagnostic: Diagnostic, doc: TextDocument): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.preferred,
    edit: fixToWorkspaceEdit(fix, doc),
  };
}

async function resolve(ctx: FeatureContext, action: CodeAction, token?: CancellationToken): Promise<CodeAction> {
  const data = action?.data as ResolveData | QuickFixData | undefined;
  if (!data?.lockstep || typeof data.uri !== 'string') return action;
  if (data.lockstep === 'quickfix') return resolveQuickFix(ctx, action, data, token);
  const state = await current(ctx, data.uri);
  if (!state || state.linted.large) return action;
  const { doc, result, linted } = state;
  const path = filePathOf(data.uri);
  let edit: WorkspaceEdit | undefined;
  if (data.lockstep === 'fixAll') {
    const fixed = fixAll(doc.getText(), { path, config: linted.config, schema: linted.schema });
    const change = minimalEdit(doc.getText(), fixed.text);
    edit = {
      documentChanges: [
        {
          textDocument: { uri: doc.uri, version: doc.version },
          edits: change ? [{ range: { start: doc.positionAt(change.start), end: doc.positionAt(change.end) }, newText: change.newText }] : [],
        },
      ],
    };
  } else if (path && isHostResult(result)) {
    const split = splitHostMigration({ text: doc.getText(), path, framework: result.host.framework, config: linted.config, schema: linted.schema, siblings: siblingsOf(path), now: new Date(), code: ctx.codeReferences() });
    if (split.ok) edit = hostSplitToWorkspaceEdit(split, doc);
    else ctx.log(`Split into phases: ${split.reason}`);
  } else if (path) {
    const folder = readMigrationFolder(path, result.document.runner);
    const split = folder && splitMigration({ text: doc.getText(), path, config: linted.config, folder, schema: linted.schema, code: ctx.codeReferences() });
    if (split && split.ok) edit = splitToWorkspaceEdit(split, doc);
    else ctx.log(`Split into phases: ${split && !split.ok ? split.reason : 'the migration folder cannot be read'}`);
  }
  return edit ? { ...action, edit } : action;
}

function siblingsOf(path: string): string[] {
  try {
    return readdirSync(dirname(path));
  } catch {
    return [];
  }
}
