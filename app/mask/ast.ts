/**
 * The syntax tree of a program: the parser's output, read by the setup evaluator, the tracer and
 * the PyTorch exporter. It covers the Python that real mask files are written in (module-level
 * setup code, generator functions, closures, comprehensions, loops, f-strings, decorators, simple
 * classes); what the evaluator then refuses, it refuses with a message, never the parser.
 *
 * Every node has a `span`: a half-open range of UTF-16 offsets into the text it was parsed from.
 */
import type { SourceSpan } from './types';

export type BinaryOp =
  '+' | '-' | '*' | '/' | '//' | '%' | '**' | '&' | '|' | '^' | '<<' | '>>' | '@';
export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in' | 'not in' | 'is' | 'is not';
export type UnaryOp = '-' | '+' | '~' | 'not';

/** One piece of an f-string: literal text, or a replacement field `{value!r:spec}`. */
export type FStringPart =
  | { kind: 'text'; value: string }
  | {
      kind: 'field';
      span: SourceSpan;
      value: Expr;
      /** `!r`, `!s`, `!a`. */
      conversion?: 'r' | 's' | 'a';
      /** The format spec after `:`, itself made of parts (it may hold nested fields). */
      formatSpec?: FStringPart[];
      /** `{x=}`: the text `x=` printed before the value. */
      debugText?: string;
    };

export type Expr =
  /** An int literal (`value` exact while it is a safe integer; `big` always exact) or a float. */
  | { kind: 'num'; span: SourceSpan; value: number; isFloat: boolean; text: string; big?: bigint }
  /** `1j` and friends: parsed so the evaluator can refuse them by name. */
  | { kind: 'imaginary'; span: SourceSpan; text: string }
  | { kind: 'bool'; span: SourceSpan; value: boolean }
  | { kind: 'none'; span: SourceSpan }
  | { kind: 'ellipsis'; span: SourceSpan }
  | { kind: 'name'; span: SourceSpan; id: string }
  /** Adjacent literals are joined into one node; `bytes` for b'...' (refused by the evaluator). */
  | { kind: 'string'; span: SourceSpan; value: string; bytes: boolean }
  /** An f-string, joined with any adjacent plain literals. */
  | { kind: 'fstring'; span: SourceSpan; parts: FStringPart[] }
  | { kind: 'list'; span: SourceSpan; elts: Expr[] }
  | { kind: 'set'; span: SourceSpan; elts: Expr[] }
  | { kind: 'tuple'; span: SourceSpan; elts: Expr[]; parenthesized: boolean }
  | { kind: 'dict'; span: SourceSpan; entries: DictEntry[] }
  /** `*x` inside a call, a list, a tuple, a set or an assignment target. */
  | { kind: 'starred'; span: SourceSpan; value: Expr }
  | { kind: 'unary'; span: SourceSpan; op: UnaryOp; operand: Expr }
  | { kind: 'binary'; span: SourceSpan; op: BinaryOp; left: Expr; right: Expr; opSpan: SourceSpan }
  | { kind: 'boolop'; span: SourceSpan; op: 'and' | 'or'; values: Expr[] }
  | { kind: 'compare'; span: SourceSpan; left: Expr; ops: CompareOp[]; comparators: Expr[] }
  | { kind: 'ifexp'; span: SourceSpan; test: Expr; body: Expr; orelse: Expr }
  /**
   * `value[i]`, `value[i, j]`, `value[1:3, ..., None]`: one entry per comma-separated item as
   * written (slices are `slice` nodes). `a[t]` with `t` a tuple variable has one entry.
   * `tuple` is true when the index was written with a comma (`a[i,]` or `a[i, j]`).
   */
  | { kind: 'subscript'; span: SourceSpan; value: Expr; indices: Expr[]; tuple: boolean }
  /** `lower:upper:step` inside a subscript. */
  | { kind: 'slice'; span: SourceSpan; lower?: Expr; upper?: Expr; step?: Expr }
  /** Positional args may include `starred`; a keyword without a name is `**mapping`. */
  | { kind: 'call'; span: SourceSpan; func: Expr; args: Expr[]; keywords: Keyword[] }
  | { kind: 'attribute'; span: SourceSpan; value: Expr; attr: string; attrSpan: SourceSpan }
  | { kind: 'lambda'; span: SourceSpan; params: Parameters; body: Expr }
  /** List, set and dict comprehensions and generator expressions. */
  | {
      kind: 'comprehension';
      span: SourceSpan;
      type: 'list' | 'set' | 'dict' | 'generator';
      /** The element (the key, for a dict comprehension). */
      elt: Expr;
      /** The value of a dict comprehension. */
      value?: Expr;
      generators: ComprehensionFor[];
    }
  /** `(name := value)` */
  | { kind: 'namedexpr'; span: SourceSpan; target: ExprOf<'name'>; value: Expr };

export type DictEntry = { key: Expr; value: Expr } | { unpack: Expr };

/** One `for target in iter if cond ...` clause of a comprehension. */
export interface ComprehensionFor {
  span: SourceSpan;
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export interface Keyword {
  /** Undefined for `**mapping`. */
  name?: string;
  span: SourceSpan;
  value: Expr;
}

export interface Param {
  name: string;
  span: SourceSpan;
  default?: Expr;
  annotation?: Expr;
}

/** A def's or lambda's parameter list, as Python groups it. */
export interface Parameters {
  /** Positional-only (before `/`) and then positional-or-keyword parameters, in order. */
  positional: Param[];
  /** How many of `positional` are positional-only (written before `/`). */
  positionalOnly: number;
  /** `*args`. */
  vararg?: Param;
  /** Keyword-only parameters (after `*` or `*args`). */
  keywordOnly: Param[];
  /** `**kwargs`. */
  kwarg?: Param;
}

export interface ExceptHandler {
  span: SourceSpan;
  /** The exception class (or tuple of classes); undefined for a bare `except:`. */
  type?: Expr;
  name?: string;
  body: Stmt[];
}

export interface ImportAlias {
  /** The dotted name as written: `torch.nn.functional`, or the imported name in a from-import. */
  name: string;
  asname?: string;
  span: SourceSpan;
}

export type Stmt =
  /** `a = b = value`: one target per `=`. */
  | { kind: 'assign'; span: SourceSpan; targets: Expr[]; value: Expr }
  /** `target: annotation = value` (value may be absent: a bare declaration). */
  | { kind: 'annassign'; span: SourceSpan; target: Expr; annotation: Expr; value?: Expr }
  | { kind: 'augassign'; span: SourceSpan; target: Expr; op: BinaryOp; value: Expr }
  | { kind: 'expr'; span: SourceSpan; value: Expr }
  | {
      kind: 'def';
      span: SourceSpan;
      name: string;
      nameSpan: SourceSpan;
      params: Parameters;
      body: Stmt[];
      decorators: Expr[];
      returns?: Expr;
    }
  | {
      kind: 'class';
      span: SourceSpan;
      name: string;
      nameSpan: SourceSpan;
      bases: Expr[];
      keywords: Keyword[];
      body: Stmt[];
      decorators: Expr[];
    }
  | { kind: 'return'; span: SourceSpan; value?: Expr }
  | { kind: 'if'; span: SourceSpan; test: Expr; body: Stmt[]; orelse: Stmt[] }
  | { kind: 'for'; span: SourceSpan; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] }
  | { kind: 'while'; span: SourceSpan; test: Expr; body: Stmt[]; orelse: Stmt[] }
  | { kind: 'break'; span: SourceSpan }
  | { kind: 'continue'; span: SourceSpan }
  | { kind: 'pass'; span: SourceSpan }
  | { kind: 'assert'; span: SourceSpan; test: Expr; msg?: Expr }
  | { kind: 'raise'; span: SourceSpan; exc?: Expr; cause?: Expr }
  | {
      kind: 'try';
      span: SourceSpan;
      body: Stmt[];
      handlers: ExceptHandler[];
      orelse: Stmt[];
      finalbody: Stmt[];
    }
  | {
      kind: 'with';
      span: SourceSpan;
      items: { context: Expr; target?: Expr }[];
      body: Stmt[];
    }
  /** `import a.b.c`, `import a.b as c`. */
  | { kind: 'import'; span: SourceSpan; names: ImportAlias[] }
  /** `from module import a, b as c` (`level` counts leading dots); `names` empty for `*`. */
  | {
      kind: 'importfrom';
      span: SourceSpan;
      module: string;
      level: number;
      names: ImportAlias[];
      star: boolean;
    }
  | { kind: 'global'; span: SourceSpan; names: string[] }
  | { kind: 'nonlocal'; span: SourceSpan; names: string[] }
  | { kind: 'del'; span: SourceSpan; targets: Expr[] };

export interface Module {
  body: Stmt[];
}

export type ExprOf<K extends Expr['kind']> = Extract<Expr, { kind: K }>;
export type StmtOf<K extends Stmt['kind']> = Extract<Stmt, { kind: K }>;
