/**
 * A plan as Drizzle Kit migrations. Drizzle's migrator runs every pending journal entry inside ONE
 * transaction and has no per-migration opt-out, so a `single` step (a CALL that commits per batch,
 * CREATE/DROP INDEX CONCURRENTLY) can never go through it, and the migrator cannot stop between
 * entries. So the plan is cut into releases at each `single` step:
 *  - the `tx` migrations before the first `single` step are written as drizzle-kit writes them
 *    (`<out>/<idx>_<tag>.sql`, statements split by `--> statement-breakpoint`, an entry appended to
 *    `meta/_journal.json`);
 *  - each `single` step is a psql script in `<plan>/outside-drizzle/`, run by hand at its place;
 *  - the `tx` migrations after it wait in `<plan>/drizzle/` until `<plan>/drizzle-release.cjs <n>`
 *    adds them to the journal (the next index, `when` = now), right before `drizzle-kit migrate`.
 * Putting them all in the journal at once would let one `drizzle-kit migrate` run a contract
 * before the backfill it depends on.
 */
import { ScaffoldError, statementsOf, type Migration, type Plan, type Step } from '../plan';
import { explicit, header, ignoreLines, join } from './text';
import type { GeneratedFile, WriteContext, WrittenMigration } from './writers';

export const DRIZZLE_BREAKPOINT = '--> statement-breakpoint';
const SCRIPT = 'drizzle-release.cjs';

interface Journal {
  version: string;
  dialect: string;
  entries: Array<{ idx: number; version: string; when: number; tag: string; breakpoints: boolean }>;
}

function readJournal(text: string | undefined): Journal {
  if (text === undefined) return { version: '7', dialect: 'postgresql', entries: [] };
  try {
    const j = JSON.parse(text) as Journal;
    if (!Array.isArray(j.entries)) throw new Error('no "entries" list');
    return j;
  } catch (err) {
    throw new ScaffoldError(`meta/_journal.json is not a Drizzle journal (${(err as Error).message}); nothing was written`);
  }
}

/** Statements the way drizzle-kit writes them: each piece between breakpoints is sent as one query. */
function pieces(step: Step): string {
  return statementsOf(step).map((s) => `${s.trim()};`).join(`\n${DRIZZLE_BREAKPOINT}\n`);
}

const posixRelative = (from: string, to: string) => {
  const a = from.split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
};

export function writeDrizzle(plan: Plan, ctx: WriteContext, all: Array<{ migration: Migration; phase: number }>): { files: GeneratedFile[]; migrations: WrittenMigration[] } {
  const journal = readJournal(ctx.drizzleJournal);
  const files: GeneratedFile[] = [];
  const migrations: WrittenMigration[] = [];
  const releases: Record<string, string[]> = {};
  // A new release after every step outside the migrator, and at every phase boundary (an application deploy sits between phases).
  let release = 1;
  let releasePhase: number | undefined;
  let afterOutside = false;
  let when = Math.max(Math.floor(ctx.now.getTime()), ...journal.entries.map((e) => e.when + 1));
  all.forEach(({ migration: m, phase }, i) => {
    const name = `${plan.slug}_${m.name}`;
    const down = join(ctx.planDir, 'rollback', `${String(i + 1).padStart(2, '0')}_${name}_down.sql`);
    const entry = (upPath: string, version: string, drizzleRelease?: number): WrittenMigration => ({ migration: m, phase, version, upPath, downPath: down, drizzleRelease });
    let w: WrittenMigration;
    if (m.up.kind === 'single') {
      // Outside the migrator: psql runs it on its own, at its place in the plan; what follows is a later release.
      w = entry(join(ctx.planDir, 'outside-drizzle', `${String(i + 1).padStart(2, '0')}_${name}.sql`), name);
      files.push({ path: w.upPath, content: `${header(plan, w, all.length, 'up', ctx.planDir)}\n-- Drizzle's migrator cannot run this (it wraps every migration in one transaction): run it with psql.\n\n${ignoreLines(m, 'up')}${explicit(m.up)}\n`, lintAs: 'plain' });
      afterOutside = true;
    } else {
      if (afterOutside || (releasePhase !== undefined && releasePhase !== phase)) release++;
      afterOutside = false;
      releasePhase = phase;
      if (release === 1) {
        const idx = journal.entries.length;
        const tag = `${String(idx).padStart(4, '0')}_${name}`;
        journal.entries.push({ idx, version: journal.version ?? '7', when: when++, tag, breakpoints: true });
        w = entry(join(ctx.migrationsDir, `${tag}.sql`), tag, 1);
        files.push({ path: w.upPath, content: `${header(plan, w, all.length, 'up', ctx.planDir)}\n\n${ignoreLines(m, 'up')}${pieces(m.up)}\n`, lintAs: 'drizzle' });
      } else {
        (releases[release] ??= []).push(name);
        w = entry(join(ctx.planDir, 'drizzle', `${name}.sql`), name, release);
        files.push({ path: w.upPath, content: `${header(plan, w, all.length, 'up', ctx.planDir)}\n-- Release ${release}: \`node ${ctx.planDir}/${SCRIPT} ${release}\` adds it to the journal.\n\n${ignoreLines(m, 'up')}${pieces(m.up)}\n`, lintAs: 'drizzle' });
      }
    }
    migrations.push(w);
    files.push({ path: down, content: `${header(plan, w, all.length, 'down', ctx.planDir)}\n\n${ignoreLines(m, 'down')}${explicit(m.down)}\n`, lintAs: 'plain' });
  });
  if (migrations.some((m) => m.drizzleRelease === 1)) {
    files.push({ path: join(ctx.migrationsDir, 'meta', '_journal.json'), content: `${JSON.stringify(journal, null, 2)}`, appendsTo: ctx.drizzleJournal !== undefined });
  }
  if (Object.keys(releases).length) files.push({ path: join(ctx.planDir, SCRIPT), content: releaseScript(plan, posixRelative(ctx.planDir, ctx.migrationsDir), releases) });
  return { files, migrations };
}

/** `node <plan>/drizzle-release.cjs <n>`: what `drizzle-kit generate --custom` does, for the release's files (idempotent). */
function releaseScript(plan: Plan, out: string, releases: Record<string, string[]>): string {
  return `#!/usr/bin/env node
// Lockstep plan ${plan.slug}: \`node ${SCRIPT} <release>\` adds that release's migrations to Drizzle's journal
// (the next index, \`when\` = now, as \`drizzle-kit generate --custom\` would); then run \`npx drizzle-kit migrate\`.
// The releases are apart because Drizzle's migrator runs every pending migration in one transaction:
// the steps between them (outside-drizzle/) cannot run inside it. See PLAN.md.
'use strict';
const fs = require('fs');
const path = require('path');

const OUT = path.join(__dirname, ${JSON.stringify(out)});
const RELEASES = ${JSON.stringify(releases)};

const names = RELEASES[process.argv[2]];
if (!names) {
  console.error(\`usage: node \${path.basename(__filename)} <release>, one of: \${Object.keys(RELEASES).join(', ')}\`);
  process.exit(2);
}
const journalPath = path.join(OUT, 'meta', '_journal.json');
const journal = fs.existsSync(journalPath) ? JSON.parse(fs.readFileSync(journalPath, 'utf8')) : { version: '7', dialect: 'postgresql', entries: [] };
for (const name of names) {
  if (journal.entries.some((e) => e.tag.replace(/^\\d+_/, '') === name)) {
    console.log(\`\${name}: already in the journal\`);
    continue;
  }
  const idx = journal.entries.length;
  const last = journal.entries[idx - 1];
  const tag = \`\${String(idx).padStart(4, '0')}_\${name}\`;
  fs.copyFileSync(path.join(__dirname, 'drizzle', \`\${name}.sql\`), path.join(OUT, \`\${tag}.sql\`));
  journal.entries.push({ idx, version: journal.version || '7', when: Math.max(Date.now(), last ? last.when + 1 : 0), tag, breakpoints: true });
  console.log(\`added \${tag}.sql\`);
}
fs.mkdirSync(path.dirname(journalPath), { recursive: true });
fs.writeFileSync(journalPath, JSON.stringify(journal, null, 2));
`;
}

export function drizzlePhaseCommands(ctx: WriteContext, mine: readonly WrittenMigration[]): { apply: string[]; rollback: string[] } {
  const apply: string[] = [];
  mine.forEach((m, i) => {
    const prev = mine[i - 1];
    if (m.drizzleRelease === undefined) apply.push(`psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${m.upPath}`);
    else if (prev?.drizzleRelease === m.drizzleRelease) return;
    else if (m.drizzleRelease === 1) apply.push('npx drizzle-kit migrate   # the journal holds only this phase\'s migrations so far: Drizzle runs them in one transaction');
    else apply.push(`node ${ctx.planDir}/${SCRIPT} ${m.drizzleRelease} && npx drizzle-kit migrate`);
  });
  // Drizzle keeps no down migrations: undo the SQL; for a migration the migrator ran, also forget it (the newest record) and remove its file and journal entry.
  const rollback = [...mine].reverse().flatMap((m) => [
    `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${m.downPath}`,
    ...(m.drizzleRelease === undefined ? [] : [`psql "$DATABASE_URL" -c "DELETE FROM drizzle.__drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM drizzle.__drizzle_migrations)"   # then remove the ${m.version} file and its meta/_journal.json entry`]),
  ]);
  return { apply, rollback };
}
