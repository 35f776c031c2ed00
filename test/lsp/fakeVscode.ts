/**
 * Just enough of the `vscode` API to activate dist/client.js in plain Node: the real
 * vscode-languageclient then forks dist/server.js over IPC, as it does inside VS Code.
 * Calls are recorded; anything not modelled is a harmless catch-all stub.
 */
import Module from 'node:module';

type Listener = (value: unknown) => void;

export interface FakeDocument {
  uri: { scheme: string; fsPath: string; toString(): string };
  languageId: string;
  version: number;
  isClosed: boolean;
  getText(): string;
}

class Emitter {
  private listeners: Listener[] = [];
  readonly event = (listener: Listener) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: unknown): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

/** A callable, constructible stub that returns more stubs for any property. */
function stub(name: string): any {
  const target = function () {
    return stub(`${name}()`);
  };
  return new Proxy(target, {
    get: (_t, prop) => (prop === 'then' ? undefined : prop === Symbol.toPrimitive ? () => name : stub(`${name}.${String(prop)}`)),
    construct: () => stub(`new ${name}`),
  });
}

function lenient<T extends object>(known: T, name: string): T {
  return new Proxy(known, {
    get(target, prop) {
      if (prop in target) return (target as any)[prop];
      // Event registrations must hand back something disposable.
      if (/^onDid|^onWill/.test(String(prop))) return () => ({ dispose() {} });
      return stub(`${name}.${String(prop)}`);
    },
  });
}

export class FakeOutputChannel {
  readonly lines: string[] = [];
  shown = false;
  logLevel = 2;
  constructor(
    readonly name: string,
    readonly options: unknown,
  ) {}
  info = (m: string) => void this.lines.push(m);
  warn = (m: string) => void this.lines.push(m);
  error = (m: unknown) => void this.lines.push(String(m));
  trace = (m: string) => void this.lines.push(m);
  debug = (m: string) => void this.lines.push(m);
  appendLine = (m: string) => void this.lines.push(m);
  append = (m: string) => void this.lines.push(m);
  show = () => void (this.shown = true);
  onDidChangeLogLevel = () => ({ dispose() {} });
  replace() {}
  clear() {}
  hide() {}
  dispose() {}
}

export class FakeStatusBarItem {
  text = '';
  tooltip: unknown;
  command: unknown;
  name = '';
  visible = false;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  dispose() {}
}

export class FakeVscode {
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  readonly channels: FakeOutputChannel[] = [];
  readonly statusItems: FakeStatusBarItem[] = [];
  readonly watchers: string[] = [];
  readonly openEvents = new Emitter();
  readonly activeEditorEvents = new Emitter();
  readonly documents: FakeDocument[] = [];
  activeTextEditor: { document: FakeDocument } | undefined;

  /** The object `require('vscode')` returns while installed. */
  readonly api: object;
  private restore?: () => void;

  constructor() {
    const self = this;
    this.api = lenient(
      {
        version: '1.100.3',
        StatusBarAlignment: { Left: 1, Right: 2 },
        EventEmitter: Emitter,
        window: lenient(
          {
            createOutputChannel: (name: string, options: unknown) => this.push(this.channels, new FakeOutputChannel(name, options)),
            createStatusBarItem: () => this.push(this.statusItems, new FakeStatusBarItem()),
            onDidChangeActiveTextEditor: this.activeEditorEvents.event,
            get activeTextEditor() {
              return self.activeTextEditor;
            },
            showErrorMessage: async () => undefined,
          },
          'window',
        ),
        workspace: lenient(
          {
            createFileSystemWatcher: (glob: string) => {
              this.watchers.push(glob);
              return lenient({ dispose() {} }, 'watcher');
            },
            onDidOpenTextDocument: this.openEvents.event,
            get textDocuments() {
              return self.documents;
            },
            getConfiguration: () => lenient({ get: () => undefined }, 'configuration'),
          },
          'workspace',
        ),
        languages: lenient({ match: (_selector: unknown, doc: FakeDocument) => (doc.languageId === 'sql' ? 10 : 0) }, 'languages'),
        commands: lenient(
          {
            registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
              this.commands.set(id, handler);
              return { dispose: () => this.commands.delete(id) };
            },
          },
          'commands',
        ),
      },
      'vscode',
    );
  }

  install(): void {
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = loader._load;
    const api = this.api;
    loader._load = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? api : original.call(this, request, ...rest);
    };
    this.restore = () => (loader._load = original);
  }

  uninstall(): void {
    this.restore?.();
  }

  /** Opens a document the way VS Code does: it joins workspace.textDocuments and fires the event. */
  openDocument(path: string, text: string, languageId = 'sql'): FakeDocument {
    const uri = `file://${path}`;
    const doc: FakeDocument = {
      uri: { scheme: 'file', fsPath: path, toString: () => uri },
      languageId,
      version: 1,
      isClosed: false,
      getText: () => text,
    };
    this.documents.push(doc);
    this.openEvents.fire(doc);
    return doc;
  }

  focus(doc: FakeDocument | undefined): void {
    this.activeTextEditor = doc ? { document: doc } : undefined;
    this.activeEditorEvents.fire(this.activeTextEditor);
  }

  private push<T>(list: T[], item: T): T {
    list.push(item);
    return item;
  }
}
