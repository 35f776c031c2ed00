/**
 * When an update of the code-reference index re-lints the open migrations (lsp/codeRefs.ts): only
 * when the linter's index had a reference before or has one now. An index without any reference
 * finds what no index finds, and re-linting every open document for it (seconds for a 20,000-line
 * file) held up the hovers right after the first lint. Driven by a scripted worker.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReferenceLookup } from '../../server/src/coderefs/index';
import type { FileRefs, WorkerMessage } from '../../server/src/coderefs/protocol';
import { codeReferencesFeature } from '../../server/src/lsp/codeRefs';
import type { FeatureContext } from '../../server/src/lsp/features';

const none = (file: string): FileRefs => ({ file, path: file, references: [] });
const uses = (file: string, table: string): FileRefs => ({
  file,
  path: file,
  references: [{ table, columns: [], line: 1, column1: 1, endLine: 1, endColumn1: 10, kind: 'select' } as unknown as FileRefs['references'][number]],
});

describe('code references: which index updates re-lint the open migrations', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lockstep-coderefs-relint-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('not for an index without references, before or after; always when one had a reference', async () => {
    // The worker sends its scripted messages, one when the server posts `changed`.
    const script: WorkerMessage[] = [
      { type: 'ready', files: [none('/a.ts')], ms: 1, initMs: 1, fileCount: 1 },
      { type: 'updated', files: [none('/b.ts')] },
      { type: 'updated', files: [uses('/a.ts', 'users')] },
      { type: 'updated', files: [uses('/b.ts', 'orders')] },
      { type: 'updated', files: [none('/a.ts'), none('/b.ts')] },
      { type: 'updated', files: [none('/c.ts')] },
    ];
    const workerPath = join(dir, 'scriptedWorker.js');
    writeFileSync(
      workerPath,
      `const { parentPort } = require('node:worker_threads');\nconst script = ${JSON.stringify(script)};\nparentPort.postMessage(script.shift());\nparentPort.on('message', () => parentPort.postMessage(script.shift()));\n`,
    );
    const handedOver: { relint: boolean; empty: boolean }[] = [];
    let next: (() => void) | undefined;
    const feature = codeReferencesFeature(workerPath);
    let opened: ((event: { document: { uri: string } }) => void) | undefined;
    const documents = { onDidOpen: (listener: typeof opened) => ((opened = listener), { dispose: () => undefined }), onDidChangeContent: () => ({ dispose: () => undefined }) };
    const setCodeReferences = (code: ReferenceLookup | undefined, relint = true) => {
      handedOver.push({ relint, empty: code!.lookup('users').references.length + code!.lookup('orders').references.length === 0 });
      next?.();
    };
    feature.register({ workspaceRoots: () => [dir], log: () => undefined, setCodeReferences, documents, linted: async () => undefined } as unknown as FeatureContext);
    const handed = () => new Promise<void>((resolve) => (next = resolve));
    try {
      let arrived = handed();
      feature.initialized?.();
      // The worker starts once the first opened document is linted (codeRefs.ts).
      opened!({ document: { uri: 'file:///x.sql' } });
      await arrived;
      for (let update = 1; update < script.length; update++) {
        arrived = handed();
        feature.watchedFilesChanged?.([{ uri: `file:///changed${update}.ts`, type: 2 }]);
        await arrived;
      }
    } finally {
      feature.dispose?.();
    }
    assert.deepEqual(handedOver, [
      { relint: false, empty: true }, // first index, no reference: nothing to re-lint
      { relint: false, empty: true }, // still none
      { relint: true, empty: false }, // a reference appears
      { relint: true, empty: false }, // references change
      { relint: true, empty: true }, // the last reference goes: findings may clear
      { relint: false, empty: true }, // still none
    ]);
  });
});
