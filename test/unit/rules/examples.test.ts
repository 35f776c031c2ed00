/** Every rule's documented examples: the flagged one is flagged by that rule, the clean one is not. */
import assert from 'node:assert/strict';
import { RULES } from '../../../server/src/rules';
import { findingsOf } from '../../support/lint';
import { referencesOf } from '../../../server/src/coderefs/index';

describe('rule examples', () => {
  for (const rule of RULES) {
    // A rule that is off by default is checked as `lockstep:strict` runs it.
    const config = rule.defaultOff ? { extends: 'lockstep:strict' as const } : {};
    it(`${rule.id}: flags its flagged example`, async () => {
      const hits = await findingsOf(rule.id, rule.examples.flagged, { setup: rule.examples.setup, config, code: rule.examples.code && referencesOf(rule.examples.code) });
      assert.ok(hits.length > 0, `expected ${rule.id} on:\n${rule.examples.flagged}`);
      assert.equal(hits[0].docs, `docs/rules/${rule.id}.md`);
    });
    it(`${rule.id}: stays quiet on its clean example`, async () => {
      const hits = await findingsOf(rule.id, rule.examples.clean, { setup: rule.examples.setup, config, code: rule.examples.code && referencesOf(rule.examples.code) });
      assert.deepEqual(hits.map((h) => h.message), []);
    });
  }
});
