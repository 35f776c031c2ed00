/** An ignore that silences nothing → remove it, or just the rule ids in it that silence nothing. */
import { RULE_IDS } from '../rules';
import { deleteRange } from './textEdits';
import type { FixProvider } from './types';

export const fix: FixProvider = {
  ruleId: 'unused-ignore',
  inFixAll: true,
  edits(ctx) {
    const directive = ctx.result.document.ignores.find((d) => d.span.start === ctx.finding.span.start && d.span.end === ctx.finding.span.end);
    if (!directive) return [];
    const keep = directive.ruleIds.filter((id) => directive.used.has(id) && (id === 'all' || RULE_IDS.includes(id)));
    if (keep.length === 0) {
      const edit = deleteRange(ctx.text, directive.span.start, directive.span.end);
      return [{ title: 'Remove this lockstep-ignore', ruleId: 'unused-ignore', edits: [edit], files: [], safe: true }];
    }
    // Rewrite only the id list: between the directive word and the `:` (or the comment's end).
    const comment = ctx.text.slice(directive.span.start, directive.span.end);
    const m = /lockstep-ignore(?:-file)?\b\s*([^:*]*?)\s*(?=:|\*\/|$)/s.exec(comment);
    if (!m) return [];
    const idsStart = directive.span.start + m.index + m[0].length - m[1].length - (m[0].length - m[0].trimEnd().length);
    const dropped = directive.ruleIds.filter((id) => !keep.includes(id));
    return [
      {
        title: `Remove ${dropped.join(', ')} from this lockstep-ignore`,
        ruleId: 'unused-ignore',
        edits: [{ start: idsStart, end: idsStart + m[1].length, newText: keep.join(', ') }],
        files: [],
        safe: true,
      },
    ];
  },
};
