/**
 * The GitHub Action (action.yml), run the way the runner would but without `act`: each `run:`
 * step's script is executed by bash with the step's env and the `${{ … }}` expressions filled in,
 * against a real git repository and a local HTTP server that plays the GitHub REST API.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CLI, ensureBuilt, REPO_ROOT } from '../unit/cli/distCli';
import { pullRequestRepo } from '../support/gitRepo';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
}

const action = load(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;

/** Fills `${{ inputs.x }}`, `${{ steps.id.outputs.x }}` and `${{ github.… }}` the way the runner does. */
function expand(text: string, ctx: { inputs: Record<string, string>; outputs: Record<string, Record<string, string>>; github: Record<string, string> }): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
    const [head, ...rest] = expr.split('.');
    if (head === 'inputs') return ctx.inputs[rest[0]] ?? '';
    if (head === 'steps') return ctx.outputs[rest[0]]?.[rest[2]] ?? '';
    if (head === 'github') return ctx.github[rest.join('.')] ?? '';
    throw new Error(`unexpected expression ${expr}`);
  });
}

/**
 * The `if:` conditions action.yml uses: `always()` and `&&`-joined comparisons of expressions
 * with string literals. Anything else fails the test, so the evaluator cannot silently drift.
 */
function conditionHolds(condition: string | undefined, ctx: Parameters<typeof expand>[1]): boolean {
  if (!condition) return true;
  return condition.split('&&').every((part) => {
    const term = part.trim();
    if (term === 'always()') return true;
    const m = term.match(/^([\w.-]+) (==|!=) '([^']*)'$/);
    if (!m) throw new Error(`unsupported condition ${term}`);
    const value = expand(`\${{ ${m[1]} }}`, ctx);
    return m[2] === '==' ? value === m[3] : value !== m[3];
  });
}

/** GitHub's REST API for issue comments, in memory. */
class FakeGitHub {
  comments: Array<{ id: number; body: string }> = [];
  requests: Array<{ method: string; url: string; auth?: string }> = [];
  private server?: Server;
  private nextId = 1000;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req).then(([status, body]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    this.requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url!, 'http://x');
    if (req.headers.authorization !== 'Bearer test-token') return [401, { message: 'Bad credentials' }];
    if (req.method === 'GET' && url.pathname === '/repos/acme/shop/issues/7/comments') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const per = Number(url.searchParams.get('per_page') ?? 30);
      return [200, this.comments.slice((page - 1) * per, page * per)];
    }
    if (req.method === 'POST' && url.pathname === '/repos/acme/shop/issues/7/comments') {
      const comment = { id: this.nextId++, body: JSON.parse(raw).body };
      this.comments.push(comment);
      return [201, comment];
    }
    const patch = url.pathname.match(/^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/);
    if (req.method === 'PATCH' && patch) {
      const comment = this.comments.find((c) => c.id === Number(patch[1]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = JSON.parse(raw).body;
      return [200, comment];
    }
    return [404, { message: `no route ${req.method} ${url.pathname}` }];
  }
}

/** Runs a command without blocking the event loop (the fake API server lives in this process). */
function run(command: string, args: string[], options: { cwd?: string; env: Record<string, string> }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs every step of the composite action that the runner would run itself (`run:` steps). */
async function runAction(repo: string, base: string, api: string, inputs: Record<string, string> = {}) {
  const temp = mkdtempSync(join(tmpdir(), 'lockstep-runner-'));
  const event = join(temp, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, base: { sha: base } } }));
  const ctx = {
    inputs: { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, String(v.default ?? '')])), 'github-token': 'test-token', ...inputs },
    outputs: {} as Record<string, Record<string, string>>,
    github: { 'event.pull_request.base.sha': base, 'event.pull_request.number': '7', server_url: 'https://github.com', action_repository: 'lockstep/lockstep', action_ref: 'v1' },
  };
  const envFile = join(temp, 'env');
  writeFileSync(envFile, '');
  const skipped: string[] = [];
  let exit = 0;
  for (const step of action.runs.steps) {
    if (step.uses) {
      skipped.push(step.uses);
      continue;
    }
    if (!conditionHolds(step.if, ctx)) continue;
    const outputFile = join(temp, `output-${step.id ?? 'x'}`);
    writeFileSync(outputFile, '');
    const fromEnvFile = Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? temp,
      GITHUB_ACTION_PATH: REPO_ROOT,
      GITHUB_ENV: envFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_EVENT_PATH: event,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_API_URL: api,
      RUNNER_TEMP: temp,
      ...fromEnvFile,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), ctx)])),
    };
    const result = await run('bash', ['-e', '-c', expand(step.run!, ctx)], { cwd: repo, env });
    if (result.status !== 0 && process.env.LOCKSTEP_DEBUG) console.error(step.name, result.stderr);
    if (step.id) ctx.outputs[step.id] = Object.fromEntries(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    if (result.status !== 0) {
      exit = result.status ?? 1;
      break;
    }
  }
  return { exit, outputs: ctx.outputs, skipped, temp };
}

describe('GitHub Action (action.yml)', function () {
  this.timeout(180_000);
  const github = new FakeGitHub();
  let api: string;
  let repo: { dir: string; base: string };

  before(async () => {
    ensureBuilt();
    api = await github.start();
    repo = pullRequestRepo();
  });
  after(async () => {
    await github.stop();
    rmSync(repo.dir, { recursive: true, force: true });
  });

  it('is a composite action whose scripts exist, uploading SARIF with the official action', () => {
    assert.equal(action.runs.using, 'composite');
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!.split('@')[0]);
    assert.deepEqual(uses, ['actions/setup-node', 'github/codeql-action/upload-sarif']);
    for (const step of action.runs.steps.filter((s) => s.run?.includes('ci/github/'))) {
      const script = step.run!.match(/ci\/github\/[\w.-]+/)![0];
      assert.ok(readFileSync(join(REPO_ROOT, script), 'utf8').startsWith('#!/usr/bin/env bash'), script);
    }
  });

  it('lints only the changed migration, writes SARIF and markdown, comments once, and fails the job', async () => {
    const run = await runAction(repo.dir, repo.base, api);
    const lint = run.outputs.lint;
    assert.equal(lint['exit-code'], '1');
    const sarif = JSON.parse(readFileSync(lint.sarif, 'utf8'));
    const results = sarif.runs[0].results as Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
    assert.ok(results.length >= 1);
    assert.equal(lint.findings, String(results.length));
    assert.deepEqual([...new Set(results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri))], ['migrations/V2__index.sql']);
    assert.ok(results.some((r) => r.ruleId === 'require-concurrent-index'));
    // Docs links point at the action's repository, never at a file of the runner.
    assert.ok(!readFileSync(lint.sarif, 'utf8').includes('file://'));
    assert.match(readFileSync(lint.markdown, 'utf8'), /\(https:\/\/github\.com\/lockstep\/lockstep\/blob\/v1\/docs\/rules\/require-concurrent-index\.md\)/);
    assert.equal(github.comments.length, 1);
    assert.match(github.comments[0].body, /<!-- lockstep-report -->/);
    assert.match(github.comments[0].body, /migrations\/V2__index\.sql/);
    assert.equal(run.exit, 1, 'the last step fails the job with the lint exit code');
    assert.deepEqual(run.skipped, ['actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3']);
    assert.ok(github.requests.every((r) => r.auth === 'Bearer test-token'), 'only the workflow token is used');
  });

  it('updates its own comment on the next push, even past the first page of comments', async () => {
    const ours = github.comments[0].id;
    github.comments = [...Array.from({ length: 150 }, (_, i) => ({ id: i + 1, body: `someone else ${i}` })), ...github.comments];
    writeFileSync(join(repo.dir, 'migrations/V2__index.sql'), "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n");
    execFileSync('git', ['commit', '-q', '-am', 'fix'], { cwd: repo.dir });
    const run = await runAction(repo.dir, repo.base, api);
    assert.equal(run.outputs.lint['exit-code'], '0');
    assert.equal(run.exit, 0);
    assert.equal(github.comments.length, 151, 'no new comment');
    const updated = github.comments.find((c) => c.id === ours)!;
    assert.match(updated.body, /No problems found in 1 migration/);
    assert.ok(github.requests.some((r) => r.method === 'PATCH' && r.url.endsWith(`/issues/comments/${ours}`)));
  });

  it('github-comment refuses without a token, and reports API errors with exit 2', async () => {
    const md = join(tmpdir(), `lockstep-md-${process.pid}.md`);
    writeFileSync(md, 'hello');
    const event = join(tmpdir(), `lockstep-event-${process.pid}.json`);
    writeFileSync(event, JSON.stringify({ number: 7 }));
    const base = { PATH: process.env.PATH ?? '', GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_PATH: event, GITHUB_API_URL: api };
    const noToken = await run(process.execPath, [CLI, 'github-comment', md], { env: base });
    assert.equal(noToken.status, 2);
    assert.match(noToken.stderr, /GITHUB_TOKEN is not set/);
    const badToken = await run(process.execPath, [CLI, 'github-comment', md], { env: { ...base, GITHUB_TOKEN: 'wrong' } });
    assert.equal(badToken.status, 2);
    assert.match(badToken.stderr, /HTTP 401 .*Bad credentials/);
  });
});
