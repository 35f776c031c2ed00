/** Throw-away git repositories for the tests of git-aware commands (--changed-since, the CI integrations). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitRepo {
  dir: string;
  git(...args: string[]): string;
  /** Stages everything and commits it; returns the new commit's sha. */
  commitAll(message: string): string;
}

/** An empty repository on branch main with a committer set, in `dir` or a new temp folder. */
export function gitRepo(dir: string = mkdtempSync(join(tmpdir(), 'lockstep-git-'))): GitRepo {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'ci@example.invalid');
  git('config', 'user.name', 'CI');
  const commitAll = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  return { dir, git, commitAll };
}

/** A base commit creating `orders`, then a pull-request commit adding a plain (blocking) index on it. */
export function pullRequestRepo(dir?: string): { dir: string; base: string } {
  const repo = gitRepo(dir);
  mkdirSync(join(repo.dir, 'migrations'), { recursive: true });
  writeFileSync(join(repo.dir, 'migrations/V1__create.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n');
  const base = repo.commitAll('base');
  writeFileSync(join(repo.dir, 'migrations/V2__index.sql'), 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n');
  repo.commitAll('pull request');
  return { dir: repo.dir, base };
}
