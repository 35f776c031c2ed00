/**
 * dist/coderefsWorker.js as the language server drives it: the first index arrives in `batch`
 * messages and `ready`, every file exactly once; `changed` answers with a file's new references,
 * none for a deleted file or one in a migrations folder.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileRefs, WorkerMessage } from '../../../server/src/coderefs/protocol';
import { ensureBuilt, REPO_ROOT } from '../cli/distCli';

describe('code-reference worker', function () {
  this.timeout(120_000);
  let dir: string;
  let worker: Worker | undefined;
  const FILES = 1203;

  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lockstep-coderefs-worker-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'migrations'));
    for (let i = 0; i < FILES; i++) writeFileSync(join(dir, `src/q${i}.ts`), `export const q${i} = (db: any) => db.query('SELECT c${i % 7} FROM t${i}');\n`);
    writeFileSync(join(dir, 'src/none.ts'), 'export const x = 1;\n');
  });
  after(async () => {
    await worker?.terminate();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships the first index in batches, then answers changes file by file', async () => {
    const messages: WorkerMessage[] = [];
    let wake: (() => void) | undefined;
    worker = new Worker(join(REPO_ROOT, 'dist/coderefsWorker.js'), { workerData: { roots: [dir] } });
    worker.on('message', (m: WorkerMessage) => {
      messages.push(m);
      wake?.();
    });
    const next = async (type: WorkerMessage['type']): Promise<Extract<WorkerMessage, { files: FileRefs[] }>> => {
      for (;;) {
        const i = messages.findIndex((m) => m.type === type || m.type === 'error');
        if (i >= 0) {
          const [m] = messages.splice(i, 1);
          if (m.type === 'error') throw new Error(m.message);
          return m as Extract<WorkerMessage, { files: FileRefs[] }>;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };
    const ready = await next('ready');
    const batches = messages.filter((m) => m.type === 'batch') as Extract<WorkerMessage, { type: 'batch' }>[];
    messages.length = 0;
    const shipped = [...batches.flatMap((b) => b.files), ...ready.files];
    assert.equal(batches.length, 2);
    assert.equal(shipped.length, FILES);
    assert.equal(new Set(shipped.map((f) => f.file)).size, FILES);
    assert.equal(ready.type === 'ready' && ready.fileCount, FILES);
    const q5 = shipped.find((f) => f.path === 'src/q5.ts')!;
    assert.deepEqual(q5.references.map((r) => `${r.line}:${r.column1} ${r.table}.${r.column ?? ''}`), ['1:49 t5.c5', '1:57 t5.']);
    assert.equal('excerpt' in q5.references[0], false);

    writeFileSync(join(dir, 'src/none.ts'), "export const y = (db: any) => db.query('SELECT login FROM users');\n");
    unlinkSync(join(dir, 'src/q1.ts'));
    writeFileSync(join(dir, 'migrations/002.sql'), 'SELECT login FROM users;\n');
    worker.postMessage({ type: 'changed', files: [join(dir, 'src/none.ts'), join(dir, 'src/q1.ts'), join(dir, 'migrations/002.sql')] });
    const updated = await next('updated');
    assert.deepEqual(
      updated.files.map((f) => [f.path, f.references.map((r) => `${r.table}.${r.column ?? ''}`)]),
      [
        ['src/none.ts', ['users.login', 'users.']],
        ['src/q1.ts', []],
        [join(dir, 'migrations/002.sql'), []],
      ],
    );
  });
});
