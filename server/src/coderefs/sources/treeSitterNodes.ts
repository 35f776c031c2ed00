/**
 * Tree-sitter syntax trees for the model sources that need more than string literals (Django,
 * SQLAlchemy, ActiveRecord), with the grammars the framework extractors load
 * (server/src/frameworks/treeSitter.ts). A file whose grammar is not loaded yields no tree.
 */
import type { Node } from 'web-tree-sitter';
import { withTree, type GrammarName } from '../../frameworks/treeSitter';
import type { RawReference } from '../types';

/** The references `read` finds in the tree of `text`; none when the grammar is not loaded. The tree is freed after. */
export function refsInTree(grammar: GrammarName, text: string, read: (root: Node) => RawReference[]): RawReference[] {
  return withTree(grammar, text, read, () => []);
}

export function* descendants(node: Node): Generator<Node> {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
}
