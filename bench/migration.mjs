// A generated migration with a realistic mix of DDL (tables, indexes, constraints, functions,
// backfills), used by the LSP latency benchmark. Deterministic: the same lines every run.

function block(i) {
  const t = `bench_t${i}`;
  return [
    `-- step ${i}: table ${t}`,
    `CREATE TABLE IF NOT EXISTS ${t} (`,
    '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
    '  account_id bigint NOT NULL,',
    '  name text NOT NULL,',
    "  status text DEFAULT 'new',",
    '  created_at timestamptz NOT NULL DEFAULT now()',
    ');',
    `CREATE INDEX ${t}_account_idx ON ${t} (account_id);`,
    `ALTER TABLE ${t} ADD COLUMN note_${i} text;`,
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;`,
    `ALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_account_fk;`,
    `UPDATE ${t} SET status = 'active' WHERE id < 1000;`,
    `COMMENT ON TABLE ${t} IS 'benchmark table ${i}';`,
    `CREATE OR REPLACE FUNCTION ${t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$`,
    'BEGIN',
    '  NEW.created_at := now();',
    '  RETURN NEW;',
    'END',
    '$$;',
    `ALTER TABLE ${t} ALTER COLUMN name SET NOT NULL;`,
    `ALTER TABLE ${t} ALTER COLUMN account_id TYPE numeric;`,
    `DROP INDEX IF EXISTS ${t}_old_idx;`,
    `SET lock_timeout = '2s';`,
    '',
  ];
}

/** One-line edits the benchmark makes: the line to pick, and how to change it (`n` keeps each edit unique). */
export const EDITS = {
  // Changes the schema that every later statement sees.
  'rename-column': { matches: (line) => line.includes(' ADD COLUMN note_'), edit: (line, n) => line.replace(/ADD COLUMN (note_\d+)(?:_e\d+)?/, `ADD COLUMN $1_e${n}`) },
  // Changes only a string literal: nothing later depends on it.
  'comment-text': { matches: (line) => line.startsWith('COMMENT ON TABLE'), edit: (line, n) => line.replace(/'[^']*'/, `'benchmark table, edit ${n}'`) },
};

/** Exactly `lineCount` lines; `editable[kind]` holds the 0-based numbers of the lines each kind of edit changes. */
export function generateMigration(lineCount = 20_000) {
  const lines = ['CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);'];
  const editable = Object.fromEntries(Object.keys(EDITS).map((kind) => [kind, []]));
  for (let i = 0; ; i++) {
    const next = block(i);
    if (lines.length + next.length > lineCount) break;
    for (const line of next) {
      for (const [kind, { matches }] of Object.entries(EDITS)) if (matches(line)) editable[kind].push(lines.length);
      lines.push(line);
    }
  }
  // Whole blocks only (a cut could leave a dollar quote open); fill up with one-line statements.
  for (let i = 0; lines.length < lineCount; i++) lines.push(`ANALYZE bench_t${i};`);
  return { text: `${lines.join('\n')}\n`, lines, editable };
}
