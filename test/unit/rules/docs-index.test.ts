/** docs/rules/README.md is the index of every rule, with the landscape coverage and the topics left out. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RULE_IDS } from '../../../server/src/rules';

const DOCS = resolve(__dirname, '..', '..', '..', 'docs', 'rules');
const index = readFileSync(join(DOCS, 'README.md'), 'utf8');

describe('rule docs index (docs/rules/README.md)', () => {
  it('lists every rule and built-in check, linked to its page', () => {
    for (const id of RULE_IDS) assert.ok(index.includes(`[\`${id}\`](${id}.md)`), id);
  });

  it('links only to pages that exist', () => {
    for (const [, target] of index.matchAll(/\]\(([\w-]+\.md)\)/g)) assert.ok(existsSync(join(DOCS, target)), target);
  });

  it('has the landscape coverage table and a reasoned "Topics not covered" section', () => {
    assert.match(index, /## Every topic of the landscape, and its rule/);
    const notCovered = index.slice(index.indexOf('## Topics not covered'));
    assert.match(notCovered, /\*\*Unqualified table names\.\*\*/);
  });
});
