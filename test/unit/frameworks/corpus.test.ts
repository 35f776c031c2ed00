/**
 * Real Sequelize migrations from ../shared/frameworks-corpus (outline/outline): one that adds an
 * index without `concurrently: true` is flagged, one that builds it concurrently (and runs, as
 * Sequelize does, outside a transaction) is not. Skipped, visibly, when ../shared is absent.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { lintHostText } from '../../../server/src/frameworks/lint';
import { detectFramework } from '../../../server/src/frameworks/registry';

const DIR = resolve(__dirname, '../../../../shared/frameworks-corpus/outline+outline/server/migrations');

function lintCorpusFile(name: string) {
  const path = resolve(DIR, name);
  const text = readFileSync(path, 'utf8');
  const fw = detectFramework(path, text);
  assert.equal(fw?.id, 'sequelize');
  return { text, result: lintHostText(text, fw, { path, config: { ...DEFAULT_CONFIG } }) };
}

describe('Sequelize migrations of the frameworks corpus', function () {
  before(async function () {
    if (!existsSync(DIR)) {
      console.log(`    (skipped: ${DIR} is absent; the corpus lives in ../shared)`);
      this.skip();
    }
    await initEngine();
  });

  it('flags addIndex without concurrently: true, at the call', () => {
    const { text, result } = lintCorpusFile('20160816082738-add-revision-index.js');
    const hits = result.findings.filter((f) => f.ruleId === 'require-concurrent-index');
    assert.equal(hits.length, 1);
    assert.equal(text.slice(hits[0].span.start, hits[0].span.end), 'queryInterface.addIndex("revisions", ["documentId"])');
  });

  it('does not flag an index built with concurrently: true outside a transaction', () => {
    const { result } = lintCorpusFile('20251125012930-add-popularity-score-index.js');
    assert.equal(result.host.extraction.transaction.wrapped, false);
    assert.match(result.document.statements[0].text, /^CREATE INDEX CONCURRENTLY "documents_popularity_score" ON "documents"/);
    assert.deepEqual(result.findings.filter((f) => f.ruleId === 'require-concurrent-index' || f.ruleId === 'concurrent-in-transaction'), []);
  });
});
