import assert from 'node:assert/strict';
import { initEngine } from '../../../server/src/engine';
import { generatedName, quoteIdent, slugify, unusedName } from '../../../server/src/fixes/names';
import { applyEdits, editsOverlap, insertLinesBefore, minimalEdit } from '../../../server/src/fixes/textEdits';
import { clauseEnd, scanTokens, topLevelSegments } from '../../../server/src/fixes/tokens';

describe('fix helpers', () => {
  before(() => initEngine());

  it('quotes identifiers only when PostgreSQL would not read them back as written', () => {
    assert.equal(quoteIdent('orders'), 'orders');
    assert.equal(quoteIdent('name'), 'name', 'unreserved keyword');
    assert.equal(quoteIdent('user'), '"user"', 'reserved keyword');
    assert.equal(quoteIdent('Order'), '"Order"', 'upper case would fold');
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteIdent('café'), '"café"');
  });

  it('fits generated names into 63 bytes by trimming the longest part, as PostgreSQL does', () => {
    assert.equal(generatedName(['users', 'email'], 'not_null_check'), 'users_email_not_null_check');
    const long = generatedName(['t'.repeat(50), 'c'.repeat(30)], 'check');
    assert.equal(Buffer.byteLength(long), 63);
    assert.match(long, /^t+_c+_check$/);
    assert.equal(unusedName('x', (n) => n === 'x' || n === 'x1'), 'x2');
    assert.equal(slugify('CREATE INDEX CONCURRENTLY'), 'create_index_concurrently');
  });

  it('applies edits in any order and refuses overlapping ones', () => {
    assert.equal(applyEdits('abcdef', [{ start: 4, end: 5, newText: 'E' }, { start: 1, end: 2, newText: 'B' }]), 'aBcdEf');
    assert.throws(() => applyEdits('abc', [{ start: 0, end: 2, newText: '' }, { start: 1, end: 3, newText: '' }]));
    assert.equal(editsOverlap([{ start: 3, end: 3, newText: 'x' }], [{ start: 3, end: 3, newText: 'y' }]), true);
    assert.equal(editsOverlap([{ start: 1, end: 2, newText: 'x' }], [{ start: 5, end: 6, newText: 'y' }]), false);
  });

  it('computes the smallest edit, never splitting a surrogate pair', () => {
    assert.deepEqual(minimalEdit('CREATE INDEX i', 'CREATE INDEX CONCURRENTLY i'), { start: 13, end: 13, newText: 'CONCURRENTLY ' });
    assert.equal(minimalEdit('same', 'same'), undefined);
    const e = minimalEdit('a😀b', 'a😃b')!;
    assert.equal(applyEdits('a😀b', [e]), 'a😃b');
    assert.ok(e.start <= 1 && e.end >= 3);
  });

  it('inserts whole lines before indented code, and breaks a shared line', () => {
    const text = 'BEGIN;\n  CREATE INDEX i ON t (c);\n';
    assert.equal(applyEdits(text, [insertLinesBefore(text, text.indexOf('CREATE'), ['SET x = 1;'])]), 'BEGIN;\n  SET x = 1;\n  CREATE INDEX i ON t (c);\n');
    const oneLine = 'BEGIN; CREATE INDEX i ON t (c);';
    assert.equal(applyEdits(oneLine, [insertLinesBefore(oneLine, 7, ['SET x = 1;'])]), 'BEGIN; SET x = 1;\nCREATE INDEX i ON t (c);');
    const crlf = 'A;\r\nB;';
    assert.equal(applyEdits(crlf, [insertLinesBefore(crlf, 4, ['X;'])]), 'A;\r\nX;\r\nB;');
  });

  it('scans with PostgreSQL\'s scanner: comments dropped, UTF-8 offsets mapped to UTF-16', () => {
    const tokens = scanTokens('CREATE /* x */ INDEX "ä" ON t (a, (b + 1)); -- c', 10);
    assert.deepEqual(tokens.slice(0, 3).map((t) => [t.text, t.keyword, t.start]), [['CREATE', 'CREATE', 10], ['INDEX', 'INDEX', 25], ['"ä"', '', 31]]);
    const open = tokens.findIndex((t) => t.text === '(');
    assert.equal(tokens[clauseEnd(tokens, open)].text, ')');
    assert.deepEqual(topLevelSegments(tokens, open + 1, tokens.length - 3).length, 2);
    assert.deepEqual(scanTokens('SELECT \'unterminated'), scanTokens('SELECT \'unterminated'), 'never throws');
  });
});
