/**
 * A recursive-descent parser for Python 3.11, as much of it as real mask files are written in:
 * every statement but `match`, every expression but `yield` and `await` (those three, and
 * `async`, are refused with a NotSupportedError). It builds the syntax tree of ast.ts with a span
 * on every node and reports errors with Python 3.11's messages, in the order Python reports them.
 * It refuses nothing else for being beyond the mask language: the evaluator decides what it can
 * run. Every recursion is bounded (`nested` for expressions, `blockDepth` for blocks), so no
 * input can overflow the stack.
 *
 * Conventions of the tree, beyond ast.ts:
 * - a parenthesized group keeps its parentheses in its span (`(a + b)`), so a parent's span
 *   covers them; a tuple's `parenthesized` says whether it was written with them;
 * - a bare generator argument (`all(x for x in y)`) is a `comprehension` of type 'generator',
 *   the call's only argument, with the call's parentheses as its span (as in Python's ast);
 * - an `elif` is an `if` alone in the `orelse` of the clause before, its span from `elif`;
 * - a def or class span starts at `def` / `class`, decorators have their own spans;
 * - an f-string field `{x=}` has `debugText` 'x=' and, with no conversion or spec of its own,
 *   conversion 'r' (as Python's ast has it); field spans run from `{` to `}`, and every field
 *   expression's spans are offsets into the whole source;
 * - `a[*b]` has `tuple` true, as `a[(*b,)]`.
 *
 * This module is the entry point and decides which error Python reports first; the grammar is in
 * parse/, one layer per part (parserBase, fStrings, atoms, expressions, simpleStatements,
 * statements), each class extending the one below it.
 */
import { ProgramError } from './errors';
import type { Module } from './ast';
import type { CompileLimits } from './limits';
import { Parser } from './parse/statements';
import type { Token } from './parse/tokens';

/**
 * The syntax tree of a token list from `tokenize`. When the tokens end in a lexical error, the
 * parser throws it where it gets there; if the parser fails earlier, the lexical error may still
 * win, by its precedence, as in Python 3.11. "unexpected indent" is always reported first.
 */
export function parse(tokens: Token[], source: string, limits: CompileLimits): Module {
  try {
    return new Parser(tokens, source, limits).module();
  } catch (error) {
    throw firstReported(error, tokens, source);
  }
}

/** Which of a parser error and the lexical error ending the tokens Python would report. */
function firstReported(parserError: unknown, tokens: Token[], source: string): unknown {
  const last = tokens[tokens.length - 1];
  const lexical = last?.error;
  if (!(parserError instanceof ProgramError) || lexical === undefined) return parserError;
  if (parserError === lexical) return parserError;
  if (parserError.kind === 'IndentationError' && parserError.detail === 'unexpected indent') {
    return parserError;
  }
  if (last.precedence === 'always') return lexical;
  if (last.precedence !== 'after-its-line') return parserError;
  // An unclosed bracket: Python reports it when the parser failed on a later line, or when it
  // failed inside the bracket having read up to the end of the file.
  const lineOf = (offset: number): number => source.slice(0, offset).split('\n').length;
  const laterLine = lineOf(parserError.span.start) > lineOf(lexical.span.start);
  const lastRealToken = tokens[tokens.length - 2];
  const readToEnd =
    parserError.span.start >= lexical.span.start &&
    lastRealToken !== undefined &&
    parserError.span.end >= lastRealToken.span.start;
  return laterLine || readToEnd ? lexical : parserError;
}
