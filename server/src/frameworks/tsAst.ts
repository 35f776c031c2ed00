/**
 * The TypeScript compiler API, loaded on first use so that linting plain SQL never pays for it,
 * and the few questions the JS/TS extractors ask of a syntax tree: the value of a string (with the
 * map from each SQL character back to the host file), call chains, object literals, the up/down
 * methods of a migration.
 */
import type * as TS from 'typescript';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TextSpan } from '../findings';
import type { OffsetRun } from './types';

let loaded: typeof TS | undefined;

/**
 * The compiler API, loaded when a host file is first read. dist/ ships it as its own file next to
 * the bundles (scripts/build.mjs copies it), so start-up never parses its 9 MB; from sources
 * (tests, tsx) it comes from node_modules.
 */
export function ts(): typeof TS {
  if (!loaded) {
    const shipped = join(__dirname, 'typescript.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (existsSync(shipped) ? require(shipped) : require('typescript')) as typeof TS;
  }
  return loaded;
}

export function parseSource(text: string, path = 'migration.ts'): TS.SourceFile {
  const t = ts();
  const kind = /\.(ts|mts|cts)$/i.test(path) ? t.ScriptKind.TS : t.ScriptKind.JS;
  return t.createSourceFile(path, text, t.ScriptTarget.Latest, true, kind);
}

export function spanOf(node: TS.Node, sf: TS.SourceFile): TextSpan {
  return { start: node.getStart(sf), end: node.getEnd() };
}

/** A string the code spells out in full, and where each of its characters came from. */
export interface StaticString {
  value: string;
  runs: OffsetRun[];
}

export type StringResult = { ok: true; str: StaticString } | { ok: false; reason: string };

/**
 * The value of a string expression: a literal, a template without `${}`, or `+` joins of those.
 * Anything else (a variable, a call, an interpolation) is not a static string, with the reason.
 */
export function staticString(node: TS.Node, sf: TS.SourceFile): StringResult {
  const t = ts();
  if (t.isParenthesizedExpression(node)) return staticString(node.expression, sf);
  if (t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node)) {
    const start = node.getStart(sf) + 1;
    return { ok: true, str: decodeRaw(sf.text, start, node.getEnd() - 1, t.isNoSubstitutionTemplateLiteral(node)) };
  }
  if (t.isTemplateExpression(node)) return { ok: false, reason: 'template literal with ${} interpolation' };
  if (t.isBinaryExpression(node) && node.operatorToken.kind === t.SyntaxKind.PlusToken) {
    const left = staticString(node.left, sf);
    if (!left.ok) return left;
    const right = staticString(node.right, sf);
    if (!right.ok) return right;
    const shift = left.str.value.length;
    return {
      ok: true,
      str: { value: left.str.value + right.str.value, runs: [...left.str.runs, ...right.str.runs.map((r) => ({ ...r, sql: r.sql + shift }))] },
    };
  }
  if (t.isIdentifier(node)) return { ok: false, reason: 'SQL in a variable' };
  if (t.isCallExpression(node)) return { ok: false, reason: 'SQL built by a function call' };
  return { ok: false, reason: 'dynamic SQL string' };
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Decode the raw text between a literal's quotes, keeping runs of characters copied verbatim. */
function decodeRaw(text: string, start: number, end: number, template: boolean): StaticString {
  let value = '';
  const runs: OffsetRun[] = [];
  const copy = (host: number) => {
    const last = runs[runs.length - 1];
    if (last && last.host + last.length === host && last.sql + last.length === value.length) last.length++;
    else runs.push({ sql: value.length, host, length: 1 });
    value += text[host];
  };
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (template && c === '\r') {
      // Template literals normalise CRLF and CR to LF.
      value += '\n';
      if (text[i + 1] === '\n') i++;
      continue;
    }
    if (c !== '\\') {
      copy(i);
      continue;
    }
    const e = text[i + 1];
    i++;
    if (e === '\r' || e === '\n' || e === '\u2028' || e === '\u2029') {
      if (e === '\r' && text[i + 1] === '\n') i++;
      continue; // line continuation
    }
    if (e === 'x') {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u') {
      if (text[i + 1] === '{') {
        const close = text.indexOf('}', i);
        value += String.fromCodePoint(parseInt(text.slice(i + 2, close), 16));
        i = close;
      } else {
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
        i += 4;
      }
    } else value += SIMPLE_ESCAPES[e] ?? e;
  }
  return { value, runs };
}

/** Names along a call's callee: `queryRunner.query` → ['queryRunner', 'query']; `this.addSql` → ['this', 'addSql']. */
export function calleePath(call: TS.CallExpression): string[] {
  const t = ts();
  const names: string[] = [];
  let e: TS.Expression = call.expression;
  for (;;) {
    if (t.isPropertyAccessExpression(e)) {
      names.unshift(e.name.text);
      e = e.expression;
    } else if (t.isIdentifier(e)) {
      names.unshift(e.text);
      return names;
    } else if (e.kind === t.SyntaxKind.ThisKeyword) {
      names.unshift('this');
      return names;
    } else if (t.isCallExpression(e)) {
      // A chain: knex.schema.withSchema('s').alterTable(…): keep the inner call's path.
      names.unshift(...calleePath(e), '()');
      return names;
    } else if (t.isNonNullExpression(e) || t.isParenthesizedExpression(e) || t.isAwaitExpression(e)) {
      e = e.expression;
    } else {
      names.unshift('?');
      return names;
    }
  }
}

/** A literal value the code spells out: strings, numbers, booleans, null, arrays and objects of them. */
export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal } | undefined;

/** The value of a literal expression, or undefined when any part of it is dynamic. */
export function literalValue(node: TS.Node | undefined, sf: TS.SourceFile): Literal {
  if (!node) return undefined;
  const t = ts();
  if (t.isParenthesizedExpression(node) || t.isAsExpression(node) || t.isSatisfiesExpression(node)) return literalValue(node.expression, sf);
  const s = staticString(node, sf);
  if (s.ok) return s.str.value;
  if (t.isNumericLiteral(node)) return Number(node.text);
  if (t.isPrefixUnaryExpression(node) && node.operator === t.SyntaxKind.MinusToken && t.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  if (node.kind === t.SyntaxKind.TrueKeyword) return true;
  if (node.kind === t.SyntaxKind.FalseKeyword) return false;
  if (node.kind === t.SyntaxKind.NullKeyword) return null;
  if (t.isArrayLiteralExpression(node)) {
    const items = node.elements.map((e) => literalValue(e, sf));
    return items.some((i) => i === undefined) ? undefined : items;
  }
  if (t.isObjectLiteralExpression(node)) {
    const out: Record<string, Literal> = {};
    for (const p of node.properties) {
      if (!t.isPropertyAssignment(p)) return undefined;
      const key = propertyName(p.name);
      if (key === undefined) return undefined;
      const v = literalValue(p.initializer, sf);
      // A dynamic option value (`transaction: t`) is kept as a marker, not a reason to give up.
      out[key] = v === undefined ? { $dynamic: p.initializer.getText(sf) } : v;
    }
    return out;
  }
  return undefined;
}

export function propertyName(name: TS.PropertyName): string | undefined {
  const t = ts();
  if (t.isIdentifier(name) || t.isStringLiteral(name) || t.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** A property of an object literal, by name. */
export function objectProperty(obj: TS.Node | undefined, key: string): TS.PropertyAssignment | undefined {
  const t = ts();
  if (!obj || !t.isObjectLiteralExpression(obj)) return undefined;
  return obj.properties.find((p): p is TS.PropertyAssignment => t.isPropertyAssignment(p) && propertyName(p.name) === key);
}

/** A function body the framework calls: `up`/`down` methods, `exports.up = …`, `export async function up`, `{ up: … }`. */
export interface MigrationMethod {
  section: 'up' | 'down';
  fn: TS.FunctionLikeDeclaration;
  /** Parameter names in order (`queryRunner`, `knex`, `queryInterface, Sequelize`, `pgm`, `db`). */
  params: string[];
}

export function migrationMethods(sf: TS.SourceFile): MigrationMethod[] {
  const t = ts();
  const found: MigrationMethod[] = [];
  const add = (name: string | undefined, fn: TS.Node | undefined) => {
    if ((name !== 'up' && name !== 'down') || !fn) return;
    if (!(t.isFunctionExpression(fn) || t.isArrowFunction(fn) || t.isMethodDeclaration(fn) || t.isFunctionDeclaration(fn))) return;
    found.push({ section: name, fn, params: fn.parameters.map((p) => (t.isIdentifier(p.name) ? p.name.text : '?')) });
  };
  const visit = (node: TS.Node) => {
    if (t.isMethodDeclaration(node) || t.isFunctionDeclaration(node)) add(node.name && propertyName(node.name as TS.PropertyName), node);
    else if (t.isPropertyAssignment(node)) add(propertyName(node.name), node.initializer);
    else if (t.isVariableDeclaration(node) && t.isIdentifier(node.name)) add(node.name.text, node.initializer);
    else if (t.isBinaryExpression(node) && node.operatorToken.kind === t.SyntaxKind.EqualsToken && t.isPropertyAccessExpression(node.left)) {
      const target = node.left.expression.getText(sf);
      if (target === 'exports' || target === 'module.exports') add(node.left.name.text, node.right);
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Is `node` inside a loop (or an iterating callback) within `fn`? Statements there run an unknown number of times. */
export function insideLoop(node: TS.Node, fn: TS.Node): boolean {
  const t = ts();
  for (let n = node.parent; n && n !== fn; n = n.parent) {
    if (t.isForStatement(n) || t.isForOfStatement(n) || t.isForInStatement(n) || t.isWhileStatement(n) || t.isDoStatement(n)) return true;
    if ((t.isArrowFunction(n) || t.isFunctionExpression(n)) && t.isCallExpression(n.parent)) {
      const path = calleePath(n.parent);
      if (['forEach', 'map', 'flatMap', 'reduce', 'all'].includes(path[path.length - 1])) return true;
    }
  }
  return false;
}

/** Map an offset inside extracted SQL to the host file. */
export function hostOffset(runs: readonly OffsetRun[], sqlOffset: number, fallback: number): number {
  let best: OffsetRun | undefined;
  for (const r of runs) {
    if (r.sql <= sqlOffset) best = r;
    else break;
  }
  if (!best) return fallback;
  return best.host + Math.min(sqlOffset - best.sql, best.length);
}
