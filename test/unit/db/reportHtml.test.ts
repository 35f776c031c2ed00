/** The report webview's page: strict CSP, no script or remote resource, escaped text, a real chart. */
import { strict as assert } from 'node:assert';
import { contentSecurityPolicy, reportHtml } from '../../../client/src/database/reportHtml';
import { MODE_COLORS, timelineSvg } from '../../../client/src/database/timelineSvg';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { buildReport } from '../../../server/src/db/estimate';
import { initEngine } from '../../../server/src/engine';
import { lock, MB, relation, snapshot } from './snapshots';

function report(sql = 'BEGIN;\nALTER TABLE orders ADD COLUMN s text;\nCREATE INDEX orders_note_idx ON orders (note);\nCOMMIT;\nALTER TABLE customers VALIDATE CONSTRAINT customers_ok;') {
  const snap = snapshot(
    [
      relation('orders', { heapBytes: 1300 * MB, totalBytes: 1300 * MB, locks: [lock(31, 'AccessShareLock', true, { query: "SELECT '<script>alert(1)</script>'" })] }),
      relation('customers', { heapBytes: 80 * MB, totalBytes: 80 * MB }),
    ],
    { schemaSql: 'CREATE TABLE orders (id bigint, note text);\nCREATE TABLE customers (id bigint);\nALTER TABLE customers ADD CONSTRAINT customers_ok CHECK (id > 0) NOT VALID;' },
  );
  return buildReport({ text: sql, displayPath: 'db/<weird>&.sql', config: { ...DEFAULT_CONFIG, estimate: { rewriteMBps: 100, scanMBps: 800, indexBuildMBps: 130 } } }, snap);
}

describe('estimate report webview HTML', () => {
  before(() => initEngine());

  it('allows only its nonce’d stylesheet: no scripts, no remote anything', () => {
    const html = reportHtml(report(), 'abc123');
    assert.ok(html.includes(`content="${contentSecurityPolicy('abc123')}"`));
    assert.match(contentSecurityPolicy('n'), /^default-src 'none'; style-src 'nonce-n';.*script-src 'none'/);
    assert.equal((html.match(/<style nonce="abc123">/g) ?? []).length, 1);
    assert.ok(!/<script/i.test(html), 'no script element');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
    assert.ok(!/\sstyle="/i.test(html), 'no inline style attributes (the CSP would block them)');
    assert.ok(!/(src|href)="(https?:)?\/\//i.test(html), 'no remote resources');
  });

  it('escapes everything that comes from the database or the file', () => {
    const html = reportHtml(report(), 'n');
    assert.ok(html.includes('db/&lt;weird&gt;&amp;.sql'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('has a row per statement with its risk, and opens the reasons of risky ones', () => {
    const html = reportHtml(report(), 'n');
    const rows = [...html.matchAll(/<tr class="statement risk-row-(\w+)" data-index="(\d+)">/g)].map((m) => [m[2], m[1]]);
    assert.deepEqual(rows, [['1', 'high'], ['2', 'high'], ['4', 'low']]);
    assert.match(html, /<details open><summary>Why high<\/summary>/);
    assert.match(html, /id="overall-risk">high</);
  });

  it('draws the lock timeline: one row per relation, bar widths from the estimated durations', () => {
    const r = report();
    const svg = timelineSvg(r);
    const bars = [...svg.matchAll(/<rect class="bar" data-mode="(\w+)" data-relation="(\w+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({ mode: m[1], relation: m[2], x: Number(m[3]), width: Number(m[4]) }));
    assert.deepEqual(bars.map((b) => [b.relation, b.mode]), [['orders', 'AccessExclusiveLock'], ['customers', 'ShareUpdateExclusiveLock']]);
    // ACCESS EXCLUSIVE on orders is held through the 10 s index build (to COMMIT); the validation takes 0.1 s.
    const [orders, customers] = bars;
    assert.ok(orders.width > 10 * customers.width, JSON.stringify(bars));
    assert.ok(customers.x >= orders.x + orders.width, 'the validation runs after the transaction');
    assert.ok(svg.includes(`fill="${MODE_COLORS.AccessExclusiveLock}"`));
    assert.match(svg, /<title>orders: ACCESS EXCLUSIVE from 0 s to 10 s \(taken by statement #2, held until its transaction commits\)<\/title>/);
    assert.match(svg, /class="legend-item".*ACCESS EXCLUSIVE.*SHARE UPDATE EXCLUSIVE/);
  });

  it('says so when nothing existing is locked', () => {
    assert.match(timelineSvg(report('CREATE TABLE t (id int);')), /No statement locks an existing relation/);
  });
});
