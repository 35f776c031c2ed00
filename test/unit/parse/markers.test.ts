import { strict as assert } from 'node:assert';
import { findMarkerLines, parseMarkerLine } from '../../../server/src/parse/markers';

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
