/** The report's renderings: text for terminals, markdown for pull requests, JSON for scripts, the hover. */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { chartScale } from '../../../server/src/db/chartScale';
import { buildReport } from '../../../server/src/db/estimate';
import { formatBytes, formatSeconds } from '../../../server/src/db/format';
import { connectedHover } from '../../../server/src/db/render/hover';
import { renderJson } from '../../../server/src/db/render/json';
import { renderMarkdown } from '../../../server/src/db/render/markdown';
import { renderText } from '../../../server/src/db/render/text';
import { timelineText } from '../../../server/src/db/render/timelineText';
import { initEngine } from '../../../server/src/engine';
import { lock, MB, relation, session, snapshot } from './snapshots';

const SQL = 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;\nCREATE INDEX orders_note_idx ON orders (note);\nCREATE TABLE audit (id int);';

function report() {
  const snap = snapshot(
    [relation('orders', { rows: 1_234_567, heapBytes: 1000 * MB, totalBytes: 1200 * MB, indexBytes: 200 * MB, locks: [lock(4242, 'RowExclusiveLock', true, { application: 'billing|worker', query: 'UPDATE orders SET note = `x`' })] })],
    { schemaSql: 'CREATE TABLE orders (id bigint, amount integer, note text);', longTransactions: [session(77, { xactAgeSeconds: 7200, application: 'etl' })] },
  );
  return buildReport({ text: SQL, displayPath: 'migrations/V7__orders.sql', config: { ...DEFAULT_CONFIG, estimate: { rewriteMBps: 100, scanMBps: 800, indexBuildMBps: 130 } } }, snap);
}

describe('estimate renderings', () => {
  before(() => initEngine());

  it('formats sizes like pg_size_pretty and durations for people', () => {
    assert.deepEqual([formatBytes(0), formatBytes(8192), formatBytes(1.5 * MB), formatBytes(250 * MB), formatBytes(3 * 1024 * MB), formatBytes(null)], ['0 bytes', '8 kB', '1.5 MB', '250 MB', '3 GB', '?']);
    assert.deepEqual([formatSeconds(0), formatSeconds(0.004), formatSeconds(0.42), formatSeconds(12.4), formatSeconds(200), formatSeconds(7500)], ['0 s', '< 0.01 s', '0.42 s', '12 s', '3 min 20 s', '2 h 5 min']);
  });

  it('text: every statement with its lock, figures, blockers, reasons, then the timeline', () => {
    const text = renderText(report());
    assert.match(text, /^Lock impact of migrations\/V7__orders\.sql\napp@db\.test:5432\/app · PostgreSQL 18\.4 · 3 statements/);
    assert.match(text, /#1  line 1  HIGH {4}ALTER TABLE orders: ALTER COLUMN amount TYPE/);
    assert.match(text, /orders: 1,234,567 rows, table 1000 MB/);
    assert.match(text, /waits for pid 4242 billing\|worker \(idle in transaction, transaction open 2 min\) holds ROW EXCLUSIVE/);
    assert.match(text, /#3  line 3  LOW {5}CREATE TABLE/);
    assert.match(text, /Lock timeline\n {2}orders \|█+▓+ *\|/);
    assert.match(text, /Transactions open longer than 60 s\n {2}pid 77 etl \(idle in transaction, open 2 h\)/);
    assert.match(text, /Durations assume rewrite 100 MB\/s, scan 800 MB\/s, index build 130 MB\/s/);
  });

  it('markdown: a summary table for a pull request, risky statements folded open with their SQL', () => {
    const md = renderMarkdown(report());
    assert.match(md, /^### Lockstep lock impact: `migrations\/V7__orders\.sql` — risk \*\*HIGH\*\*/);
    assert.match(md, /\| # \| line \| statement \| lock \| rows \| size \| est\. time \| blockers now \| risk \|/);
    assert.match(md, /\| 1 \| 1 \| ALTER TABLE orders: ALTER COLUMN amount TYPE \| ACCESS EXCLUSIVE on orders \| 1,234,567 \| 1\.17 GB \| 10 s \| 1 \| \*\*HIGH\*\* \|/);
    assert.match(md, /billing\\\|worker/, 'pipes in cells are escaped');
    assert.match(md, /<details><summary>#1 \(line 1\)/);
    assert.match(md, /```sql\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n```/);
    assert.match(md, /```text\norders \|/);
    assert.match(md, /UPDATE orders SET note = 'x'/, 'backticks inside code spans are neutralised');
    assert.ok(!md.includes('<script'), 'no HTML beyond details/summary/sub');
  });

  it('json: the report model itself, versioned', () => {
    const parsed = JSON.parse(renderJson(report()));
    assert.equal(parsed.format, 'lockstep-estimate');
    assert.equal(parsed.version, 1);
    assert.equal(parsed.statements.length, 3);
    assert.equal(parsed.statements[0].relations[0].waitsFor[0].pid, 4242);
    assert.equal(parsed.risk, 'high');
  });

  it('hover: live figures, the estimated time, who is in the way, and the risk', () => {
    const r = report();
    const md = connectedHover(r, r.statements[0], 3);
    assert.match(md, /^---\n\n\*\*app@db\.test:5432\/app\*\* · PostgreSQL 18\.4 · figures from 3 s ago/);
    assert.match(md, /\| orders \| 1,234,567 \| 1000 MB \| — \| — \| 10 s \|/);
    assert.match(md, /Estimated time: 10 s — rewrite of orders: 1000 MB at 100 MB\/s/);
    assert.match(md, /- waits for pid 4242/);
    assert.match(md, /\*\*Risk: HIGH\*\*/);
    assert.match(connectedHover(r, undefined, 0), /takes no table lock/);
  });

  it('the text timeline scales bars by duration but keeps instant statements visible', () => {
    const scale = chartScale([0, 10, 0]);
    assert.ok(scale.width[0] >= 0.04 && scale.width[2] >= 0.04);
    assert.ok(Math.abs(scale.width.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(scale.width[1] > 0.9);
    assert.deepEqual(chartScale([0, 0]).width, [0.5, 0.5]);
    const lines = timelineText(report(), 40);
    const bar = lines[0].slice(lines[0].indexOf('|') + 1, lines[0].lastIndexOf('|'));
    assert.equal(bar.length, 40);
    const rewrite = (bar.match(/█/g) ?? []).length;
    const build = (bar.match(/▓/g) ?? []).length;
    // 10 s of rewrite against 7.7 s of index build.
    assert.ok(rewrite > build && build > 0, bar);
  });
});
