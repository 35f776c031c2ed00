/**
 * PostgreSQL lexical rules, just enough to know where tokens, strings and comments end.
 * Shared by the splitter (to find statement boundaries) and the parser wrapper (to find token ends).
 * Every scan is bounded by a `limit` and never throws; the scanner allocates nothing per token.
 */

const TAB = 0x09;
const LF = 0x0a;
const VT = 0x0b;
const FF = 0x0c;
const CR = 0x0d;
const SPACE = 0x20;
const DQUOTE = 0x22;
const DOLLAR = 0x24;
const AMP = 0x26;
const QUOTE = 0x27;
const STAR = 0x2a;
const DASH = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const UNDERSCORE = 0x5f;

/** Character classes of ASCII characters; every non-ASCII character is a letter to PostgreSQL. */
const WHITESPACE = 1;
const IDENT_START = 2;
const DIGIT = 4;
const IDENT_CHAR = 8;
const NUMBER_CHAR = 16;
const ASCII_CLASSES = buildAsciiClasses();
const NON_ASCII_CLASSES = IDENT_START | IDENT_CHAR;

function buildAsciiClasses(): Uint8Array {
  const classes = new Uint8Array(128);
  for (const c of [SPACE, LF, TAB, CR, FF, VT]) classes[c] |= WHITESPACE;
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const digit = c >= 0x30 && c <= 0x39;
    if (letter || c === UNDERSCORE) classes[c] |= IDENT_START | IDENT_CHAR | NUMBER_CHAR;
    if (digit) classes[c] |= DIGIT | IDENT_CHAR | NUMBER_CHAR;
  }
  classes[DOLLAR] |= IDENT_CHAR;
  classes[DOT] |= NUMBER_CHAR;
  return classes;
}

function is(c: number, charClass: number): boolean {
  if (c < 128) return (ASCII_CLASSES[c] & charClass) !== 0;
  // charCodeAt past the end gives NaN, which fails both comparisons and belongs to no class.
  return c >= 128 && (NON_ASCII_CLASSES & charClass) !== 0;
}

export function isWhitespace(c: number): boolean {
  return is(c, WHITESPACE);
}
/** PostgreSQL treats every non-ASCII character as a letter in identifiers. */
export function isIdentStart(c: number): boolean {
  return is(c, IDENT_START);
}
/** Characters allowed in a `$tag$` (identifier characters except `$`). */
function isDollarTagChar(c: number): boolean {
  return c !== DOLLAR && is(c, IDENT_CHAR);
}

export function skipWhitespace(text: string, pos: number, limit: number): number {
  while (pos < limit && isWhitespace(text.charCodeAt(pos))) pos++;
  return pos;
}

export function trimWhitespaceEnd(text: string, start: number, end: number): number {
  while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Index of the next `\n` at or after `pos`, or `limit`. */
export function lineEnd(text: string, pos: number, limit: number): number {
  while (pos < limit && text.charCodeAt(pos) !== LF) pos++;
  return pos;
}

/** `--` comment starting at `pos`; like PostgreSQL's scanner, it ends before the next `\n` or `\r`. */
export function lineCommentEnd(text: string, pos: number, limit: number): number {
  let end = pos;
  while (end < limit && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
  return end;
}

export function startsLineComment(text: string, pos: number, limit: number): boolean {
  return pos + 1 < limit && text.charCodeAt(pos) === DASH && text.charCodeAt(pos + 1) === DASH;
}

export function startsBlockComment(text: string, pos: number, limit: number): boolean {
  return pos + 1 < limit && text.charCodeAt(pos) === SLASH && text.charCodeAt(pos + 1) === STAR;
}

/** The `$tag$` delimiter starting at `pos`, or undefined (`$1` is a parameter, not a dollar quote). */
export function dollarDelimiterAt(text: string, pos: number, limit: number): string | undefined {
  if (text.charCodeAt(pos) !== DOLLAR) return undefined;
  let i = pos + 1;
  if (i < limit && isIdentStart(text.charCodeAt(i))) {
    while (i < limit && isDollarTagChar(text.charCodeAt(i))) i++;
  }
  return i < limit && text.charCodeAt(i) === DOLLAR ? text.slice(pos, i + 1) : undefined;
}

/**
 * Scans one construct at a time; the result of the last scan is in the public fields.
 * `family` names constructs that can be left open (`quote`, `ident`, `comment`, `dollar:$tag$`).
 */
export class SqlScanner {
  end = 0;
  terminated = true;
  /** The construct contains a line break. */
  multiLine = false;
  family: string | undefined = undefined;
  /** The token is an identifier or keyword (not a string with an E/B/X/N/U& prefix). */
  isWord = false;

  constructor(readonly text: string) {}

  /** Scans the significant (non-whitespace, non-comment) token at `pos`; returns its end. */
  token(pos: number, limit: number): number {
    const text = this.text;
    this.reset();
    const c = text.charCodeAt(pos);
    if (c === QUOTE) return this.quoted(pos, limit, false, 'quote');
    if (c === DQUOTE) return this.quoted(pos, limit, false, 'ident');
    if (c === DOLLAR) {
      const delimiter = dollarDelimiterAt(text, pos, limit);
      if (delimiter) return this.dollarQuote(pos, limit, delimiter);
      let end = pos + 1;
      while (end < limit && is(text.charCodeAt(end), DIGIT)) end++;
      return (this.end = end);
    }
    if (isIdentStart(c)) return this.word(pos, limit);
    if (is(c, DIGIT) || (c === DOT && is(text.charCodeAt(pos + 1), DIGIT))) {
      // Digits, dots, exponents and junk like `123abc` (which the parser reports) form one token.
      let end = pos + 1;
      while (end < limit && is(text.charCodeAt(end), NUMBER_CHAR)) end++;
      return (this.end = end);
    }
    // Keep surrogate pairs whole so spans never split a character.
    const pair = c >= 0xd800 && c <= 0xdbff && pos + 1 < limit && (text.charCodeAt(pos + 1) & 0xfc00) === 0xdc00;
    return (this.end = pos + (pair ? 2 : 1));
  }

  /** Nested `/* … *\/` comment starting at `pos`. */
  blockComment(pos: number, limit: number): number {
    const text = this.text;
    this.reset();
    this.family = 'comment';
    let depth = 0;
    let i = pos;
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (c === SLASH && i + 1 < limit && text.charCodeAt(i + 1) === STAR) {
        depth++;
        i += 2;
      } else if (c === STAR && i + 1 < limit && text.charCodeAt(i + 1) === SLASH) {
        i += 2;
        if (--depth === 0) return (this.end = i);
      } else {
        if (c === LF) this.multiLine = true;
        i++;
      }
    }
    this.terminated = false;
    return (this.end = limit);
  }

  private reset(): void {
    this.terminated = true;
    this.multiLine = false;
    this.family = undefined;
    this.isWord = false;
  }

  private word(pos: number, limit: number): number {
    const text = this.text;
    let end = pos + 1;
    while (end < limit && is(text.charCodeAt(end), IDENT_CHAR)) end++;
    if (end - pos === 1 && end < limit) {
      const prefix = text.charCodeAt(pos) | 0x20; // ASCII lower-case
      const next = text.charCodeAt(end);
      if (next === QUOTE && prefix === 0x65 /* e */) return this.quoted(end, limit, true, 'quote');
      if (next === QUOTE && (prefix === 0x62 || prefix === 0x78 || prefix === 0x6e) /* b x n */) {
        return this.quoted(end, limit, false, 'quote');
      }
      const after = text.charCodeAt(end + 1);
      if (prefix === 0x75 /* u */ && next === AMP && end + 1 < limit && (after === QUOTE || after === DQUOTE)) {
        return this.quoted(end + 1, limit, false, after === QUOTE ? 'quote' : 'ident');
      }
    }
    this.isWord = true;
    return (this.end = end);
  }

  /** A string or identifier whose opening quote is at `quotePos`; a doubled quote always escapes. */
  private quoted(quotePos: number, limit: number, backslashEscapes: boolean, family: string): number {
    const text = this.text;
    const quote = text.charCodeAt(quotePos);
    this.family = family;
    let i = quotePos + 1;
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        if (i + 1 < limit && text.charCodeAt(i + 1) === quote) {
          i += 2;
          continue;
        }
        return (this.end = i + 1);
      }
      if (c === LF) this.multiLine = true;
      i += backslashEscapes && c === BACKSLASH ? 2 : 1;
    }
    this.terminated = false;
    return (this.end = limit);
  }

  private dollarQuote(pos: number, limit: number, delimiter: string): number {
    const text = this.text;
    const first = delimiter.charCodeAt(0);
    this.family = `dollar:${delimiter}`;
    for (let i = pos + delimiter.length; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) this.multiLine = true;
      else if (c === first && i + delimiter.length <= limit && text.startsWith(delimiter, i)) {
        return (this.end = i + delimiter.length);
      }
    }
    this.terminated = false;
    return (this.end = limit);
  }
}

/** End of the whitespace and terminated comments starting at `pos` (an unterminated comment is not skipped). */
export function skipTrivia(scanner: SqlScanner, pos: number, limit: number): number {
  const text = scanner.text;
  for (;;) {
    pos = skipWhitespace(text, pos, limit);
    if (startsLineComment(text, pos, limit)) {
      pos = lineCommentEnd(text, pos, limit);
    } else if (startsBlockComment(text, pos, limit)) {
      const end = scanner.blockComment(pos, limit);
      if (!scanner.terminated) return pos;
      pos = end;
    } else {
      return pos;
    }
  }
}
