/**
 * `lockstep github-comment <report.md>`: creates or updates ONE pull-request comment with a
 * markdown report. The comment is found by the hidden marker the markdown reporter writes, so a
 * push updates the same comment instead of adding another. Needs only GITHUB_TOKEN (the
 * workflow's token, with `pull-requests: write`); GITHUB_API_URL lets GitHub Enterprise and the
 * tests point it at another server.
 */
import { readFileSync } from 'node:fs';
import type { Subcommand } from './commands';
import type { CliIO } from './run';
import { COMMENT_MARKER } from './reporters/markdown';

const USAGE = 'usage: lockstep github-comment <report.md>   (in a pull_request workflow, with GITHUB_TOKEN set)';
/** GitHub rejects comment bodies over 65,536 characters. */
export const MAX_BODY = 65_000;

interface Context {
  api: string;
  token: string;
  repository: string;
  pullNumber: number;
}

function contextFrom(env: CliIO['env']): Context | string {
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (!token) return 'GITHUB_TOKEN is not set (pass `github-token: ${{ github.token }}` or set env GITHUB_TOKEN)';
  if (!repository || !/^[^/\s]+\/[^/\s]+$/.test(repository)) return 'GITHUB_REPOSITORY is not set to owner/name';
  let pullNumber = Number(env.LOCKSTEP_PR_NUMBER);
  if (!pullNumber && env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
      pullNumber = Number(event.pull_request?.number ?? event.number);
    } catch (err) {
      return `cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (!Number.isInteger(pullNumber) || pullNumber <= 0) return 'this run is not for a pull request (no pull_request number in GITHUB_EVENT_PATH)';
  return { api: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''), token, repository, pullNumber };
}

async function call(ctx: Context, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${ctx.api}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${ctx.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'lockstep',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  return response.json();
}

/** The id of our earlier comment on the pull request, looking through every page of comments. */
async function findComment(ctx: Context): Promise<number | undefined> {
  for (let page = 1; page <= 100; page++) {
    const comments = (await call(ctx, 'GET', `/repos/${ctx.repository}/issues/${ctx.pullNumber}/comments?per_page=100&page=${page}`)) as Array<{ id: number; body?: string }>;
    const ours = comments.find((c) => c.body?.includes(COMMENT_MARKER));
    if (ours) return ours.id;
    if (comments.length < 100) return undefined;
  }
  return undefined;
}

export function fitBody(markdown: string): string {
  const body = markdown.includes(COMMENT_MARKER) ? markdown : `${COMMENT_MARKER}\n${markdown}`;
  if (body.length <= MAX_BODY) return body;
  return `${body.slice(0, MAX_BODY)}\n\n… (cut: the full report is in the workflow's log and SARIF upload)\n`;
}

export const githubCommentCommand: Subcommand = {
  summary: 'create or update the one Lockstep comment on a GitHub pull request',
  async run(argv, io) {
    if (argv.includes('--help') || argv.length !== 1) {
      io.writeErr(`${USAGE}\n`);
      return argv.includes('--help') ? 0 : 2;
    }
    const ctx = contextFrom(io.env);
    if (typeof ctx === 'string') {
      io.writeErr(`lockstep: github-comment: ${ctx}\n`);
      return 2;
    }
    let body: string;
    try {
      body = fitBody(readFileSync(argv[0], 'utf8'));
    } catch (err) {
      io.writeErr(`lockstep: github-comment: cannot read ${argv[0]}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
    try {
      const existing = await findComment(ctx);
      if (existing === undefined) {
        await call(ctx, 'POST', `/repos/${ctx.repository}/issues/${ctx.pullNumber}/comments`, { body });
        io.writeErr(`lockstep: commented on pull request #${ctx.pullNumber}\n`);
      } else {
        await call(ctx, 'PATCH', `/repos/${ctx.repository}/issues/comments/${existing}`, { body });
        io.writeErr(`lockstep: updated comment ${existing} on pull request #${ctx.pullNumber}\n`);
      }
      return 0;
    } catch (err) {
      io.writeErr(`lockstep: github-comment: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  },
};
