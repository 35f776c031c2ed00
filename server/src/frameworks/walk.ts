/**
 * The walk every JS/TS extractor shares: parse the file, find its up/down methods, visit their
 * calls in source order, and collect statements and "not analysed" items. A framework module only
 * says what one call means.
 */
import type * as TS from 'typescript';
import type { ExtractedStatement, Extraction, FrameworkId, NotAnalysed, TransactionModel } from './types';
import { calleePath, insideLoop, migrationMethods, parseSource, spanOf, staticString, ts, type MigrationMethod } from './tsAst';

export interface CallSite {
  sf: TS.SourceFile;
  call: TS.CallExpression;
  /** Callee names, e.g. ['queryRunner', 'query']. */
  path: string[];
  method: MigrationMethod;
  out: Collector;
}

/**
 * What a framework does with one call: `consumed` (it produced statements or a "not analysed"
 * item: do not look inside it), or `skip` (not a call the framework turns into SQL: look inside).
 */
export type CallVerdict = 'consumed' | 'skip';

export class Collector {
  readonly statements: ExtractedStatement[] = [];
  readonly notAnalysed: NotAnalysed[] = [];

  constructor(
    readonly sf: TS.SourceFile,
    private readonly section: 'up' | 'down',
  ) {}

  /** SQL the user wrote in a string argument; a dynamic one is reported, not guessed. */
  literal(arg: TS.Node | undefined, call: TS.CallExpression, extra: Partial<ExtractedStatement> = {}): void {
    if (!arg) return this.skip(call, 'call without SQL');
    const s = staticString(arg, this.sf);
    if (!s.ok) return this.skip(arg, s.reason);
    this.statements.push({
      sql: s.str.value,
      range: spanOf(arg, this.sf),
      origin: 'literal',
      runs: s.str.runs,
      call: spanOf(call, this.sf),
      section: this.section,
      ...extra,
    });
  }

  /** SQL translated from a builder call; it maps to the whole call. */
  builder(sql: string, node: TS.Node, extra: Partial<ExtractedStatement> = {}): void {
    const span = spanOf(node, this.sf);
    this.statements.push({ sql, range: span, origin: 'builder', call: span, section: this.section, ...extra });
  }

  skip(node: TS.Node, reason: string): void {
    this.notAnalysed.push({ range: spanOf(node, this.sf), reason, section: this.section });
  }
}

export interface WalkOptions {
  framework: FrameworkId;
  text: string;
  path?: string;
  /** What one call inside up/down means. */
  visit(site: CallSite): CallVerdict;
  /** The file's transaction model, decided from the whole tree. */
  transaction(sf: TS.SourceFile): TransactionModel;
}

export function walkMigration(options: WalkOptions): Extraction {
  const sf = parseSource(options.text, options.path);
  const t = ts();
  const statements: ExtractedStatement[] = [];
  const notAnalysed: NotAnalysed[] = [];
  for (const method of migrationMethods(sf)) {
    const out = new Collector(sf, method.section);
    const body = method.fn.body;
    const visit = (node: TS.Node): void => {
      if (t.isCallExpression(node)) {
        const [sBefore, nBefore] = [out.statements.length, out.notAnalysed.length];
        const verdict = options.visit({ sf, call: node, path: calleePath(node), method, out });
        if (verdict === 'consumed') {
          // A statement inside a loop runs once per iteration, on tables Lockstep cannot name.
          if (insideLoop(node, method.fn)) {
            out.statements.length = sBefore;
            out.notAnalysed.length = nBefore;
            out.skip(node, 'SQL inside a loop');
          }
          return;
        }
      }
      t.forEachChild(node, visit);
    };
    if (body) visit(body);
    statements.push(...out.statements);
    notAnalysed.push(...out.notAnalysed);
  }
  statements.sort((a, b) => a.range.start - b.range.start);
  notAnalysed.sort((a, b) => a.range.start - b.range.start);
  return { framework: options.framework, statements, notAnalysed, transaction: options.transaction(sf) };
}

/** The receiver a call is made on, when it is the method's `index`-th parameter (e.g. `queryRunner`). */
export function onParam(site: CallSite, index: number): boolean {
  const name = site.method.params[index];
  return !!name && name !== '?' && site.path[0] === name;
}
