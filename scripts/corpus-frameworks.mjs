// The framework part of `npm run corpus`: every host-language migration (.js/.ts…) listed in
// ../shared/frameworks-corpus/manifest.tsv (Rails .rb too) is read by its framework extractor and linted with the
// bundled engine, earlier migrations of the same folder replayed as schema history. Reports per
// framework: files, files recognised, SQL calls understood, statements linted, calls "not analysed"
// (reasons counted), crashes, syntax errors in the extracted SQL, and findings per rule.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pad = (label, value) => `  ${label.padEnd(28)} ${value}`;

/** Returns the failures (crashes, syntax errors in extracted SQL); [] when fine or skipped. */
export async function checkFrameworkCorpus(engine, corpus) {
  const manifest = join(corpus, 'manifest.tsv');
  if (!existsSync(manifest)) {
    console.log(`Framework corpus: none at ${corpus}; skipped.`);
    return [];
  }
  const rows = readFileSync(manifest, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([repo, framework, path]) => ({ framework, file: join(corpus, repo.replace('/', '+'), path) }));
  await engine.initEngine();
  const history = new engine.SchemaHistory(engine.snapshotFileSystem());
  const config = engine.DEFAULT_CONFIG;
  const by = new Map();
  for (const { framework, file } of rows.sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }))) {
    const text = readFileSync(file, 'utf8');
    const extractor = engine.detectFramework(file, text);
    // SQL-file frameworks (Prisma…) belong to the SQL corpus; only host files are read here.
    if (!extractor && !/\.(js|ts|cjs|mjs|py|rb|exs)$/i.test(file)) continue;
    const s = by.get(framework) ?? { files: 0, recognised: 0, understood: 0, statements: 0, notAnalysed: 0, reasons: {}, crashes: [], syntaxErrors: [], rules: {} };
    by.set(framework, s);
    s.files++;
    if (!extractor) continue;
    s.recognised++;
    try {
      const schema = history.schemaBefore(file, text, config);
      const result = engine.lintHostText(text, extractor, { path: file, config, schema });
      history.record(file, schema, result.document.catalog);
      const coverage = engine.frameworkCoverage(result);
      s.understood += coverage.understood;
      s.notAnalysed += coverage.notAnalysed;
      for (const [r, n] of Object.entries(coverage.reasons)) s.reasons[r] = (s.reasons[r] ?? 0) + n;
      s.statements += result.document.statements.length;
      for (const f of result.findings) {
        s.rules[f.ruleId] = (s.rules[f.ruleId] ?? 0) + 1;
        if (f.ruleId === 'syntax-error') s.syntaxErrors.push(`${file}: ${f.message}`);
      }
    } catch (err) {
      s.crashes.push(`${file}: ${String(err?.stack ?? err).split('\n')[0]}`);
    }
  }
  const failures = [];
  for (const [framework, s] of by) {
    const total = s.understood + s.notAnalysed;
    console.log(`Framework corpus: ${framework}`);
    console.log(pad('files', `${s.files} (${s.recognised} recognised as ${framework} migrations)`));
    console.log(pad('SQL calls understood', `${s.understood} of ${total} (${total ? ((100 * s.understood) / total).toFixed(1) : '100.0'} %)`));
    console.log(pad('statements linted', s.statements));
    console.log(pad('not analysed', s.notAnalysed));
    for (const [r, n] of Object.entries(s.reasons).sort((a, b) => b[1] - a[1])) console.log(pad(`  ${r}`, n));
    console.log(pad('crashes', s.crashes.length));
    console.log(pad('syntax errors', s.syntaxErrors.length));
    console.log('  Findings per rule:');
    for (const [id, n] of Object.entries(s.rules).sort((a, b) => b[1] - a[1])) console.log(pad(`  ${id}`, n));
    for (const c of s.crashes) console.log(`  CRASH ${c}`);
    for (const e of s.syntaxErrors) console.log(`  SYNTAX ERROR ${e}`);
    if (s.crashes.length) failures.push(`${s.crashes.length} ${framework} file(s) crashed the extractor or engine`);
    if (s.syntaxErrors.length) failures.push(`${s.syntaxErrors.length} syntax error(s) in SQL extracted from ${framework} files`);
  }
  return failures;
}
