/**
 * Atoms and displays: names, numbers, parenthesized groups and tuples, list, set and dict
 * displays, comprehensions and the target lists of their `for` clauses. These are the leaves
 * and brackets of an expression; what combines them (operators, calls, subscripts, lambdas) is
 * the expression layer above, whose entry points this layer declares abstract.
 */
import type { ComprehensionFor, DictEntry, Expr, ExprOf } from '../ast';
import { fail } from '../errors';
import type { Token } from './tokens';
import { KEYWORDS, span } from './grammar';
import { StringParser } from './fStrings';

export abstract class AtomParser extends StringParser {
  protected abstract expression(): Expr;
  protected abstract disjunction(): Expr;
  protected abstract bitwiseOr(): Expr;
  protected abstract starNamedExpression(): Expr;
  protected abstract starred(star: Token, value: Expr): Expr;

  // ---- atoms --------------------------------------------------------------------------------

  protected atom(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'int':
      case 'float':
        this.next();
        return this.node(this.numberNode(t));
      case 'imaginary':
        this.next();
        return this.node({ kind: 'imaginary', span: t.span, text: t.text });
      case 'string':
        return this.strings();
      case 'name':
        return this.nameAtom(t);
      case 'op':
        if (t.text === '(') return this.nested(t.span, () => this.parenthesized());
        if (t.text === '[') return this.nested(t.span, () => this.listDisplay());
        if (t.text === '{') return this.nested(t.span, () => this.braceDisplay());
        if (t.text === '...') {
          this.next();
          return this.node({ kind: 'ellipsis', span: t.span });
        }
        return this.unexpected(t);
      default:
        return this.unexpected(t);
    }
  }

  private numberNode(t: Token): ExprOf<'num'> {
    const num: ExprOf<'num'> = {
      kind: 'num',
      span: t.span,
      value: t.value ?? 0,
      isFloat: t.kind === 'float',
      text: t.text,
    };
    if (t.big !== undefined) num.big = t.big;
    return num;
  }

  private nameAtom(t: Token): Expr {
    if (t.text === 'True' || t.text === 'False') {
      this.next();
      return this.node({ kind: 'bool', span: t.span, value: t.text === 'True' });
    }
    if (t.text === 'None') {
      this.next();
      return this.node({ kind: 'none', span: t.span });
    }
    if (KEYWORDS.has(t.text)) this.unexpected(t);
    this.next();
    return this.node({ kind: 'name', span: t.span, id: t.text });
  }

  /** `(...)`: the empty tuple, a group, a tuple or a generator expression. */
  private parenthesized(): Expr {
    const open = this.next();
    const empty = this.acceptOp(')');
    if (empty !== undefined) {
      const s = span(open.span, empty.span);
      return this.node({ kind: 'tuple', span: s, elts: [], parenthesized: true });
    }
    const first = this.starNamedExpression();
    if (this.isKw('for')) {
      const generator = this.comprehension('generator', first, undefined, open.span.start);
      generator.span = span(open.span, this.closeBracket(')').span);
      return generator;
    }
    if (!this.isOp(',')) {
      const close = this.closeBracket(')', first);
      if (first.kind === 'starred') {
        fail(first.span, 'SyntaxError', 'cannot use starred expression here');
      }
      // A group keeps its parentheses in its span, so carets cover them as Python's do.
      return this.node({ ...first, span: span(open.span, close.span) }, [first]);
    }
    const elts = [first];
    while (this.acceptOp(',')) {
      if (this.isOp(')')) break;
      elts.push(this.starNamedExpression());
    }
    const close = this.closeBracket(')', elts[elts.length - 1]);
    const s = span(open.span, close.span);
    return this.node({ kind: 'tuple', span: s, elts, parenthesized: true }, elts);
  }

  /** A plain literal element followed by ',' or ']' (the bulk of a data list), read directly. */
  private literalElement(): Expr | undefined {
    const sign = this.peek();
    const k = sign.kind === 'op' && sign.text === '-' ? 1 : 0;
    const t = this.peek(k);
    const after = this.peek(k + 1);
    if (after.kind !== 'op' || (after.text !== ',' && after.text !== ']')) return undefined;
    if (t.kind === 'int' || t.kind === 'float') {
      this.pos += k + 1;
      const num = this.numberNode(t);
      if (k === 0) return num;
      return { kind: 'unary', span: span(sign.span, t.span), op: '-', operand: num };
    }
    if (k === 0 && t.kind === 'name' && (t.text === 'True' || t.text === 'False')) {
      this.pos += 1;
      return { kind: 'bool', span: t.span, value: t.text === 'True' };
    }
    return undefined;
  }

  private listDisplay(): Expr {
    const open = this.next();
    const elts: Expr[] = [];
    if (!this.isOp(']')) {
      const first = this.literalElement() ?? this.starNamedExpression();
      if (this.isKw('for')) {
        const comp = this.comprehension('list', first, undefined, open.span.start);
        comp.span = span(open.span, this.closeBracket(']').span);
        return comp;
      }
      elts.push(first);
      while (this.acceptOp(',')) {
        if (this.isOp(']')) break;
        elts.push(this.literalElement() ?? this.starNamedExpression());
      }
    }
    const close = this.closeBracket(']', elts[elts.length - 1]);
    let count = 0;
    for (const e of elts) count += this.elementCounts.get(e) ?? 1;
    if (count > this.limits.maxTensorElements) {
      fail(
        span(open.span, close.span),
        'LimitError',
        `a list literal with ${count} elements (the limit is ${this.limits.maxTensorElements})`,
      );
    }
    const list = this.node({ kind: 'list', span: span(open.span, close.span), elts }, elts);
    this.elementCounts.set(list, count);
    return list;
  }

  /** `{...}`: a dict, a set, or a dict or set comprehension. */
  private braceDisplay(): Expr {
    const open = this.next();
    const empty = this.acceptOp('}');
    if (empty !== undefined) {
      return this.node({ kind: 'dict', span: span(open.span, empty.span), entries: [] });
    }
    if (this.isOp('**')) return this.dictDisplay(open, [this.dictEntry()]);
    const first = this.starNamedExpression();
    const colon = this.acceptOp(':');
    if (colon === undefined) return this.setDisplay(open, first);
    const value = this.dictValue(colon);
    if (this.isKw('for')) {
      const comp = this.comprehension('dict', first, value, open.span.start);
      comp.span = span(open.span, this.closeBracket('}').span);
      return comp;
    }
    return this.dictDisplay(open, [{ key: first, value }]);
  }

  private dictDisplay(open: Token, entries: DictEntry[]): Expr {
    while (this.acceptOp(',')) {
      if (this.isOp('}')) break;
      entries.push(this.dictEntry());
    }
    const last = entries[entries.length - 1];
    const close = this.closeBracket('}', 'unpack' in last ? last.unpack : last.value);
    const children = entries.flatMap((e) => ('unpack' in e ? [e.unpack] : [e.key, e.value]));
    return this.node({ kind: 'dict', span: span(open.span, close.span), entries }, children);
  }

  private dictEntry(): DictEntry {
    const star = this.acceptOp('**');
    if (star !== undefined) {
      const unpack = this.bitwiseOr();
      if (this.isKw('for')) {
        fail(
          span(star.span, unpack.span),
          'SyntaxError',
          'dict unpacking cannot be used in dict comprehension',
        );
      }
      return { unpack };
    }
    const key = this.expression();
    const colon = this.acceptOp(':');
    if (colon === undefined) fail(key.span, 'SyntaxError', "':' expected after dictionary key");
    return { key, value: this.dictValue(colon) };
  }

  private dictValue(colon: Token): Expr {
    const star = this.acceptOp('*');
    if (star !== undefined) {
      fail(
        span(star.span, this.bitwiseOr().span),
        'SyntaxError',
        'cannot use a starred expression in a dictionary value',
      );
    }
    if (this.isOp(',') || this.isOp('}')) {
      fail(colon.span, 'SyntaxError', "expression expected after dictionary key and ':'");
    }
    return this.expression();
  }

  private setDisplay(open: Token, first: Expr): Expr {
    if (this.isKw('for')) {
      const comp = this.comprehension('set', first, undefined, open.span.start);
      comp.span = span(open.span, this.closeBracket('}').span);
      return comp;
    }
    const elts = [first];
    while (this.acceptOp(',')) {
      if (this.isOp('}')) break;
      elts.push(this.starNamedExpression());
    }
    const close = this.closeBracket('}', elts[elts.length - 1]);
    return this.node({ kind: 'set', span: span(open.span, close.span), elts }, elts);
  }

  /** The `for ... in ... if ...` clauses after a comprehension's element. */
  protected comprehension(
    type: ExprOf<'comprehension'>['type'],
    elt: Expr,
    value: Expr | undefined,
    start: number,
  ): ExprOf<'comprehension'> {
    if (elt.kind === 'starred') {
      fail(elt.span, 'SyntaxError', 'iterable unpacking cannot be used in comprehension');
    }
    const generators: ComprehensionFor[] = [];
    const children = value !== undefined ? [elt, value] : [elt];
    while (this.isKw('for') || this.isKw('async')) {
      const t = this.next();
      if (t.text === 'async') this.unexpected(t);
      const target = this.targetList();
      this.checkTarget(target, false);
      this.expectKw('in');
      const iter = this.disjunction();
      const ifs: Expr[] = [];
      while (this.acceptKw('if')) ifs.push(this.disjunction());
      const end = ifs[ifs.length - 1] ?? iter;
      generators.push({ span: span(t.span, end.span), target, iter, ifs });
      children.push(target, iter, ...ifs);
    }
    const end = generators[generators.length - 1].span.end;
    const comp: ExprOf<'comprehension'> = {
      kind: 'comprehension',
      span: { start, end },
      type,
      elt,
      generators,
    };
    if (value !== undefined) comp.value = value;
    return this.node(comp, children);
  }

  /** Assignment targets of `for` and comprehensions: `a`, `a, *b`, `(a, b), c`. */
  protected targetList(): Expr {
    return this.bareTuple(() => this.targetItem());
  }

  /**
   * Items separated by commas without brackets: the item alone, or a tuple when there is a comma
   * (a trailing comma included: `a,`).
   */
  protected bareTuple(item: () => Expr): Expr {
    const first = item();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.acceptOp(',')) {
      if (!this.startsExpression()) break;
      elts.push(item());
    }
    const s = span(first.span, elts[elts.length - 1].span);
    return this.node({ kind: 'tuple', span: s, elts, parenthesized: false }, elts);
  }

  /** One target: read at the `|` level, so the `in` of a `for` is not taken as a comparison. */
  protected targetItem(): Expr {
    const star = this.acceptOp('*');
    return star !== undefined ? this.starred(star, this.bitwiseOr()) : this.bitwiseOr();
  }
}
