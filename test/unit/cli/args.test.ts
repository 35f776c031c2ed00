import { strict as assert } from 'node:assert';
import { parseArgs, type LintArgs } from '../../../server/src/cli/args';

function lintArgs(argv: string[]): LintArgs {
  const parsed = parseArgs(argv);
  assert.equal(parsed.command, 'lint', JSON.stringify(parsed));
  return parsed as LintArgs;
}

function usageError(argv: string[]): string {
  const parsed = parseArgs(argv);
  assert.equal(parsed.command, 'usage-error');
  return (parsed as { message: string }).message;
}

describe('cli arguments', () => {
  it('has the documented defaults', () => {
    const args = lintArgs(['lint', 'migrations/']);
    assert.deepEqual(args, { command: 'lint', operands: ['migrations/'], format: 'text', failOn: 'warning', explain: false, quiet: false, history: true });
  });

  it('--no-history turns off replaying earlier migrations', () => {
    assert.equal(lintArgs(['lint', '--no-history', 'migrations/']).history, false);
  });

  it('reads every option, in both --name value and --name=value forms', () => {
    const args = lintArgs([
      'lint', '--format', 'sarif', '--config=ci/lockstep.config.json', '--pg-version', '12', '--fail-on=error',
      '--explain', '--quiet', '--stdin-filename', 'V3__x.sql', 'a.sql', '-', 'db/**/*.sql',
    ]);
    assert.equal(args.format, 'sarif');
    assert.equal(args.configFile, 'ci/lockstep.config.json');
    assert.equal(args.pgVersion, 12);
    assert.equal(args.failOn, 'error');
    assert.equal(args.explain, true);
    assert.equal(args.quiet, true);
    assert.equal(args.stdinFilename, 'V3__x.sql');
    assert.deepEqual(args.operands, ['a.sql', '-', 'db/**/*.sql']);
  });

  it('treats everything after -- as a file', () => {
    assert.deepEqual(lintArgs(['lint', '--', '--help', '-v']).operands, ['--help', '-v']);
  });

  it('answers help and version before anything else', () => {
    assert.equal(parseArgs(['lint', 'x', '--help']).command, 'help');
    assert.equal(parseArgs(['-h']).command, 'help');
    assert.equal(parseArgs(['--version']).command, 'version');
  });

  it('rejects bad input with a message that names the problem', () => {
    assert.match(usageError([]), /missing command/);
    assert.match(usageError(['check', 'a.sql']), /unknown command "check"/);
    assert.match(usageError(['lint']), /no files given/);
    assert.match(usageError(['lint', '--format', 'xml', 'a.sql']), /--format must be one of text, json, gcc, sarif, github/);
    assert.match(usageError(['lint', '--fail-on', 'never', 'a.sql']), /--fail-on/);
    assert.match(usageError(['lint', '--pg-version', '9', 'a.sql']), /from 10 to 18/);
    assert.match(usageError(['lint', '--pg-version', '16.2', 'a.sql']), /whole number/);
    assert.match(usageError(['lint', 'a.sql', '--config']), /--config needs a value/);
    assert.match(usageError(['lint', '--colour', 'a.sql']), /unknown option --colour/);
    assert.match(usageError(['lint', '--quiet=yes', 'a.sql']), /takes no value/);
  });
});
