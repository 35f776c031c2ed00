/**
 * Sequelize runs a call inside an explicit transaction only when it passes `{ transaction: t }`. A
 * CONCURRENTLY index build there fails (`concurrent-in-transaction`); the fix in Sequelize's idiom
 * takes the `transaction` option out of that call, so it runs on its own connection, outside it.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { hostFixAll, hostFixes } from '../../../server/src/frameworks/fixes';
import { lintHostText } from '../../../server/src/frameworks/lint';
import { frameworkById } from '../../../server/src/frameworks/registry';
import { applyEdits } from '../../../server/src/fixes/textEdits';

const sequelize = frameworkById('sequelize')!;
const options = { path: '20240105000000-index-in-transaction.js', config: DEFAULT_CONFIG };

const file = (call: string) => `'use strict';
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.transaction(async (t) => {
      await queryInterface.addColumn('accounts', 'region', { type: Sequelize.TEXT }, { transaction: t });
      ${call}
    });
  },
  async down(queryInterface) {},
};
`;

function fixOf(text: string, ruleId: string) {
  const result = lintHostText(text, sequelize, options);
  const finding = result.findings.find((f) => f.ruleId === ruleId);
  assert.ok(finding, `${ruleId} is reported: ${result.findings.map((f) => f.ruleId).join(', ')}`);
  return { finding, fixes: hostFixes(text, result, finding, options) };
}

describe('Sequelize: concurrent-in-transaction fixed in its idiom', () => {
  before(async () => {
    await initEngine();
  });

  it('addIndex(…, { concurrently: true, transaction: t }): the transaction option goes', () => {
    const text = file(`await queryInterface.addIndex('accounts', ['region'], { concurrently: true, transaction: t });`);
    const { finding, fixes } = fixOf(text, 'concurrent-in-transaction');
    // The squiggle is on the call that joins the transaction.
    assert.ok(text.slice(finding.span.start, finding.span.end).startsWith('queryInterface.addIndex('));
    assert.equal(fixes.length, 1);
    const fixed = applyEdits(text, fixes[0].edits);
    assert.ok(fixed.includes(`await queryInterface.addIndex('accounts', ['region'], { concurrently: true });`), fixed);
    // The column is still added in the transaction; the index is built outside it.
    const after = lintHostText(fixed, sequelize, options);
    assert.deepEqual(after.findings.filter((f) => f.ruleId === 'concurrent-in-transaction'), []);
    const e = after.host.extraction.statements;
    assert.deepEqual(e.map((s) => s.transaction), [{ group: 1 }, undefined]);
  });

  it('sequelize.query(CREATE INDEX CONCURRENTLY …, { transaction: t }): the whole options argument goes when it held only that', () => {
    const text = file('await queryInterface.sequelize.query(`CREATE INDEX CONCURRENTLY accounts_region_idx ON accounts (region)`, { transaction: t });');
    const { fixes } = fixOf(text, 'concurrent-in-transaction');
    const fixed = applyEdits(text, fixes[0].edits);
    assert.ok(fixed.includes('await queryInterface.sequelize.query(`CREATE INDEX CONCURRENTLY accounts_region_idx ON accounts (region)`);'), fixed);
  });

  it('require-concurrent-index inside the transaction: CONCURRENTLY and out of the transaction in one fix, and lint --fix applies it', () => {
    const text = file(`await queryInterface.addIndex('accounts', ['region'], { transaction: t, unique: false });`);
    const { fixes } = fixOf(text, 'require-concurrent-index');
    assert.equal(fixes.length, 1, 'one verified fix');
    const fixed = applyEdits(text, fixes[0].edits);
    assert.ok(fixed.includes(`await queryInterface.addIndex('accounts', ['region'], { concurrently: true, unique: false });`), fixed);
    const all = hostFixAll(text, sequelize, options);
    assert.ok(all.applied.some((a) => a.ruleId === 'require-concurrent-index'));
    assert.deepEqual(lintHostText(all.text, sequelize, options).findings.filter((f) => /concurrent/.test(f.ruleId)), []);
  });
});
