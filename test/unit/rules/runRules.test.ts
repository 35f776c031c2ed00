/**
 * The engine's rule loop (engine.ts runRules) reads each rule's hits by index: a one-shot lint calls
 * ~19 rules per statement before V8 optimises the loop, and a `for…of` there made an array iterator
 * per call (BENCHMARKS.md, issue 14, eleventh session). Its output is unchanged: hits with spans
 * relative to the statement, tagged with the rule's id, and one shared empty list when none hit.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine, lintText, runRules } from '../../../server/src/engine';
import type { Rule, RuleHit } from '../../../server/src/rules/types';

before(() => initEngine({ hostGrammars: false }));

/** An array of hits whose iterator counts its uses (a `for…of` over it would count one). */
function countedHits(hits: RuleHit[], counter: { iterators: number }): RuleHit[] {
  const array = [...hits];
  const iterate = Array.prototype[Symbol.iterator];
  Object.defineProperty(array, Symbol.iterator, {
    value: function (this: RuleHit[]) {
      counter.iterators++;
      return iterate.call(this);
    },
  });
  return array;
}

function ruleReturning(id: string, hits: () => RuleHit[]): Rule {
  return { id, title: id, category: 'hygiene', defaultSeverity: 'warning', check: hits } as unknown as Rule;
}

describe('runRules: the rule loop', () => {
  const sql = 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c int;';
  let document: ReturnType<typeof lintText>['document'];
  let context: Parameters<typeof runRules>[2];
  let stmt: (typeof document.statements)[number];
  before(() => {
    document = lintText(sql, { config: DEFAULT_CONFIG }).document;
    context = { doc: document, config: DEFAULT_CONFIG };
    stmt = document.statements[1];
  });

  it('reads each rule result by index, making no iterator', () => {
    const counter = { iterators: 0 };
    const rules = [
      ruleReturning('none', () => countedHits([], counter)),
      ruleReturning('two', () => countedHits([{ message: 'a', span: { start: stmt.span.start + 6, end: stmt.span.start + 11 } }, { message: 'b' }], counter)),
    ];
    const hits = runRules(stmt, rules, context);
    assert.equal(counter.iterators, 0);
    assert.deepEqual(hits, [
      { message: 'a', span: { start: 6, end: 11 }, ruleId: 'two' },
      { message: 'b', span: undefined, ruleId: 'two' },
    ]);
  });

  it('gives every statement without hits the same shared empty list', () => {
    const rules = [ruleReturning('none', () => [])];
    const first = runRules(document.statements[0], rules, context);
    assert.equal(first.length, 0);
    assert.equal(runRules(stmt, rules, context), first);
  });
});
