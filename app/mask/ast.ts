/** The syntax tree of a mask program: the parser's output, what the checker and exporters read. */
import type { SourceSpan } from './types';

export type BinaryOp =
  '+' | '-' | '*' | '/' | '//' | '%' | '**' | '&' | '|' | '^' | '<<' | '>>' | '@';
export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type UnaryOp = '-' | '+' | '~' | 'not';

export type Expr =
  | { kind: 'num'; span: SourceSpan; value: number; isFloat: boolean; text: string }
  | { kind: 'bool'; span: SourceSpan; value: boolean }
  | { kind: 'name'; span: SourceSpan; id: string }
  | { kind: 'string'; span: SourceSpan; fString: boolean }
  | { kind: 'list'; span: SourceSpan; elts: Expr[] }
  | { kind: 'tuple'; span: SourceSpan; elts: Expr[]; parenthesized: boolean }
  | { kind: 'unary'; span: SourceSpan; op: UnaryOp; operand: Expr }
  | { kind: 'binary'; span: SourceSpan; op: BinaryOp; left: Expr; right: Expr; opSpan: SourceSpan }
  | { kind: 'boolop'; span: SourceSpan; op: 'and' | 'or'; values: Expr[] }
  | { kind: 'compare'; span: SourceSpan; left: Expr; ops: CompareOp[]; comparators: Expr[] }
  | { kind: 'ifexp'; span: SourceSpan; test: Expr; body: Expr; orelse: Expr }
  | { kind: 'subscript'; span: SourceSpan; value: Expr; indices: Expr[] }
  | { kind: 'call'; span: SourceSpan; func: Expr; args: Expr[]; keywords: Keyword[] }
  | { kind: 'attribute'; span: SourceSpan; value: Expr; attr: string; attrSpan: SourceSpan }
  | { kind: 'lambda'; span: SourceSpan; params: Param[]; body: Expr };

export interface Keyword {
  name: string;
  span: SourceSpan;
  value: Expr;
}

export interface Param {
  name: string;
  span: SourceSpan;
  default?: Expr;
}

export type Stmt =
  | { kind: 'assign'; span: SourceSpan; targets: Expr[]; value: Expr }
  | { kind: 'augassign'; span: SourceSpan; target: Expr; op: BinaryOp; value: Expr }
  | { kind: 'expr'; span: SourceSpan; value: Expr }
  | {
      kind: 'def';
      span: SourceSpan;
      name: string;
      nameSpan: SourceSpan;
      params: Param[];
      body: Stmt[];
    }
  | { kind: 'return'; span: SourceSpan; value?: Expr }
  | { kind: 'if'; span: SourceSpan; test: Expr; body: Stmt[]; orelse: Stmt[] }
  | { kind: 'import'; span: SourceSpan }
  | { kind: 'pass'; span: SourceSpan };

export interface Module {
  body: Stmt[];
}

export type ExprOf<K extends Expr['kind']> = Extract<Expr, { kind: K }>;
export type StmtOf<K extends Stmt['kind']> = Extract<Stmt, { kind: K }>;
