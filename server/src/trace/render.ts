/** Plain-text rendering of trace reports, shared by the CLI and the editor command. */
import { sqlName, type LockMode } from '../locks/modes';
import { LineIndex } from '../parse/positions';
import { dependsOn } from './knownDifferences';
import type { TraceReport } from './plan';

export interface TracedFile {
  displayPath: string;
  text: string;
  report: TraceReport;
}

export function renderTraceText(traced: TracedFile[]): string {
  const out: string[] = [];
  let agree = 0;
  let disagree = 0;
  let unpredicted = 0;
  let explained = 0;
  const failures = new Map<string, number>();
  for (const { displayPath, text, report } of traced) {
    const lines = new LineIndex(text);
    out.push(`${displayPath} — traced on ${report.engine}`);
    for (const f of report.setupFailures) out.push(`  setup skipped: ${oneLine(f.sql)}: ${f.error}`);
    for (const s of report.statements) {
      const at = lines.positionAt(s.span.start);
      const where = `${at.line + 1}:${at.character + 1}`;
      if (s.outcome === 'skipped') continue;
      if (s.outcome === 'failed') {
        out.push(`  ${where} ${s.summary}: failed on the shadow database: ${s.error}`);
        if (s.failureReason) failures.set(s.failureReason, (failures.get(s.failureReason) ?? 0) + 1);
        continue;
      }
      if (s.outcome === 'applied') {
        out.push(`  ${where} ${s.summary}: applied outside a transaction (its locks cannot be observed from inside one)`);
        continue;
      }
      if (s.unpredicted) {
        unpredicted++;
        out.push(`  ${where} ${s.summary}: observed, not predicted (${s.unpredicted}) — ${describeLocks(s.observed!.locks)}${effectsNote(s.observed!)}`);
        continue;
      }
      if (s.agrees) agree++;
      else if (s.explained) explained++;
      else disagree++;
      const verdict = s.agrees ? 'observed = model' : s.explained ? `observed ≠ model, depends on ${dependsOn(s.explained)} (${s.explained.join(', ')}; see docs/trace.md)` : 'observed ≠ model';
      out.push(`  ${where} ${s.summary}: ${verdict} — ${describeLocks(s.observed!.locks)}${effectsNote(s.observed!)}`);
      for (const d of s.differences) out.push(`      ${d}`);
    }
    out.push('');
  }
  const notPredicted = unpredicted ? `; ${unpredicted} ran code the model does not analyse (procedure or DO bodies)` : '';
  const dataDependent = explained ? `; ${explained} differed only in known ways that depend on the data or on code the model does not read (docs/trace.md)` : '';
  out.push(`${agree} statement(s) behaved exactly as the lock model predicts${disagree ? `; ${disagree} did not` : ''}${dataDependent}${notPredicted}.`);
  if (failures.size) {
    const total = [...failures.values()].reduce((a, b) => a + b, 0);
    out.push(`${total} could not be replayed on the shadow database:`);
    for (const [reason, n] of [...failures].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) out.push(`  ${n} × ${reason}`);
  }
  return `${out.join('\n')}\n`;
}

function describeLocks(locks: Record<string, LockMode>): string {
  const entries = Object.entries(locks);
  return entries.length ? entries.map(([name, mode]) => `${name} ${sqlName(mode)}`).join(', ') : 'no table locks';
}

function effectsNote(effects: { rewritten: string[]; scanned: string[] }): string {
  const parts = [effects.rewritten.length && `rewrote ${effects.rewritten.join(', ')}`, effects.scanned.length && `scanned ${effects.scanned.join(', ')}`].filter(Boolean);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

