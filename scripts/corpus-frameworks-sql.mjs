// The SQL-file frameworks of ../shared/frameworks-corpus (manifest.tsv): for each (Prisma today),
// files, statements, statements not analysed (with their reasons counted), crashes, syntax errors
// (each checked against PostgreSQL 18: a false one fails the run), the runner detected, and findings per rule.
// Called by scripts/corpus-check.mjs with its worker pool; host-language frameworks are reported there.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Frameworks whose migrations are SQL files the engine lints directly. */
export const SQL_FRAMEWORKS = ['prisma'];

/** Manifest rows `repo<TAB>framework<TAB>path<TAB>commit`; the files live under `<owner>+<name>/<path>`. */
export function manifestFiles(corpus, framework) {
  const manifest = join(corpus, 'manifest.tsv');
  if (!existsSync(manifest)) return [];
  return readFileSync(manifest, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cols) => cols[1] === framework && cols[2])
    .map(([repo, , path]) => join(corpus, repo.replace('/', '+'), path))
    .filter((file) => existsSync(file));
}

export async function reportSqlFrameworks({ corpus, lintCorpus, confirmWithPostgres, workerCount, timeoutMs, pad, checkWithPostgres }) {
  const failures = [];
  for (const framework of SQL_FRAMEWORKS) {
    const files = manifestFiles(corpus, framework);
    if (files.length === 0) continue;
    const results = await lintCorpus(files, workerCount, timeoutMs);
    const linted = results.filter((r) => r.ok);
    const crashes = results.filter((r) => !r.ok);
    const parsed = linted.reduce((n, r) => n + r.parsed, 0);
    const syntaxErrors = linted.reduce((n, r) => n + r.syntaxErrors.length, 0);
    const reasons = {};
    for (const r of linted) for (const reason of r.notAnalysed ?? []) reasons[reason] = (reasons[reason] ?? 0) + 1;
    const notAnalysed = Object.values(reasons).reduce((a, b) => a + b, 0);
    const runners = {};
    for (const r of linted) runners[r.runner] = (runners[r.runner] ?? 0) + 1;
    const rules = {};
    for (const r of linted) for (const [id, n] of Object.entries(r.rules)) rules[id] = (rules[id] ?? 0) + n;

    console.log(`Framework corpus: ${framework} (${corpus})`);
    console.log(pad('files', `${files.length} (${linted.length} linted)`));
    console.log(pad('runner detected', Object.entries(runners).map(([k, n]) => `${k} ${n}`).join(', ')));
    console.log(pad('statements', `${parsed + syntaxErrors + notAnalysed} (${parsed} analysed, ${notAnalysed} not analysed, ${syntaxErrors} syntax errors)`));
    for (const [reason, n] of Object.entries(reasons)) console.log(pad('  not analysed', `${n}: ${reason}`));
    console.log(pad('crashes and hangs', crashes.length));
    console.log('Findings per rule:');
    for (const [id, n] of Object.entries(rules).sort((a, b) => b[1] - a[1])) console.log(pad(id, n));
    for (const r of crashes) console.log(`  ${r.hung ? 'HANG' : 'CRASH'} ${relative(corpus, r.file)}: ${r.error.split('\n')[0]}`);
    if (crashes.length) failures.push(`${crashes.length} ${framework} file(s) crashed or hung`);

    const withErrors = linted.filter((r) => r.syntaxErrors.length > 0);
    if (withErrors.length && checkWithPostgres) {
      const v = await confirmWithPostgres(withErrors, corpus);
      console.log(pad('syntax errors PG rejects too', `${v.chunksRejected} of ${v.chunks}`));
      for (const line of v.chunksAccepted) console.log(`  ACCEPTED BY PG ${line}`);
      if (v.chunksAccepted.length) failures.push(`${v.chunksAccepted.length} ${framework} statement(s) PostgreSQL accepts were reported as syntax errors`);
    } else if (withErrors.length) {
      console.log('  Syntax errors were not checked against PostgreSQL (--no-pg).');
    }
  }
  return failures;
}
