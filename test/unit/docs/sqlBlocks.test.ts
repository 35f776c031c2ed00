/**
 * Docs and examples that cannot drift (issue 15, part 9): every ```sql block in README.md and docs/,
 * and every migration in examples/, carries `-- expect: <rule-id>[, …]` or `-- expect: clean`
 * (grammar in test/support/sqlExpectations.ts). Each is linted here; a block whose findings differ
 * from its annotation fails with its file and line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { initEngine } from '../../../server/src/engine';
import { runCli } from '../../../server/src/cli/run';
import { checkMarkdown, idsOf, parseExpectation, show } from '../../support/sqlExpectations';

const ROOT = resolve(__dirname, '..', '..', '..');

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

const MARKDOWN = ['README.md', ...filesUnder(join(ROOT, 'docs'), (n) => n.endsWith('.md'))];
const EXAMPLES = filesUnder(join(ROOT, 'examples'), (n) => n.endsWith('.sql'));

describe('SQL in the docs and examples matches its -- expect: annotation', () => {
  before(() => initEngine());

  for (const file of MARKDOWN) {
    it(file, () => {
      const problems = checkMarkdown(readFileSync(join(ROOT, file), 'utf8'), file);
      assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
    });
  }

  it('examples/: each migration, linted with the earlier ones of its set as history (as `lockstep lint examples/` does)', async () => {
    let out = '';
    const io = { cwd: ROOT, env: {}, stdoutIsTTY: false, writeOut: (t: string) => void (out += t), writeErr: () => {}, readStdin: async () => Buffer.alloc(0) };
    // --no-code: the examples stand alone; the code of this repository is not their application.
    await runCli(['lint', '--format', 'json', '--no-code', 'examples/'], io);
    const reported = new Map<string, string[]>();
    for (const f of JSON.parse(out).files as { path: string; findings: { ruleId: string }[] }[]) reported.set(f.path, idsOf(f.findings));
    assert.deepEqual([...reported.keys()].sort(), EXAMPLES, 'the CLI lints exactly the example files');
    const problems: string[] = [];
    for (const file of EXAMPLES) {
      const expectation = parseExpectation(readFileSync(join(ROOT, file), 'utf8'));
      if ('error' in expectation) problems.push(`${file}: ${expectation.error}`);
      else if (expectation.ruleIds.join() !== reported.get(file)!.join()) {
        problems.push(`${file}: annotated "${show(expectation.ruleIds)}", but Lockstep reports "${show(reported.get(file)!)}"`);
      }
    }
    assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
  });
});
