/**
 * The places in the application code that must change before a contract statement may run, as
 * "Split into phases" and scaffold PLAN.md list them: one line per reference, with file:line,
 * what it does, and the name the statement removes or constrains.
 */
import type { AstNode } from '../parse/ast';
import { affectedBy, contractTarget } from './affected';
import { contractsOf, type Contract } from './contract';
import type { ReferenceLookup } from './index';

export interface CodeSite {
  /** Relative to the indexed root, `/`-separated. */
  path: string;
  line: number;
  /** What the code does there, e.g. `reads users.username`. */
  why: string;
  /** What the statement takes away, e.g. `users.username`. */
  target: string;
}

/**
 * The code sites a statement breaks. `ignore(c)`: a contract that cannot break deployed code (its
 * table is created by the same change, or a view re-creates the old name in the same transaction).
 */
export function codeSitesOf(ast: AstNode | undefined, code: ReferenceLookup, ignore: (c: Contract) => boolean = () => false): CodeSite[] {
  if (!ast) return [];
  const sites: CodeSite[] = [];
  for (const c of contractsOf(ast)) {
    if (ignore(c)) continue;
    const target = contractTarget(c);
    for (const { ref, why } of affectedBy(c, code)) sites.push({ path: ref.path, line: ref.line, why, target });
  }
  return uniqueSites(sites);
}

/** Sites in file order, each once (several statements can break the same line). */
export function uniqueSites(sites: readonly CodeSite[]): CodeSite[] {
  const seen = new Map<string, CodeSite>();
  for (const s of sites) seen.set(`${s.path}\0${s.line}\0${s.why}\0${s.target}`, s);
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

/** `src/a.ts:5, src/b.ts:7 and 2 more`: for one-line reasons. */
export function siteList(sites: readonly CodeSite[], shown = 3): string {
  const places = [...new Set(sites.map((s) => `${s.path}:${s.line}`))];
  const more = places.length > shown ? ` and ${places.length - shown} more` : '';
  return places.slice(0, shown).join(', ') + more;
}

/** Markdown bullets, one per line of code: `` - `src/a.ts:5`: reads users.username; uses users ``. */
export function siteBullets(sites: readonly CodeSite[]): string[] {
  const byLine = new Map<string, string[]>();
  for (const s of sites) {
    const key = `${s.path}:${s.line}`;
    byLine.set(key, [...(byLine.get(key) ?? []), s.why]);
  }
  return [...byLine].map(([at, whys]) => `- \`${at}\`: ${[...new Set(whys)].join('; ')}`);
}
