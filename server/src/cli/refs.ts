/**
 * `lockstep refs <table>[.<column>]`: every place in the application code that uses a table or a
 * column (what a contract statement would break), in place of hand-written grep scripts.
 * Exit codes: 0 no reference, 1 some references, 2 usage or I/O error.
 */
import { resolve } from 'node:path';
import { describeReference } from '../coderefs/affected';
import { GitRevisionError } from '../coderefs/gitTree';
import { loadCodeIndex, type CodeOptions } from './codeIndex';
import type { Subcommand } from './commands';
import { ConfigResolver } from './configs';

const USAGE = 'usage: lockstep refs [--format text|json] [--code <dir>]... [--code-ref <git-ref>] [--config <file>] <table>[.<column>]';
const VALUE_OPTIONS = ['--format', '--code', '--code-ref', '--config'];

export const refsCommand: Subcommand = {
  summary: 'list the application code that uses a table or a column (text or json)',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.writeOut(`${USAGE}\n`);
      return 0;
    }
    const values: Record<string, string[]> = {};
    const operands: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const eq = a.indexOf('=');
      const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
      if (VALUE_OPTIONS.includes(name)) {
        const v = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : argv[++i];
        if (!v) return usage(io, `${name} needs a value`);
        (values[name] ??= []).push(v);
      } else if (a.startsWith('--')) return usage(io, `unknown option ${a}`);
      else operands.push(a);
    }
    const format = values['--format']?.[0] ?? 'text';
    if (!['text', 'json'].includes(format)) return usage(io, '--format must be text or json');
    if (operands.length !== 1) return usage(io, 'give one <table> or <table>.<column>');
    const m = /^(?:[^.]+\.)?("(?:[^"]|"")+"|[^."]+)(?:\.("(?:[^"]|"")+"|[^."]+))?$/.exec(operands[0]);
    if (!m) return usage(io, `not a table or table.column: ${operands[0]}`);
    // `refs public.users.name` works too: the schema is ignored, like everywhere in the index.
    const parts = operands[0].split('.');
    const [tableText, columnText] = parts.length === 3 ? [parts[1], parts[2]] : parts.length === 2 ? [parts[0], parts[1]] : [parts[0], undefined];
    const table = identifier(tableText);
    const column = columnText === undefined ? undefined : identifier(columnText);
    const configs = new ConfigResolver(io.cwd, values['--config']?.[0]);
    const options: CodeOptions = { dirs: values['--code'] ?? [], ref: values['--code-ref']?.[0], cwd: io.cwd, settings: configs.configFor(resolve(io.cwd, 'x')).config.codeScan };
    let index;
    try {
      index = await loadCodeIndex(options);
    } catch (err) {
      if (!(err instanceof GitRevisionError || err instanceof Error)) throw err;
      io.writeErr(`lockstep: ${err.message}\n`);
      return 2;
    }
    const refs = index.lookup(table, column).references;
    const target = column === undefined ? table : `${table}.${column}`;
    if (format === 'json') {
      const rows = refs.map((r) => ({ path: r.path, line: r.line, column: r.column1, endLine: r.endLine, endColumn: r.endColumn1, table: r.table, ...(r.column !== undefined ? { column_name: r.column } : {}), access: r.access, everyColumn: !!r.everyColumn, source: r.source, description: describeReference(r), excerpt: r.excerpt ?? '' }));
      io.writeOut(`${JSON.stringify({ version: 1, target, references: rows }, null, 2)}\n`);
    } else if (refs.length === 0) io.writeOut(`No code uses ${target}.\n`);
    else {
      for (const r of refs) io.writeOut(`${r.path}:${r.line}:${r.column1}: ${describeReference(r)}\n    ${r.excerpt ?? ''}\n`);
      io.writeOut(`${refs.length} reference${refs.length === 1 ? '' : 's'} to ${target}.\n`);
    }
    return refs.length > 0 ? 1 : 0;
  },
};

/** An identifier as PostgreSQL folds it: `Users` → users, `"Users"` → Users. */
function identifier(text: string): string {
  return /^".*"$/.test(text) ? text.slice(1, -1).replace(/""/g, '"') : text.toLowerCase();
}

function usage(io: { writeErr(t: string): void }, message: string): number {
  io.writeErr(`lockstep refs: ${message}\n${USAGE}\n`);
  return 2;
}
