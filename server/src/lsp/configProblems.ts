/**
 * Shows config-file problems (bad JSON, unknown keys, …) as diagnostics on the config file
 * and in the log. Publishes only when a file's set of problems changes.
 */
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import type { ConfigProblem } from './projectConfig';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export class ConfigProblemReporter {
  /** Config file path → fingerprint of the problems last published for it. */
  private readonly published = new Map<string, string>();

  constructor(private readonly connection: Connection) {}

  /** Report the problems found while loading `file` (an empty list clears earlier ones). */
  report(file: string, problems: ConfigProblem[]): void {
    const own = problems.filter((p) => p.file === file || !p.file);
    const fingerprint = JSON.stringify(own);
    if ((this.published.get(file) ?? '[]') === fingerprint) return;
    this.published.set(file, fingerprint);
    for (const problem of own) {
      this.connection.console.warn(`Config problem in ${file}${where(problem)}: ${problem.message}`);
    }
    void this.connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: own.map(toDiagnostic) });
  }

  /** The file changed or vanished: clear its diagnostics until it is loaded again. */
  forget(file: string): void {
    if (!this.published.has(file)) return;
    this.published.delete(file);
    void this.connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: [] });
  }
}

function where(problem: ConfigProblem): string {
  return problem.line ? `:${problem.line}${problem.column ? `:${problem.column}` : ''}` : '';
}

/** Problem positions are 1-based (like compiler messages); LSP positions are 0-based. */
function toDiagnostic(problem: ConfigProblem): Diagnostic {
  const line = Math.max(0, (problem.line ?? 1) - 1);
  const character = Math.max(0, (problem.column ?? 1) - 1);
  return {
    range: { start: { line, character }, end: { line, character: character + 1 } },
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
  };
}

/** Logs each distinct message once (settings problems would otherwise repeat for every document). */
export class OnceLogger {
  private readonly seen = new Set<string>();

  constructor(private readonly write: (message: string) => void) {}

  report(message: string): void {
    if (this.seen.has(message)) return;
    this.seen.add(message);
    this.write(message);
  }

  reset(): void {
    this.seen.clear();
  }
}
