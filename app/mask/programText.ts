/**
 * A mask program as text to edit: its tokens with their offsets, its top-level statements
 * (constants, list literals, defs, the `mask_mod = ...` entry) and renaming identifiers across it.
 * Composition and the parameter panel use it to find names and ranges so they can rename and
 * splice without reformatting what the user wrote. The tokens are the lexer's own (scanTokens in
 * lexer.ts: comments kept, nothing refused), so the text is read exactly as the compiler reads
 * it, but the compiler stays the judge of what a program means.
 */
import { scanTokens } from './lexer';
import type { LexedFStringPart, Token as LexedToken } from './parse/tokens';

export type TokenKind = 'name' | 'number' | 'string' | 'comment' | 'op';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written: `source.slice(start, end)`. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Bracket depth before this token. */
  readonly depth: number;
  /**
   * True when this is the first token of its line (a line ended by a backslash goes on into the
   * next one, as in Python).
   */
  readonly lineStart: boolean;
  /** Column of the token in its line (spaces and tabs count one). */
  readonly column: number;
}

/**
 * The last program tokenized and its tokens: the page asks several questions of one text in a
 * row (its statements, its parameters, its title), and a long program should be read once.
 */
let lastTokenized: { source: string; tokens: readonly Token[] } | null = null;

/** The tokens of a program as written, comments included; any text is read to its end. */
export function tokenize(source: string): readonly Token[] {
  if (lastTokenized?.source === source) return lastTokenized.tokens;
  const tokens = readTokens(source);
  lastTokenized = { source, tokens };
  return tokens;
}

function readTokens(source: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  // Where the current line starts (a byte order mark is not part of the first line).
  let lineStartOffset = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  let cursor = lineStartOffset;
  for (const t of scanTokens(source)) {
    const { start, end } = t.span;
    const gapLine = lastLineStart(source, cursor, start);
    if (gapLine >= 0) lineStartOffset = gapLine;
    const lineStart = tokens.length === 0 || breaksLine(source, cursor, start);
    const kind = kindOf(t);
    const closes = kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}');
    if (closes) depth = Math.max(0, depth - 1);
    tokens.push({
      kind,
      text: source.slice(start, end),
      start,
      end,
      depth,
      lineStart,
      column: start - lineStartOffset,
    });
    if (kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) depth += 1;
    // A triple-quoted string may span lines: the next token's column counts from its last one.
    const inToken = lastLineStart(source, start, end);
    if (inToken >= 0) lineStartOffset = inToken;
    cursor = end;
  }
  return tokens;
}

function kindOf(t: LexedToken): TokenKind {
  switch (t.kind) {
    case 'name':
    case 'string':
    case 'comment':
    case 'op':
      return t.kind;
    case 'int':
    case 'float':
    case 'imaginary':
      return 'number';
    default:
      // Text the lexer could not read: a malformed number (`08`, `1x`) or a stray character.
      return /^\.?[0-9]/.test(t.text) ? 'number' : 'op';
  }
}

/** Where the last line that starts inside source[from, to) begins, or -1 if none does. */
function lastLineStart(source: string, from: number, to: number): number {
  for (let k = to - 1; k >= from; k -= 1) {
    const c = source[k];
    if (c === '\n' || c === '\r') return k + 1;
  }
  return -1;
}

/**
 * Whether the whitespace in source[from, to) between two tokens ends a line (a backslash right
 * before a line break joins the lines). Read in place: most gaps are one space.
 */
function breaksLine(source: string, from: number, to: number): boolean {
  for (let k = from; k < to; k += 1) {
    const c = source[k];
    if (c !== '\n' && c !== '\r') continue;
    if (k === from || source[k - 1] !== '\\') return true;
    if (c === '\r' && source[k + 1] === '\n') k += 1;
  }
  return false;
}

export type StatementKind = 'def' | 'assign' | 'import' | 'other';

/** One top-level statement: its kind, the name it binds (if any) and its text range. */
export interface TopLevelStatement {
  readonly kind: StatementKind;
  readonly name: string | null;
  /** From the first token to the end of its last line's last token. */
  readonly start: number;
  readonly end: number;
  readonly tokens: readonly Token[];
}

/**
 * How many texts keep their statements. Every panel asks about the text being edited (and the
 * parameter panel, during a slider drag, also about the text last compiled), so a handful covers
 * a render; a 100 KB program's statements take a few megabytes.
 */
const STATEMENT_CACHE_SIZE = 4;
const statementCache = new Map<string, readonly TopLevelStatement[]>();

/**
 * Splits a program into top-level statements. A statement starts at a token in column 0 outside
 * brackets; comments between statements belong to no statement.
 *
 * Tokenizing is linear in the text, but a 100 KB program still takes around ten milliseconds
 * (more on a slow machine), and every panel (the figure's title, the export, each parameter)
 * asks on each render: the answer is memoised by the text, so a program is tokenized once per
 * change however many ask. The result is shared and must not be modified (its types say so).
 */
export function topLevelStatements(source: string): readonly TopLevelStatement[] {
  const cached = statementCache.get(source);
  if (cached !== undefined) {
    // Most recently used last, so the oldest entry is the first one out.
    statementCache.delete(source);
    statementCache.set(source, cached);
    return cached;
  }
  const statements = Object.freeze(splitStatements(source));
  statementCache.set(source, statements);
  while (statementCache.size > STATEMENT_CACHE_SIZE) {
    const oldest = statementCache.keys().next();
    if (oldest.done === true) break;
    statementCache.delete(oldest.value);
  }
  return statements;
}

function splitStatements(source: string): TopLevelStatement[] {
  const tokens = tokenize(source);
  const groups: Token[][] = [];
  let current: Token[] | null = null;
  for (const token of tokens) {
    // A closing bracket at column 0 (`) -> Mask:` after a long def header) continues its statement.
    const closes =
      token.kind === 'op' && (token.text === ')' || token.text === ']' || token.text === '}');
    const startsStatement = token.lineStart && token.column === 0 && token.depth === 0 && !closes;
    if (startsStatement && token.kind === 'comment') {
      current = null;
      continue;
    }
    if (startsStatement) {
      current = [token];
      groups.push(current);
    } else if (current) {
      current.push(token);
    }
  }
  return groups.map((group) => {
    const first = group[0];
    let lastIndex = group.length - 1;
    while (lastIndex > 0 && group[lastIndex].kind === 'comment') lastIndex -= 1;
    const last = group[lastIndex];
    let kind: StatementKind = 'other';
    let name: string | null = null;
    if (first.kind === 'name' && first.text === 'def' && group[1]?.kind === 'name') {
      kind = 'def';
      name = group[1].text;
    } else if (first.kind === 'name' && (first.text === 'import' || first.text === 'from')) {
      kind = 'import';
    } else if (first.kind === 'name' && isAssignmentOperator(group[1])) {
      kind = 'assign';
      name = first.text;
    } else if (first.kind === 'name' && group[1]?.text === ':' && group[1].kind === 'op') {
      // An annotated assignment: `WINDOW: int = 3`.
      const equals = group.findIndex((t) => t.kind === 'op' && t.text === '=' && t.depth === 0);
      if (equals > 0) {
        kind = 'assign';
        name = first.text;
      }
    }
    return { kind, name, start: first.start, end: last.end, tokens: group };
  });
}

function isAssignmentOperator(token: Token | undefined): boolean {
  return token !== undefined && token.kind === 'op' && token.text === '=';
}

/** The names a program binds at top level, in order of first appearance. */
export function topLevelNames(source: string): string[] {
  const names = new Set<string>();
  for (const statement of topLevelStatements(source)) {
    if (statement.name) names.add(statement.name);
  }
  return [...names];
}

/**
 * Renames identifiers throughout a program: every name token in the map except attributes
 * (`torch.where` keeps `where`), inside f-string replacement fields too. Locals and parameters
 * that shadow a renamed name are renamed with it, which keeps the program's meaning.
 */
export function renameIdentifiers(source: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return source;
  let out = '';
  let cursor = 0;
  for (const { span } of renamable(scanTokens(source))) {
    const replacement = renames.get(source.slice(span.start, span.end));
    if (replacement === undefined) continue;
    out += source.slice(cursor, span.start) + replacement;
    cursor = span.end;
  }
  return out + source.slice(cursor);
}

/** The name tokens a rename applies to, in source order: all but attributes (`x.name`). */
function* renamable(tokens: readonly LexedToken[]): Generator<LexedToken> {
  let previous: LexedToken | undefined;
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (t.kind === 'name' && !(previous?.kind === 'op' && previous.text === '.')) yield t;
    for (const part of t.string?.parts ?? []) yield* fieldNames(part);
    previous = t;
  }
}

/** The renamable names of an f-string's replacement field, its format spec's fields included. */
function* fieldNames(part: LexedFStringPart): Generator<LexedToken> {
  if (part.kind !== 'field') return;
  yield* renamable(part.tokens);
  for (const spec of part.formatSpec ?? []) yield* fieldNames(spec);
}
