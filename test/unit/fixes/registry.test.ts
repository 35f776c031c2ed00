/** The fix registry stays in step with the rule catalogue and docs/fixes.md. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIX_PROVIDERS } from '../../../server/src/fixes';
import { RULE_IDS } from '../../../server/src/rules';

describe('fix registry', () => {
  it('has one provider per existing rule id, each documented in docs/fixes.md', () => {
    const ids = FIX_PROVIDERS.map((p) => p.ruleId);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'no rule has two providers');
    assert.deepEqual(ids.filter((id) => !RULE_IDS.includes(id)), [], 'every provider fixes a rule that exists');
    const doc = readFileSync(join(__dirname, '../../../docs/fixes.md'), 'utf8');
    assert.deepEqual(ids.filter((id) => !doc.includes(`\`${id}\``)), [], 'every fixed rule is in docs/fixes.md');
  });
});
