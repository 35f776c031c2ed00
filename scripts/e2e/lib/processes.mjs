// Every process the e2e run starts lives in its own process group, so the whole tree
// (code-server's extension host, file watcher, language server, Chromium helpers) can be stopped at once.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { log } from './log.mjs';

const groups = new Set();

/** Spawns `command` as the leader of a new process group; the group is killed by stopAll(). */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true });
  // The group is kept even after its leader exits: children may live on until stopAll().
  if (child.pid) groups.add(child.pid);
  return child;
}

/**
 * Runs a command in its own group to completion; resolves with its exit code and collected output.
 * With `timeoutMs`, the whole group is killed when time runs out (exit code 124, like timeout(1)).
 */
export function runToEnd(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawnGroup(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const keep = (chunk) => {
      output += chunk;
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = options.timeoutMs && setTimeout(() => {
      timedOut = true;
      log(`${command} ${args.join(' ').slice(0, 80)} ran past ${options.timeoutMs / 1000}s; killing it`);
      killGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => resolve({ code: -1, output: output + String(error) }));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL');
      groups.delete(child.pid);
      resolve({ code: timedOut ? 124 : code ?? (signal ? 128 : -1), output });
    });
  });
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM every group, then SIGKILL whatever is still there after a grace period. */
export async function stopAll(graceMs = 3000) {
  const live = [...groups].filter(groupAlive);
  for (const pgid of live) killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.some(groupAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pgid of live.filter(groupAlive)) {
    log(`process group ${pgid} ignored SIGTERM; sending SIGKILL`);
    killGroup(pgid, 'SIGKILL');
  }
  groups.clear();
}

/**
 * Pids of processes whose command line mentions `marker` (our unique temp root):
 * catches anything that left our process groups, e.g. a browser that started its own session.
 */
export function pidsMentioning(marker) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (commandLine.includes(marker)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export function killPids(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
