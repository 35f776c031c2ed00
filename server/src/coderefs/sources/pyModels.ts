/** Shared by the Python model sources: class bodies, assignments, call arguments, plain strings. */
import type { Node } from 'web-tree-sitter';
import type { RawReference } from '../types';

export interface PyAssign {
  name: string;
  nameNode: Node;
  value: Node;
}

export function classes(root: Node): Node[] {
  return root.descendantsOfType('class_definition').filter((n): n is Node => !!n);
}

/** `name = value` statements directly in a class body. */
export function assignments(cls: Node): PyAssign[] {
  const out: PyAssign[] = [];
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : undefined;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.push({ name: left.text, nameNode: left, value: right });
  }
  return out;
}

/** The text of a plain string literal node (no interpolation), with where its content starts. */
export function plainString(n: Node | null | undefined): { value: string; start: number } | undefined {
  if (n?.type !== 'string') return undefined;
  const content = n.namedChildren.filter((c) => c?.type === 'string_content');
  if (n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  if (content.length === 0) return undefined;
  return { value: content.map((c) => c!.text).join(''), start: content[0]!.startIndex };
}

export function callName(call: Node): string | undefined {
  const f = call.childForFieldName('function');
  if (f?.type === 'identifier') return f.text;
  if (f?.type === 'attribute') return f.childForFieldName('attribute')?.text;
  return undefined;
}

export function keywordArg(call: Node, name: string): Node | undefined {
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

export function positionalArgs(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'keyword_argument');
}

export function superclassText(cls: Node): string {
  return cls.childForFieldName('superclasses')?.text ?? '';
}

export function refOn(start: number, value: string, table: string, column: string | undefined, source: string): RawReference {
  return { start, end: start + value.length, table, column, access: 'map', source };
}
