import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspHarness, codesOf, messageOf, fileUri, readFixture } from './harness';

const INDEX_RULE = 'require-concurrent-index';
const SEVERITY = { error: 1, warning: 2, info: 3, hint: 4 } as const;

describe('LSP configuration (settings and lockstep.config.json)', function () {
  this.timeout(30_000);
  let lsp: LspHarness | undefined;
  let workspace: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'lockstep-lsp-'));
  });
  afterEach(() => {
    lsp?.dispose();
    lsp = undefined;
    rmSync(workspace, { recursive: true, force: true });
  });

  function writeMigration(relative: string): string {
    const path = join(workspace, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, readFixture('unsafe-index.sql'));
    return path;
  }

  function writeConfig(content: unknown): string {
    const path = join(workspace, 'lockstep.config.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  }

  it('pulls lockstep settings for the document and applies rule severities from them', async () => {
    lsp = await LspHarness.start({ settings: { rules: { [INDEX_RULE]: 'error' } } });
    const uri = 'file:///virtual/settings.sql';
    lsp.open(uri, readFixture('unsafe-index.sql'));
    const published = await lsp.diagnosticsFor(uri, 1);
    assert.equal(published.diagnostics.find((d) => d.code === INDEX_RULE)?.severity, SEVERITY.error);
    const asked = lsp.configurationRequests.flatMap((r) => r.items);
    assert.ok(asked.some((item) => item.section === 'lockstep' && item.scopeUri === uri), JSON.stringify(asked));
  });

  it('drops a rule turned off in settings after didChangeConfiguration', async () => {
    lsp = await LspHarness.start();
    const uri = 'file:///virtual/toggle.sql';
    lsp.open(uri, readFixture('unsafe-index.sql'));
    assert.ok(codesOf(await lsp.diagnosticsFor(uri, 1)).includes(INDEX_RULE));

    lsp.updateSettings({ rules: { [INDEX_RULE]: 'off' } });
    const after = await lsp.nextDiagnostics(uri, () => true);
    assert.ok(!codesOf(after).includes(INDEX_RULE), JSON.stringify(after.diagnostics));
    assert.equal(after.version, 1, 'a settings change re-lints the same version');
  });

  it('after a settings change, asks for every open document\'s settings in one request and relints them all', async () => {
    lsp = await LspHarness.start();
    const uris = Array.from({ length: 12 }, (_, i) => `file:///virtual/batch/m${i}.sql`);
    for (const uri of uris) lsp.open(uri, readFixture('unsafe-index.sql'));
    for (const uri of uris) assert.ok(codesOf(await lsp.diagnosticsFor(uri, 1)).includes(INDEX_RULE));
    const before = lsp.configurationRequests.length;
    lsp.updateSettings({ rules: { [INDEX_RULE]: 'off' } });
    for (const uri of uris) assert.ok(!codesOf(await lsp.nextDiagnostics(uri, () => true)).includes(INDEX_RULE));
    const after = lsp.configurationRequests.slice(before);
    assert.deepEqual(after.flatMap((r) => r.items.map((i) => i.scopeUri)).sort(), [...uris].sort());
    assert.equal(after.length, 1, `${after.length} requests: one per document queues a reply each ahead of the next hover`);
  });

  it('registers for configuration changes when the client supports dynamic registration', async () => {
    lsp = await LspHarness.start({ dynamicConfigRegistration: true });
    // Any request round-trip after `initialized` guarantees the registration was sent first.
    lsp.open('file:///virtual/reg.sql', readFixture('unsafe-index.sql'));
    await lsp.diagnosticsFor('file:///virtual/reg.sql', 1);
    assert.ok(lsp.registrations.includes('workspace/didChangeConfiguration'), JSON.stringify(lsp.registrations));
  });

  it('lets lockstep.config.json override the editor settings', async () => {
    writeConfig({ pgVersion: 13, rules: { [INDEX_RULE]: 'hint' } });
    const uri = fileUri(writeMigration('migrations/001_index.sql'));
    lsp = await LspHarness.start({ workspaceFolders: [workspace], settings: { pgVersion: 17, rules: { [INDEX_RULE]: 'error' } } });
    lsp.open(uri, readFixture('unsafe-index.sql'));

    const published = await lsp.diagnosticsFor(uri, 1);
    assert.equal(published.diagnostics.find((d) => d.code === INDEX_RULE)?.severity, SEVERITY.hint);
    const info = await lsp.documentInfo.next(uri, () => true, 'documentInfo', 15_000);
    assert.equal(info.pgVersion, 13);
  });

  it('re-lints open documents when lockstep.config.json changes on disk', async () => {
    const config = writeConfig({ rules: {} });
    const uri = fileUri(writeMigration('001_index.sql'));
    lsp = await LspHarness.start({ workspaceFolders: [workspace] });
    lsp.open(uri, readFixture('unsafe-index.sql'));
    assert.ok(codesOf(await lsp.diagnosticsFor(uri, 1)).includes(INDEX_RULE));

    writeConfig({ rules: { [INDEX_RULE]: 'off' } });
    lsp.fileChanged(fileUri(config));
    const after = await lsp.nextDiagnostics(uri, () => true);
    assert.ok(!codesOf(after).includes(INDEX_RULE), JSON.stringify(after.diagnostics));
  });

  it('shows config problems as diagnostics on the config file and keeps linting', async () => {
    const config = writeConfig('{\n  "pgVersion": 16,\n  "runner": "rails"\n}\n');
    const uri = fileUri(writeMigration('001_index.sql'));
    lsp = await LspHarness.start({ workspaceFolders: [workspace] });
    lsp.open(uri, readFixture('unsafe-index.sql'));

    assert.ok(codesOf(await lsp.diagnosticsFor(uri, 1)).includes(INDEX_RULE));
    const problems = await lsp.diagnosticsFor(fileUri(config));
    assert.equal(problems.diagnostics.length, 1, JSON.stringify(problems.diagnostics));
    assert.equal(problems.diagnostics[0].range.start.line, 2, 'points at the "runner" line');
    assert.match(messageOf(problems.diagnostics[0]), /runner/);
    assert.ok(lsp.logs.some((line) => line.includes('lockstep.config.json')), 'the problem is logged');

    writeConfig({ pgVersion: 16 });
    lsp.fileChanged(fileUri(config));
    const cleared = await lsp.nextDiagnostics(fileUri(config), (p) => p.diagnostics.length === 0);
    assert.deepEqual(cleared.diagnostics, []);
  });

  it('reports unknown rule ids in lockstep.config.json', async () => {
    const config = writeConfig({ rules: { 'require-concurent-index': 'off' } });
    const uri = fileUri(writeMigration('001_index.sql'));
    lsp = await LspHarness.start({ workspaceFolders: [workspace] });
    lsp.open(uri, readFixture('unsafe-index.sql'));
    const problems = await lsp.diagnosticsFor(fileUri(config));
    assert.equal(problems.diagnostics.length, 1, JSON.stringify(problems.diagnostics));
    assert.match(messageOf(problems.diagnostics[0]), /require-concurent-index/);
    assert.ok(codesOf(await lsp.diagnosticsFor(uri, 1)).includes(INDEX_RULE), 'the misspelt rule stays on');
  });

  it('skips files matched by the config exclude globs', async () => {
    writeConfig({ exclude: ['legacy/**'] });
    const excluded = fileUri(writeMigration('legacy/001_index.sql'));
    const included = fileUri(writeMigration('current/001_index.sql'));
    lsp = await LspHarness.start({ workspaceFolders: [workspace] });
    lsp.open(excluded, readFixture('unsafe-index.sql'));
    lsp.open(included, readFixture('unsafe-index.sql'));

    assert.ok(codesOf(await lsp.diagnosticsFor(included, 1)).includes(INDEX_RULE));
    assert.deepEqual((await lsp.diagnosticsFor(excluded, 1)).diagnostics, []);
  });
});
