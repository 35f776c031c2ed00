/**
 * Quick-fixes for host files, written in the framework's idiom: CONCURRENTLY where the framework
 * spells it (in the SQL string, or `concurrently: true` in the call's options), plus the file's
 * transaction opt-out (TypeORM `transaction = false`, Knex `config = { transaction: false }`,
 * node-pg-migrate `pgm.noTransaction()`, MikroORM `isTransactional()`). Each fix is verified by
 * linting the edited file: it is offered only when the finding it fixes is gone.
 */
import type { Finding } from '../findings';
import { dirname, join } from 'node:path';
import type { Fix, NewFile, TextEdit } from '../fixes/types';
import { applyEdits } from '../fixes/textEdits';
import { lintHostText, type HostLintOptions, type HostLintResult } from './lint';
import type { FrameworkExtractor } from './types';

const CONCURRENTLY_RULES = new Set(['require-concurrent-index', 'require-concurrent-drop-index', 'require-concurrent-reindex', 'refresh-matview-concurrently', 'require-concurrent-detach']);

export function hostFixes(text: string, result: HostLintResult, finding: Finding, options: HostLintOptions): Fix[] {
  const { host } = result;
  const { idioms, label } = host.framework;
  const stmtInfo = finding.statementIndex !== undefined ? result.document.statements[finding.statementIndex] : undefined;
  const stmt = stmtInfo ? host.statementAt(stmtInfo.span.start) : undefined;
  const candidates: { title: string; edits: TextEdit[] | undefined; files?: NewFile[] }[] = [];
  const optOut = () => (host.extraction.transaction.wrapped ? idioms.optOutOfTransaction(text, host.extraction) : []);
  // A statement in an explicit per-call transaction (Sequelize `{ transaction: t }`) leaves it by itself.
  const leave = () => (stmt && typeof stmt.transaction === 'object' ? idioms.leaveTransaction?.(text, stmt) : []);
  if (CONCURRENTLY_RULES.has(finding.ruleId) && stmt) {
    const conc = idioms.concurrently(text, stmt);
    const out = optOut();
    const alone = leave();
    if (conc && out && alone) {
      const why = out.length ? ` and run this ${label} migration outside a transaction` : alone.length ? ' outside the transaction' : '';
      candidates.push({ title: `Use CONCURRENTLY${why}`, edits: [...conc, ...out, ...alone] });
    }
  }
  if (finding.ruleId === 'require-not-valid' && stmt && idioms.notValid && options.path) {
    // NOT VALID here, VALIDATE in a new migration after this one: it touches another file, so it is offered, not applied by --fix.
    const nv = idioms.notValid(text, stmt);
    if (nv) {
      const files: NewFile[] = [{ path: join(dirname(options.path), idioms.newMigrationName(nv.later.slug, new Date(), [])), text: nv.later.text }];
      candidates.push({ title: `Add the constraint NOT VALID and validate it in a new ${label} migration`, edits: nv.edits, files });
    }
  }
  if (finding.ruleId === 'concurrent-in-transaction') {
    const alone = leave();
    const out = optOut();
    if (alone?.length) candidates.push({ title: `Run this ${label} call outside the transaction (without its \`transaction\` option)`, edits: alone });
    else if (out?.length) candidates.push({ title: `Run this ${label} migration outside a transaction`, edits: out });
  }
  const fixes: Fix[] = [];
  for (const c of candidates) {
    if (!c.edits?.length) continue;
    const edited = applyEdits(text, c.edits);
    if (!verified(edited, result, finding, options)) continue;
    fixes.push({ title: c.title, ruleId: finding.ruleId, edits: c.edits, files: c.files ?? [], safe: !c.files?.length, preferred: true });
  }
  return fixes;
}

/** The edited file still extracts, has fewer findings of this rule, and no new errors. */
function verified(edited: string, before: HostLintResult, finding: Finding, options: HostLintOptions): boolean {
  const after = lintHostText(edited, before.host.framework, options);
  const count = (r: HostLintResult, id: string) => r.findings.filter((f) => f.ruleId === id).length;
  const errors = (r: HostLintResult) => r.findings.filter((f) => f.severity === 'error').length;
  return (
    after.host.extraction.statements.length === before.host.extraction.statements.length &&
    count(after, finding.ruleId) < count(before, finding.ruleId) &&
    errors(after) <= errors(before) - (finding.severity === 'error' ? 1 : 0)
  );
}

/** `lint --fix` for a host file: apply one verified fix at a time (each edit moves offsets), until none is left. */
export function hostFixAll(text: string, framework: FrameworkExtractor, options: HostLintOptions): { text: string; applied: { ruleId: string }[] } {
  const applied: { ruleId: string }[] = [];
  // Each round removes at least one finding, so the findings of the first lint bound the rounds.
  for (let round = 0; round < 50; round++) {
    const result = lintHostText(text, framework, options);
    let fix: Fix | undefined;
    for (const finding of result.findings) {
      fix = hostFixes(text, result, finding, options).find((f) => f.safe);
      if (fix) break;
    }
    if (!fix) break;
    text = applyEdits(text, fix.edits);
    applied.push({ ruleId: fix.ruleId });
  }
  return { text, applied };
}
