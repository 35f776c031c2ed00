/**
 * Risk of one statement on the connected database, with its reasons in words.
 *  - high: reads or writes of an existing table are blocked for 10 s or more, or the statement would
 *    queue behind a live session (so traffic queues behind it) with no lock_timeout to end the wait;
 *  - medium: they are blocked for 1–10 s; or it would wait but lock_timeout bounds the queue; or a
 *    lock that spares reads and writes would wait; or a CONCURRENTLY build must outwait long transactions;
 *  - low: anything else (brief locks on quiet tables, created tables, locks that block no traffic).
 */
import { sqlName } from '../locks/modes';
import { formatAge, formatBytes, formatSeconds, shortQuery } from './format';
import type { Blocker, RelationEstimate, RiskLevel, WorkItem } from './report';
import type { SessionFacts } from './snapshot';

export const HIGH_SECONDS = 10;
/** `reads, writes, DDL` → `reads, writes and DDL`. */
const words = (list: string) => list.replace(/, ([^,]*)$/, ' and $1');
export const MEDIUM_SECONDS = 1;

export interface RiskInput {
  relations: RelationEstimate[];
  work: WorkItem[];
  lockTimeoutMs: number;
  /** CREATE INDEX / REINDEX / DETACH … CONCURRENTLY: waits for every older transaction. */
  waitsForOlderTransactions: boolean;
}

const ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

export function assessRisk(input: RiskInput, longTransactions: SessionFacts[]): { risk: RiskLevel; reasons: string[] } {
  const found: { level: RiskLevel; reason: string }[] = [];
  const add = (level: RiskLevel, reason: string) => found.push({ level, reason });

  for (const r of input.relations) {
    if (r.created) continue;
    if (r.missing) {
      add('low', `${r.relation} is not in the database, so there is nothing to measure for it.`);
      continue;
    }
    const lock = `${sqlName(r.mode)} on ${r.relation}${r.totalBytes !== null ? ` (${formatBytes(r.totalBytes)})` : ''}`;
    const blockers = [...r.waitsFor, ...r.queuesBehind];
    const work = input.work.find((w) => w.relation === r.relation);
    if (r.blocksTraffic) {
      const held = `${lock} blocks ${words(r.blocks)} for about ${formatSeconds(r.heldSeconds)}${whileDoing(work, r.heldSeconds)}.`;
      if (r.heldSeconds >= HIGH_SECONDS) add('high', held);
      else if (r.heldSeconds >= MEDIUM_SECONDS) add('medium', held);
      if (blockers.length) {
        const who = describeBlockers(blockers);
        if (input.lockTimeoutMs > 0) {
          add('medium', `${lock} would wait for ${who}; lock_timeout (${input.lockTimeoutMs} ms) ends the wait, so ${words(r.blocks)} queue at most that long before the statement fails and can be retried.`);
        } else {
          add('high', `${lock} would wait for ${who}, and ${words(r.blocks)} on ${r.relation} queue behind it until that transaction ends.`);
        }
      }
    } else if (blockers.length) {
      add('medium', `${lock} would wait for ${describeBlockers(blockers)}; it blocks no reads or writes, but other DDL and VACUUM on ${r.relation} queue behind it.`);
    }
  }
  if (input.waitsForOlderTransactions) {
    const old = longTransactions.filter((t) => t.pid !== null);
    if (old.length) add('medium', `It waits for every older transaction to finish, and ${describeSessions(old)} ${old.length === 1 ? 'has' : 'have'} been open a long time.`);
  }

  const risk = found.reduce<RiskLevel>((max, f) => (ORDER[f.level] > ORDER[max] ? f.level : max), 'low');
  const reasons = found.filter((f) => f.level === risk).map((f) => f.reason);
  if (risk === 'low') reasons.push(lowReason(input));
  return { risk, reasons: [...new Set(reasons)] };
}

const DOING: Record<WorkItem['kind'], string> = { rewrite: 'rewrites the table', scan: 'reads every row', 'index build': 'builds the index' };

/** `, while it rewrites the table`, `, and keeps it until its transaction commits`. */
function whileDoing(work: WorkItem | undefined, heldSeconds: number): string {
  const doing = work ? `, while it ${work.certain ? '' : 'may '}${work.certain ? DOING[work.kind] : DOING[work.kind].replace(/s\b/, '')}` : '';
  const longer = heldSeconds > (work?.seconds ?? 0) + 0.005 ? `${work ? ',' : ''} and keeps it until its transaction commits` : '';
  return `${doing}${longer}`;
}

function lowReason(input: RiskInput): string {
  const blocking = input.relations.filter((r) => r.blocksTraffic && !r.created && !r.missing);
  if (blocking.length === 0) return 'It blocks no reads or writes of existing tables.';
  const longest = Math.max(...blocking.map((r) => r.heldSeconds));
  return `Its lock blocks ${blocking.map((r) => `${words(r.blocks)} on ${r.relation}`).join('; ')} only briefly (about ${formatSeconds(longest)}), and no session holds a conflicting lock right now.`;
}

/** `pid 4242 (billing-worker, idle in transaction, transaction open 12 min: UPDATE …)`, plus a count of the rest. */
export function describeBlockers(blockers: Blocker[]): string {
  const first = blockers[0];
  const verb = first.granted ? `holding ${sqlName(first.mode)}` : `waiting for ${sqlName(first.mode)}`;
  const more = blockers.length > 1 ? ` and ${blockers.length - 1} more session${blockers.length > 2 ? 's' : ''}` : '';
  return `${describeSession(first)} ${verb}${more}`;
}

function describeSessions(sessions: SessionFacts[]): string {
  const more = sessions.length > 1 ? ` and ${sessions.length - 1} more` : '';
  return `${describeSession(sessions[0])}${more}`;
}

export function describeSession(s: SessionFacts): string {
  if (s.pid === null) return `a prepared transaction (open ${formatAge(s.xactAgeSeconds)})`;
  const details = [s.application || s.backendType || 'no application name', s.state || 'unknown state'];
  if (s.xactAgeSeconds !== null) details.push(`transaction open ${formatAge(s.xactAgeSeconds)}`);
  const query = s.query ? `: ${shortQuery(s.query, 60)}` : '';
  return `pid ${s.pid} (${details.join(', ')}${query})`;
}
