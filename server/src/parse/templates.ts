/**
 * Templated SQL: placeholders that a tool substitutes before PostgreSQL sees the text. Go templates
 * (`{{ .Name }}`, `{{ index .Options "Name" }}`), Flyway and Liquibase `${name}`, psql `:name`,
 * `:'name'` and `:"name"`, and `$1` parameters where a name is expected.
 *
 * Each placeholder is replaced by a stand-in of exactly its own length, so every offset in the
 * prepared text is the same offset in the original: diagnostics land on the original characters.
 * The stand-in is typed by position: a name where SQL expects a name, a literal where it expects a
 * value (the configured value when it fits, else a neutral one). Go template control actions
 * (`{{ if }}`, `{{ range }}`, `{{ with }}` … `{{ end }}`) decide the statement's shape, so the
 * statements they touch are reported as not analysed instead of being guessed.
 */
import type { TextSpan } from '../findings';
import type { SourceText } from './pieceText';

export interface Placeholder {
  span: TextSpan;
  /** The name it is looked up by in `placeholders` config (`Namespace`, `flyway:defaultSchema`, `schema`). */
  name: string;
  /** Where it stands: in code (typed stand-in), or inside a string, quoted name or comment (plain filler). */
  context: 'identifier' | 'literal' | 'quoted' | 'comment';
}

export interface TemplateBranch {
  /** From the opening control action to the end of its matching `{{ end }}` (or of the text). */
  span: TextSpan;
  /** The opening action's keyword: `if`, `range`, `with`, `block`, `define`. */
  keyword: string;
}

export interface PreparedText {
  /** Same length as the original, placeholders replaced (pieces only when none was: the original itself). */
  text: SourceText;
  placeholders: Placeholder[];
  branches: TemplateBranch[];
}

const CONTROL = /^\{\{-?\s*(if|range|with|block|define|else|end|template)\b/;
const OPENS = new Set(['if', 'range', 'with', 'block', 'define']);
/** Keywords after which a placeholder is a value, not a name. */
const VALUE_BEFORE = new Set(['default', 'is', 'interval', 'like', 'ilike', 'values', 'then', 'else', 'when', 'limit', 'offset', 'password', 'comment']);
const NAME_BEFORE = new Set([
  'table', 'index', 'on', 'schema', 'from', 'join', 'into', 'update', 'references', 'view', 'sequence', 'type', 'exists',
  'column', 'constraint', 'to', 'function', 'role', 'user', 'owner', 'extension', 'domain', 'trigger', 'only', 'by', 'concurrently',
]);

/** What could start a placeholder: without one anywhere, a text has none (a `::type` cast is not a psql variable). */
const CANDIDATE = /\{\{|\$\{|(?<![:\w]):(?![:=])['"A-Za-z_]|\$\d/;

/** Prepared texts that hold no candidate at all: an edit of one needs only the text around it looked at. */
const withoutCandidates = new WeakSet<PreparedText>();

/** The text as it is, known to hold no placeholder candidate. */
function plain(text: SourceText): PreparedText {
  const prepared: PreparedText = { text, placeholders: [], branches: [] };
  withoutCandidates.add(prepared);
  return prepared;
}

export function holdsNoCandidate(prepared: PreparedText): boolean {
  return withoutCandidates.has(prepared);
}

/**
 * `prepareTemplates(text)` when the text before the edit held no candidate (`holdsNoCandidate`): a
 * candidate reads at most three characters (one before a `:`, the `:`, one after), so a new one has a
 * character within two of the edited range [start, newEnd); outside it both texts are the same. Only
 * that stretch, and two characters more each side, is tested (a cut-off character before a `:` counts
 * as no character: at worst the whole text is prepared).
 */
export function prepareTemplatesAfterEdit(text: SourceText, edit: { start: number; newEnd: number }, values?: Readonly<Record<string, string>>): PreparedText {
  const near = text.slice(Math.max(0, edit.start - 4), edit.newEnd + 4);
  return CANDIDATE.test(near) ? prepareTemplates(text, values) : plain(text);
}

/**
 * Finds placeholders and replaces them; text without any comes back unchanged (the same string, or the
 * same pieces: parse/pieceText.ts; pieces are read whole here).
 */
export function prepareTemplates(source: string, values?: Readonly<Record<string, string>>): PreparedText & { text: string };
export function prepareTemplates(source: SourceText, values?: Readonly<Record<string, string>>): PreparedText;
export function prepareTemplates(source: SourceText, values: Readonly<Record<string, string>> = {}): PreparedText {
  if (typeof source === 'string') return prepareText(source, values);
  const prepared = prepareText(source.whole(), values);
  if (prepared.text !== source.whole()) return prepared;
  const same = { ...prepared, text: source };
  if (withoutCandidates.has(prepared)) withoutCandidates.add(same);
  return same;
}

function prepareText(text: string, values: Readonly<Record<string, string>>): PreparedText & { text: string } {
  // Most files hold no placeholder at all: skip the scan.
  if (!CANDIDATE.test(text)) return plain(text) as PreparedText & { text: string };
  const found = scan(text);
  if (found.placeholders.length === 0 && found.branches.length === 0) return { text, placeholders: [], branches: [] };
  let out = '';
  let at = 0;
  for (const p of found.placeholders) {
    out += text.slice(at, p.span.start) + standIn(text, p, values);
    at = p.span.end;
  }
  out += text.slice(at);
  return { text: out, placeholders: found.placeholders, branches: found.branches };
}

/** Do any placeholders or template branches overlap `span`? */
export function overlaps(items: readonly { span: TextSpan }[], span: TextSpan): boolean {
  return items.some((i) => i.span.start < span.end && i.span.end > span.start);
}

interface Scan {
  placeholders: Placeholder[];
  branches: TemplateBranch[];
}

/** One pass over the text with just enough SQL lexing to know strings, quoted names, comments and dollar quotes. */
function scan(text: string): Scan {
  const placeholders: Placeholder[] = [];
  const branches: TemplateBranch[] = [];
  const open: { start: number; keyword: string }[] = [];
  let mode: 'code' | 'string' | 'ident' | 'line' | 'block' | 'dollar' = 'code';
  let dollarTag = '';
  let depth = 0;
  const contextFor = (): Placeholder['context'] | undefined =>
    mode === 'string' || mode === 'ident' || mode === 'dollar' ? 'quoted' : mode === 'line' || mode === 'block' ? 'comment' : undefined;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    // Template syntax is expanded before SQL is read, so it is recognised in every mode.
    if (c === '{' && text[i + 1] === '{') {
      const close = text.indexOf('}}', i + 2);
      const end = close < 0 ? text.length : close + 2;
      const action = text.slice(i, end);
      const control = CONTROL.exec(action);
      if (control) {
        const keyword = control[1];
        if (OPENS.has(keyword)) open.push({ start: i, keyword });
        else if (keyword === 'end') {
          const from = open.pop();
          if (from) branches.push({ span: { start: from.start, end }, keyword: from.keyword });
        }
        placeholders.push({ span: { start: i, end }, name: '', context: 'comment' });
      } else if (/^\{\{-?\s*\/\*/.test(action)) {
        placeholders.push({ span: { start: i, end }, name: '', context: 'comment' });
      } else {
        placeholders.push({ span: { start: i, end }, name: goName(action), context: contextFor() ?? codeContext(text, i, end) });
      }
      i = end;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close > 0 && !text.slice(i + 2, close).includes('\n')) {
        const end = close + 1;
        placeholders.push({ span: { start: i, end }, name: text.slice(i + 2, close).trim(), context: contextFor() ?? codeContext(text, i, end) });
        i = end;
        continue;
      }
    }
    switch (mode) {
      case 'code':
        if (c === '-' && text[i + 1] === '-') mode = 'line';
        else if (c === '/' && text[i + 1] === '*') {
          mode = 'block';
          depth = 1;
          i += 2;
          continue;
        } else if (c === "'") mode = 'string';
        else if (c === '"') mode = 'ident';
        else if (c === '$') {
          const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
          if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
            mode = 'dollar';
            dollarTag = tag[0];
            i += tag[0].length;
            continue;
          }
          const param = /^\$\d+/.exec(text.slice(i, i + 12));
          if (param && codeContext(text, i, i + param[0].length) === 'identifier' && nameExpected(text, i, i + param[0].length)) {
            placeholders.push({ span: { start: i, end: i + param[0].length }, name: param[0], context: 'identifier' });
            i += param[0].length;
            continue;
          }
        } else if (c === ':') {
          const psql = psqlVariable(text, i);
          if (psql) {
            placeholders.push(psql);
            i = psql.span.end;
            continue;
          }
        }
        break;
      case 'string':
        if (c === "'") {
          if (text[i + 1] === "'") i++;
          else mode = 'code';
        }
        break;
      case 'ident':
        if (c === '"') {
          if (text[i + 1] === '"') i++;
          else mode = 'code';
        }
        break;
      case 'line':
        if (c === '\n') mode = 'code';
        break;
      case 'block':
        if (c === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
          continue;
        }
        if (c === '*' && text[i + 1] === '/') {
          i += 2;
          if (--depth === 0) mode = 'code';
          continue;
        }
        break;
      case 'dollar':
        if (c === '$' && text.startsWith(dollarTag, i)) {
          i += dollarTag.length;
          mode = 'code';
          continue;
        }
        break;
    }
    i++;
  }
  for (const o of open) branches.push({ span: { start: o.start, end: text.length }, keyword: o.keyword });
  return { placeholders, branches };
}

/** psql `:name`, `:'name'`, `:"name"` in code, but not `::type`, `:=`, or a slice bound `[1:n]`. */
function psqlVariable(text: string, i: number): Placeholder | undefined {
  if (text[i - 1] === ':' || text[i + 1] === ':' || text[i + 1] === '=') return undefined;
  const m = /^:(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i, i + 80));
  if (!m) return undefined;
  if (m[3] && insideBrackets(text, i)) return undefined;
  const end = i + m[0].length;
  const context: Placeholder['context'] = m[1] ? 'literal' : m[2] ? 'identifier' : codeContext(text, i, end);
  return { span: { start: i, end }, name: m[1] ?? m[2] ?? m[3], context };
}

/** Is offset `i` inside `[ … ]` on its line (an array subscript or slice)? */
function insideBrackets(text: string, i: number): boolean {
  const lineStart = text.lastIndexOf('\n', i) + 1;
  const before = text.slice(lineStart, i);
  return before.lastIndexOf('[') > before.lastIndexOf(']');
}

/** The name a Go template action refers to: its last string argument, else its last `.Field`. */
function goName(action: string): string {
  const inner = action.replace(/^\{\{-?/, '').replace(/-?\}\}$/, '');
  const strings = [...inner.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`/g)];
  if (strings.length) {
    const last = strings[strings.length - 1];
    return last[1] ?? last[2] ?? '';
  }
  const fields = [...inner.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)/g)];
  return fields.length ? fields[fields.length - 1][1] : inner.trim().replace(/^\$/, '');
}

/** The previous word (lower-case) or punctuation character before `i`, skipping whitespace. */
function previousToken(text: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  if (j < 0) return '';
  if (/[A-Za-z0-9_]/.test(text[j])) {
    let k = j;
    while (k > 0 && /[A-Za-z0-9_]/.test(text[k - 1])) k--;
    return text.slice(k, j + 1).toLowerCase();
  }
  return text[j];
}

/** A name position for certain: after a DDL keyword, or joined to a `.`. */
function nameExpected(text: string, start: number, end: number): boolean {
  const prev = previousToken(text, start);
  return NAME_BEFORE.has(prev) || text[start - 1] === '.' || text[end] === '.';
}

/** Name or value? Values follow `=`, comparison and arithmetic operators and a few keywords. */
function codeContext(text: string, start: number, end: number): 'identifier' | 'literal' {
  if (text[start - 1] === '.' || text[end] === '.' || /[A-Za-z0-9_]/.test(text[start - 1] ?? '') || /[A-Za-z0-9_]/.test(text[end] ?? '')) return 'identifier';
  const prev = previousToken(text, start);
  if (VALUE_BEFORE.has(prev) || ['=', '<', '>', '+', '-', '*', '/', '%', '|'].includes(prev)) return 'literal';
  if ((prev === '(' || prev === ',') && /\bvalues\s*\([^;]*$/i.test(text.slice(Math.max(0, start - 2000), start))) return 'literal';
  return 'identifier';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** A stand-in exactly as long as the placeholder. */
function standIn(text: string, p: Placeholder, values: Readonly<Record<string, string>>): string {
  const length = p.span.end - p.span.start;
  const original = text.slice(p.span.start, p.span.end);
  // Keep line breaks where they were, so line numbers never move.
  const keepLines = (s: string) => [...s].map((ch, k) => (original[k] === '\n' || original[k] === '\r' ? original[k] : ch)).join('');
  if (p.context === 'comment') return keepLines(' '.repeat(length));
  const value = values[p.name] ?? values[p.name.replace(/^.*:/, '')];
  // Glued to other name characters (`idx_{{ .Name }}`): the padding must not split the name.
  const glued = /[A-Za-z0-9_]/.test(text[p.span.start - 1] ?? '') || /[A-Za-z0-9_]/.test(text[p.span.end] ?? '');
  const pad = (s: string, fill: string) => keepLines(s + fill.repeat(length - s.length));
  if (p.context === 'quoted') return pad((value ?? '').replace(/['"$\\]/g, '').slice(0, length), ' ');
  if (p.context === 'literal') {
    const quoted = value !== undefined ? (/^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`) : "''";
    return quoted.length <= length ? pad(quoted, ' ') : pad("''", ' ');
  }
  const name = value !== undefined && IDENTIFIER.test(value) && value.length <= length
    ? value
    : (p.name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z_]/, '_') || 'x').slice(0, length);
  if (glued) return pad(name, '_');
  // `{{ .Schema }}.orders`: the padding goes before the name, so the name stays joined to its `.`.
  return text[p.span.end] === '.' ? keepLines(' '.repeat(length - name.length) + name) : pad(name, ' ');
}
