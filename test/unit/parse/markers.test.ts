import { strict as assert } from 'node:assert';
import { findMarkerLines, parseMarkerLine } from '../../../server/src/parse/markers';
import { splitSql } from '../../../server/src/parse/split';

describe('runner markers', () => {
  it('accepts goose spacing and case variants, like goose does', () => {
    for (const line of ['-- +goose Up', '--+goose up', '--   +goose   UP  ', '-- +goose NO  transaction']) {
      assert.ok(parseMarkerLine(line, 0), line);
    }
    assert.equal(parseMarkerLine('-- +goose no transaction', 0)?.name, 'no-transaction');
    assert.equal(parseMarkerLine('-- +goose StatementEnd', 0)?.name, 'statement-end');
  });

  it('ignores ENVSUB, unknown annotations and look-alikes', () => {
    for (const line of ['-- +goose ENVSUB ON', '-- +goose envsub off', '-- +goose Sideways', '-- goose Up', '-- migrate:upgrade', '-- migrate: up', 'select 1 -- +goose Up']) {
      assert.equal(parseMarkerLine(line, 0), undefined, line);
    }
  });

  it('parses every dbmate option on the marker line', () => {
    const marker = parseMarkerLine('--migrate:down transaction:false  foo:bar', 5);
    assert.deepEqual(marker, { runner: 'dbmate', name: 'down', options: { transaction: 'false', foo: 'bar' }, span: { start: 5, end: 46 } });
  });

  it('finds marker lines with their line extents, across CRLF endings', () => {
    const text = 'select 1;\r\n-- migrate:up\r\nselect 2;\r\n-- migrate:down';
    const lines = findMarkerLines(text);
    assert.deepEqual(lines.map((l) => text.slice(l.marker.span.start, l.marker.span.end)), ['-- migrate:up', '-- migrate:down']);
    assert.equal(text.slice(lines[0].lineStart, lines[0].lineEnd), '-- migrate:up\r\n');
    assert.equal(lines[1].lineEnd, text.length);
  });
});

describe('markers of the other SQL runners', () => {
  const names = (text: string) => findMarkerLines(text).map((l) => `${l.marker.runner}:${l.marker.name}`);

  it('sqlx reads -- no-transaction on the first line only', () => {
    assert.deepEqual(names('-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);'), ['sqlx:no-transaction']);
    assert.deepEqual(names('SELECT 1;\n-- no-transaction\n'), []);
  });

  it('postgres-migrations, graphile-migrate headers, Atlas txmode, Drizzle breakpoints', () => {
    assert.deepEqual(names('-- postgres-migrations disable-transaction\nSELECT 1;'), ['postgres-migrations:no-transaction']);
    assert.deepEqual(names('--! Previous: -\n--! Hash: sha1:ab\n--! no-transaction\nSELECT 1;'), ['graphile-migrate:header', 'graphile-migrate:header', 'graphile-migrate:no-transaction']);
    assert.equal(findMarkerLines('-- atlas:txmode none\n\nSELECT 1;')[0].marker.options.mode, 'none');
    assert.deepEqual(names('SELECT 1;\n--> statement-breakpoint\nSELECT 2;'), ['drizzle:breakpoint']);
  });

  it('Liquibase changesets carry their attributes', () => {
    const [formatted, changeset] = findMarkerLines('--liquibase formatted sql\n--changeset alice:7 runInTransaction:false splitStatements:false context:"prod"\nSELECT 1;').map((l) => l.marker);
    assert.equal(formatted.name, 'formatted-sql');
    assert.deepEqual(changeset.options, { id: 'alice:7', runInTransaction: 'false', splitStatements: 'false', context: 'prod' });
  });

  it('only section markers end a statement: an opt-out comment inside one does not split it', () => {
    const sql = 'SELECT 1,\n-- postgres-migrations disable-transaction\n2;\n--changeset a:2\nSELECT 3';
    assert.deepEqual(splitSql(sql).chunks.map((c) => c.text), ['SELECT 1,\n-- postgres-migrations disable-transaction\n2;', 'SELECT 3']);
  });
});
