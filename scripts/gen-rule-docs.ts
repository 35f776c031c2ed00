/**
 * Regenerates the lock-model block of every docs/rules/<id>.md page (hand-written prose around it
 * is kept; missing pages are created from a template).
 *   npx tsx scripts/gen-rule-docs.ts          rewrite pages
 *   npx tsx scripts/gen-rule-docs.ts --check  exit 1 if any page is missing, stale or has no rule
 *   --dir <folder>                            another docs folder (tests use a temporary copy)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { documentedIds, renderLocksBlock, updatePage } from '../server/src/rules/docs';

function docsDir(args: string[]): string {
  const at = args.indexOf('--dir');
  return at >= 0 && args[at + 1] ? resolve(args[at + 1]) : resolve(__dirname, '..', 'docs', 'rules');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const dir = docsDir(args);
  const problems: string[] = [];
  if (!check) mkdirSync(dir, { recursive: true });
  for (const id of documentedIds()) {
    const path = join(dir, `${id}.md`);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const wanted = updatePage(id, current, await renderLocksBlock(id));
    if (wanted === current) continue;
    if (check) problems.push(`${current === undefined ? 'missing' : 'out of date'}: ${path}`);
    else {
      writeFileSync(path, wanted);
      console.log(`${current === undefined ? 'created' : 'updated'} ${path}`);
    }
  }
  const known = new Set(documentedIds());
  // README.md is the index of all rules, written by hand.
  for (const file of (existsSync(dir) ? readdirSync(dir) : []).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    if (!known.has(file.replace(/\.md$/, ''))) problems.push(`no rule with this id: ${join(dir, file)}`);
  }
  for (const p of problems) console.error(p);
  if (check && problems.length) console.error('Run `npx tsx scripts/gen-rule-docs.ts` to update the pages.');
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
