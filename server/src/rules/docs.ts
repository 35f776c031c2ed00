/**
 * Renders the generated part of each docs/rules/<id>.md page: the lock facts of the rule's
 * examples, straight from the lock model (lintText + explain), so no page restates a lock level.
 * Pure: no file system. scripts/gen-rule-docs.ts writes the pages; a unit test compares them.
 */
import { DEFAULT_CONFIG, type LockstepConfig, type Severity } from '../config/types';
import { catalogFromSql, explain, initEngine, lintText, type StatementImpact } from '../engine';
import { referencesOf } from '../coderefs/index';
import { escapeCell, impactTable } from '../impactTable';
import { BUILTIN_CHECKS, categoryOf, RULE_IDS, ruleById } from './index';

export const LOCKS_START = '<!-- lockstep:locks:start -->';
export const LOCKS_END = '<!-- lockstep:locks:end -->';

/** The PostgreSQL version every page is rendered for; version-sensitive rules add variants. */
export const DOCS_PG_VERSION = DEFAULT_CONFIG.pgVersion;

interface Example {
  setup?: string;
  flagged: string;
  clean: string;
}

/** More SQL worth showing: the same statement on versions where the model's answer differs, or a less obvious case. */
interface Variant {
  title: string;
  setup?: string;
  sql: string;
  versions: number[];
  /** A file name, when the runner it implies matters (e.g. `V7__x.sql` for Flyway's transaction). */
  path?: string;
}

/** The built-in checks have no rule file, so their examples live here. */
const BUILTIN_EXAMPLES: Record<keyof typeof BUILTIN_CHECKS, Example> = {
  'syntax-error': {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
    flagged: "ALTER TABLE orders ADD COLUMN note text DEFALT '';\nALTER TABLE orders ADD COLUMN paid boolean;",
    clean: "ALTER TABLE orders ADD COLUMN note text DEFAULT '';\nALTER TABLE orders ADD COLUMN paid boolean;",
  },
  'psql-meta-command': {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
    flagged: '\\set ON_ERROR_STOP on\nALTER TABLE orders ADD COLUMN note text;',
    clean: 'ALTER TABLE orders ADD COLUMN note text;',
  },
  'not-analysed': {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);',
    flagged: '{{ if .Options.WithNote }}\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n{{ end }}',
    clean: 'ALTER TABLE {{ .Schema }}.orders ADD COLUMN paid boolean;',
  },
  'unused-ignore': {
    setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
    flagged: '-- lockstep-ignore require-concurrent-index: orders is small\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
    clean: '-- lockstep-ignore require-concurrent-index: orders is small\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
  },
};

const USERS_WITH_CHECK =
  'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' +
  'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL);';

const VARIANTS: Record<string, Variant[]> = {
  'volatile-default': [
    {
      title: 'A constant or STABLE default (here `now()`) rewrites only before PostgreSQL 11',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
      sql: 'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();',
      versions: [10, 11],
    },
  ],
  'set-not-null': [
    {
      title: 'With a validated `CHECK (email IS NOT NULL)` in place, only PostgreSQL 12+ skips the scan',
      setup: USERS_WITH_CHECK,
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      versions: [11, 12],
    },
  ],
  'type-change-rewrite': [
    {
      title: '`timestamp` → `timestamptz`: always a rewrite before PostgreSQL 12; from 12 only when the session TimeZone is not UTC',
      setup: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);',
      sql: 'ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;',
      versions: [11, 12],
    },
  ],
  'require-lock-timeout': [
    {
      title: 'One finding per transaction: on its first blocking statement, listing every lock it will queue for',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);',
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCOMMIT;',
      versions: [DOCS_PG_VERSION],
    },
    {
      title: 'A new table with a foreign key locks the table it references',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
      sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
      versions: [DOCS_PG_VERSION],
    },
  ],
  'table-rewrite': [
    {
      title: '`VACUUM FULL;` and `CLUSTER;` with no table work through every table of the database',
      sql: 'VACUUM FULL;',
      versions: [DOCS_PG_VERSION],
    },
  ],
  'require-concurrent-reindex': [
    {
      title: '`REINDEX SCHEMA` (and `DATABASE`, `SYSTEM`) names no table, but locks every table of it in turn',
      sql: 'REINDEX SCHEMA public;',
      versions: [DOCS_PG_VERSION],
    },
    {
      title: '`REINDEX CONCURRENTLY` exists from PostgreSQL 12; before that the message gives the create-drop-rename recipe',
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
      sql: 'REINDEX INDEX orders_user_id_idx;',
      versions: [11, 12],
    },
  ],
  'require-concurrent-detach': [
    {
      title: '`DETACH PARTITION … CONCURRENTLY` exists from PostgreSQL 14; before that the finding is info only',
      setup:
        'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\n' +
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      sql: 'ALTER TABLE events DETACH PARTITION events_2024;',
      versions: [13, 14],
    },
  ],
  'attach-partition-scan': [
    {
      title: 'Before PostgreSQL 12, ATTACH also locks the parent ACCESS EXCLUSIVE',
      setup: 'CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE events_2025 (id bigint, at date NOT NULL);',
      sql: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
      versions: [11, 12],
    },
  ],
  'enum-add-value-in-transaction': [
    {
      title: 'Before PostgreSQL 12 the ADD VALUE itself fails in a transaction (reported by concurrent-in-transaction); from 12 only the use of the new value does',
      setup: "CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE people (id bigint PRIMARY KEY, mood mood);",
      sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'ecstatic';\nUPDATE people SET mood = 'ecstatic' WHERE id = 1;\nCOMMIT;",
      versions: [11, 12],
    },
  ],
  'required-column': [
    {
      title: 'Before PostgreSQL 11 a DEFAULT rewrites the table, so the advice changes',
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY);',
      sql: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
      versions: [10, 11],
    },
  ],
  'primary-key-needs-index': [
    {
      title: '`PRIMARY KEY USING INDEX` on a nullable column still scans: PostgreSQL 12+ can skip it once a valid CHECK proves NOT NULL',
      setup: 'CREATE TABLE events (id bigint, payload text);\nCREATE UNIQUE INDEX CONCURRENTLY events_id_key ON events (id);',
      sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_key;',
      versions: [11, 16],
    },
  ],
  'validate-in-same-transaction': [
    {
      title: 'A runner transaction counts too: Flyway runs this file as one transaction',
      setup: 'CREATE TABLE orders (id bigint PRIMARY KEY, amount int);',
      sql:
        'ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0) NOT VALID;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;',
      versions: [DOCS_PG_VERSION],
      path: 'V7__orders_amount_check.sql',
    },
  ],
  'prefer-timestamptz': [
    {
      title: 'What converting an existing column later costs depends on the version',
      setup: 'CREATE TABLE events (id bigint PRIMARY KEY);',
      sql: 'ALTER TABLE events ADD COLUMN happened_at timestamp;',
      versions: [11, 12],
    },
  ],
  'concurrent-in-transaction': [
    {
      title: '`ALTER TYPE … ADD VALUE` cannot run in a transaction block before PostgreSQL 12',
      setup: "CREATE TYPE mood AS ENUM ('happy', 'sad');",
      sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'ecstatic';\nCOMMIT;",
      versions: [11, 12],
    },
  ],
};

export function examplesOf(id: string): Example | undefined {
  return ruleById(id)?.examples ?? BUILTIN_EXAMPLES[id as keyof typeof BUILTIN_EXAMPLES];
}

export function defaultSeverityOf(id: string): Severity | undefined {
  return ruleById(id)?.defaultSeverity ?? BUILTIN_CHECKS[id as keyof typeof BUILTIN_CHECKS]?.defaultSeverity;
}

export function titleOf(id: string): string | undefined {
  return ruleById(id)?.title ?? BUILTIN_CHECKS[id as keyof typeof BUILTIN_CHECKS]?.title;
}

/** Every id that must have a page: the rules and the built-in checks. */
export function documentedIds(): readonly string[] {
  return RULE_IDS;
}

/** The generated block (markers included) for one rule id. */
export async function renderLocksBlock(id: string): Promise<string> {
  await initEngine();
  const examples = examplesOf(id);
  if (!examples) throw new Error(`no examples for ${id}`);
  // The built-in checks are about the file, not locks: their examples show findings only.
  const withLocks = !!ruleById(id);
  const intro = withLocks
    ? `Lock facts below are computed by Lockstep's lock model for PostgreSQL ${DOCS_PG_VERSION}, with this schema from earlier migrations:`
    : `This check does not depend on the lock model. Below is what Lockstep reports on two versions of a file (PostgreSQL ${DOCS_PG_VERSION}), given this schema from earlier migrations:`;
  const lines = [
    LOCKS_START,
    '<!-- Generated from the lock model by `npx tsx scripts/gen-rule-docs.ts`. Edits inside this block are overwritten. -->',
    '',
    `Default severity: ${ruleById(id)?.defaultOff ? `**off** (**${defaultSeverityOf(id)}** with \`"extends": "lockstep:strict"\`, as shown below)` : `**${defaultSeverityOf(id)}**`}. Category: **${categoryOf(id)}** (\`"categories": { "${categoryOf(id)}": "off" }\` switches the whole category; a rule's own setting wins). ${intro}`,
    '',
    ...(examples.setup ? schemaBlock(id, examples.setup, DOCS_PG_VERSION) : sqlBlock('-- (no schema)', expectLine([]))),
    ...(ruleById(id)?.examples.code ?? []).flatMap((f) => ['', `and this application code in \`${f.path}\`:`, '', '```', f.text.trimEnd(), '```']),
    '',
    withLocks ? '### Flagged' : '### Reported',
    '',
    ...renderCase(id, examples.flagged, examples.setup, DOCS_PG_VERSION, withLocks),
    withLocks ? '### Safe alternative' : '### Not reported',
    '',
    ...renderCase(id, examples.clean, examples.setup, DOCS_PG_VERSION, withLocks),
  ];
  for (const variant of VARIANTS[id] ?? []) {
    lines.push(`### ${variant.title}`, '');
    if (variant.setup) lines.push('Schema:', '', ...schemaBlock(id, variant.setup, variant.versions[0]), '');
    for (const version of variant.versions) {
      if (variant.path) lines.push(`#### PostgreSQL ${version}, file \`${variant.path}\``, '', ...renderCase(id, variant.sql, variant.setup, version, true, variant.path));
      else lines.push(`#### PostgreSQL ${version}`, '', ...renderCase(id, variant.sql, variant.setup, version));
    }
  }
  lines.push(LOCKS_END);
  return lines.join('\n');
}

/** One SQL text: the SQL, a lock table per statement, and what this rule reports on it. */
function renderCase(id: string, sql: string, setup: string | undefined, pgVersion: number, withLocks = true, path?: string): string[] {
  const config = docsConfig(id, pgVersion);
  const schema = setup ? catalogFromSql(setup, config) : undefined;
  const code = ruleById(id)?.examples.code;
  const result = lintText(sql, { config, schema, path, code: code && referencesOf(code) });
  const options = [...lintOptions(id, pgVersion), ...(path ? [`file ${path}`] : []), ...(setup ? ['after schema'] : []), ...(code ? ['code'] : [])];
  const lines = [...sqlBlock(sql, expectLine(result.findings.map((f) => f.ruleId), options)), ''];
  for (const impact of withLocks ? explain(result, config) : []) {
    if (impact.relations.length === 0 && impact.notes.length === 0) continue; // BEGIN, SET, …: nothing to show
    lines.push(...renderImpact(impact), '');
  }
  const own = result.findings.filter((f) => f.ruleId === id);
  if (own.length === 0) lines.push(`Lockstep reports no \`${id}\` finding here.`, '');
  for (const f of own) {
    lines.push(`Lockstep reports (${f.severity}) on \`${oneLine(sql.slice(f.span.start, f.span.end))}\`:`, '', `> ${oneLine(f.message)}`, '');
  }
  return lines;
}

function renderImpact(impact: StatementImpact): string[] {
  const where = impact.inTransaction ? ' (inside a transaction)' : '';
  if (impact.relations.length === 0) {
    return [`**${escapeCell(impact.summary)}**${where}: no table-level lock.`, ...impact.notes.map((n) => `- ${n}`)];
  }
  return [
    `**${escapeCell(impact.summary)}**${where}:`,
    '',
    ...impactTable(impact.relations),
    ...(impact.notes.length ? ['', ...impact.notes.map((n) => `- ${n}`)] : []),
  ];
}

/** A rule that is off by default is shown as `lockstep:strict` runs it. */
function docsConfig(id: string, pgVersion: number): LockstepConfig {
  return { ...DEFAULT_CONFIG, pgVersion, ...(ruleById(id)?.defaultOff ? { extends: 'lockstep:strict' as const } : {}) };
}

/** How the block was linted, in the options of its `-- expect:` line (test/support/sqlExpectations.ts). */
function lintOptions(id: string, pgVersion: number): string[] {
  return [...(pgVersion !== DEFAULT_CONFIG.pgVersion ? [`pg ${pgVersion}`] : []), ...(ruleById(id)?.defaultOff ? ['strict'] : [])];
}

/**
 * The machine-readable line every SQL block of the docs starts with: what Lockstep reports on it
 * (all rules, not just the page's) and how it was linted. test/unit/docs/sqlBlocks.test.ts re-lints it.
 */
export function expectLine(ruleIds: readonly string[], options: readonly string[] = []): string {
  const ids = [...new Set(ruleIds)].sort();
  return `-- expect: ${[ids.length ? ids.join(', ') : 'clean', ...options].join('; ')}`;
}

/** A schema block: later blocks that say `after schema` run against it. */
function schemaBlock(id: string, setup: string, pgVersion: number): string[] {
  const config = docsConfig(id, pgVersion);
  const found = lintText(setup, { config }).findings.map((f) => f.ruleId);
  return sqlBlock(setup, expectLine(found, [...lintOptions(id, pgVersion), 'schema']));
}

function sqlBlock(sql: string, expect?: string): string[] {
  return ['```sql', ...(expect ? [expect] : []), sql, '```'];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}


/** Replace the generated block in `page` (or create the page from the template when there is none). */
export function updatePage(id: string, page: string | undefined, block: string): string {
  if (page === undefined) return pageTemplate(id, block);
  const start = page.indexOf(LOCKS_START);
  const end = page.indexOf(LOCKS_END, start);
  if (start < 0 || end < 0) return `${page.replace(/\s*$/, '')}\n\n## Locks\n\n${block}\n`;
  return page.slice(0, start) + block + page.slice(end + LOCKS_END.length);
}

/** A new page: headings to fill in, the generated block, and the ignore syntax every page carries. */
export function pageTemplate(id: string, block: string): string {
  return [
    `# ${id}`,
    '',
    `${titleOf(id) ?? id}.`,
    '',
    '## What it flags and why',
    '',
    'TODO: what the rule flags, and what happens in production when it runs.',
    '',
    '## Locks',
    '',
    block,
    '',
    '## Safe alternative',
    '',
    'TODO: the safe pattern, in words (the SQL is in the generated block above).',
    '',
    ignoreSection(id),
  ].join('\n');
}

/** An ignore comment on its own silences nothing, so it is itself reported (`unused-ignore`), as its expect line says. */
function annotated(ignore: string): string {
  return `${expectLine(lintText(ignore, { config: DEFAULT_CONFIG }).findings.map((f) => f.ruleId))}\n${ignore}`;
}

export function ignoreSection(id: string): string {
  // Built-in findings belong to the file, not to a parsed statement, so only file-wide forms reach them.
  const perStatement = !!ruleById(id);
  return [
    '## Ignoring it',
    '',
    perStatement
      ? 'For one statement, put this on the line(s) before it; it silences only the next statement:'
      : `This finding belongs to the file rather than to a statement, so the next-statement form \`-- lockstep-ignore ${id}: reason\` does not silence it. Use the file form or the config.`,
    '',
    ...(perStatement ? sqlBlock(annotated(`-- lockstep-ignore ${id}: why this is safe here`)) : []),
    ...(perStatement ? [''] : []),
    'For a whole file:',
    '',
    ...sqlBlock(annotated(`-- lockstep-ignore-file ${id}`)),
    '',
    'Everywhere, in `lockstep.config.json` (or set a severity instead of `"off"`):',
    '',
    '```json',
    `{ "rules": { "${id}": "off" } }`,
    '```',
    '',
  ].join('\n');
}
