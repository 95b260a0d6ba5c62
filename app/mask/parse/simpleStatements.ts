/**
 * Simple statements, the ones that fit on a line: expression statements and assignments (plain,
 * annotated, augmented, with Python's messages for a bad target or a misplaced `:=`), return,
 * raise, global / nonlocal, del, assert, pass / break / continue, and the import forms. They never
 * contain a block, so they sit below the compound statements that do.
 */
import type { Expr, ImportAlias, Stmt } from '../ast';
import { fail } from '../errors';
import type { SourceSpan } from '../types';
import type { Token } from './tokens';
import { AUG_OPS, exprName, invalidTarget, KEYWORDS, span } from './grammar';
import { ExpressionParser } from './expressions';

export abstract class SimpleStatementParser extends ExpressionParser {
  protected simpleStatements(): Stmt[] {
    const out: Stmt[] = [this.simpleStatement()];
    while (this.acceptOp(';')) {
      if (this.peek().kind === 'newline') break;
      out.push(this.simpleStatement());
    }
    if (this.peek().kind !== 'newline') this.unexpected();
    this.next();
    return out;
  }

  private simpleStatement(): Stmt {
    const t = this.peek();
    if (t.kind !== 'name') return this.expressionStatement();
    switch (t.text) {
      case 'pass':
        this.next();
        return { kind: 'pass', span: t.span };
      case 'break':
        this.next();
        if (this.loopDepth === 0) this.failLater('compiler', t.span, "'break' outside loop");
        return { kind: 'break', span: t.span };
      case 'continue':
        this.next();
        if (this.loopDepth === 0) {
          this.failLater('compiler', t.span, "'continue' not properly in loop");
        }
        return { kind: 'continue', span: t.span };
      case 'return':
        return this.returnStatement();
      case 'raise':
        return this.raiseStatement();
      case 'global':
      case 'nonlocal':
        return this.scopeStatement();
      case 'del':
        return this.delStatement();
      case 'assert':
        return this.assertStatement();
      case 'import':
        return this.importStatement();
      case 'from':
        return this.fromImportStatement();
      default:
        return this.expressionStatement();
    }
  }

  /** An expression, an assignment (`a = b = v`), an annotated or an augmented assignment. */
  private expressionStatement(): Stmt {
    const first = this.starExpressions();
    const t = this.peek();
    if (t.kind === 'op' && t.text === ':') return this.annAssign(first);
    if (t.kind === 'op' && AUG_OPS[t.text] !== undefined) return this.augAssign(first);
    if (t.kind === 'op' && t.text === '=') return this.assignment(first);
    if (t.kind === 'op' && t.text === ':=') this.misplacedWalrus(first, t);
    this.noBareStarred(first);
    return { kind: 'expr', span: first.span, value: first };
  }

  /** `x := 1` needs parentheses as a statement; `a.b := 1` is never valid. */
  private misplacedWalrus(target: Expr, walrus: Token): never {
    const bare = target.kind === 'name' && target.span.end - target.span.start === target.id.length;
    if (bare) this.unexpected(walrus);
    return fail(
      target.span,
      'SyntaxError',
      `cannot use assignment expressions with ${exprName(target)}`,
    );
  }

  private assignment(first: Expr): Stmt {
    const targets = [first];
    let value = first;
    while (this.acceptOp('=')) {
      value = this.starExpressions();
      targets.push(value);
    }
    targets.pop();
    // Python hints at '==' only for `target = value` with a single '='.
    for (const target of targets) this.checkTarget(target, targets.length === 1);
    this.noBareStarred(value);
    return { kind: 'assign', span: span(first.span, value.span), targets, value };
  }

  private annAssign(target: Expr): Stmt {
    this.next();
    const annotation = this.expression();
    if (target.kind === 'tuple' || target.kind === 'list') {
      fail(target.span, 'SyntaxError', `only single target (not ${target.kind}) can be annotated`);
    }
    if (target.kind !== 'name' && target.kind !== 'attribute' && target.kind !== 'subscript') {
      fail(target.span, 'SyntaxError', 'illegal target for annotation');
    }
    if (!this.acceptOp('=')) {
      return { kind: 'annassign', span: span(target.span, annotation.span), target, annotation };
    }
    const value = this.starExpressions();
    this.noBareStarred(value);
    return { kind: 'annassign', span: span(target.span, value.span), target, annotation, value };
  }

  private augAssign(target: Expr): Stmt {
    const op = AUG_OPS[this.next().text];
    if (target.kind !== 'name' && target.kind !== 'attribute' && target.kind !== 'subscript') {
      fail(
        target.span,
        'SyntaxError',
        `'${exprName(target)}' is an illegal expression for augmented assignment`,
      );
    }
    const value = this.starExpressions();
    this.noBareStarred(value);
    return { kind: 'augassign', span: span(target.span, value.span), target, op, value };
  }

  private returnStatement(): Stmt {
    const t = this.next();
    let value: Expr | undefined;
    if (this.peek().kind !== 'newline' && !this.isOp(';')) {
      value = this.starExpressions();
      this.noBareStarred(value);
    }
    if (this.scope !== 'function') this.failLater('compiler', t.span, "'return' outside function");
    if (value === undefined) return { kind: 'return', span: t.span };
    return { kind: 'return', span: span(t.span, value.span), value };
  }

  private raiseStatement(): Stmt {
    const t = this.next();
    if (!this.startsExpression()) return { kind: 'raise', span: t.span };
    const exc = this.expression();
    if (!this.acceptKw('from')) return { kind: 'raise', span: span(t.span, exc.span), exc };
    const cause = this.expression();
    return { kind: 'raise', span: span(t.span, cause.span), exc, cause };
  }

  private scopeStatement(): Stmt {
    const t = this.next();
    const names = [this.expectName('a name')];
    while (this.acceptOp(',')) names.push(this.expectName('a name'));
    const s = span(t.span, names[names.length - 1].span);
    if (t.text === 'nonlocal' && this.scope === 'module') {
      this.failLater('symtable', s, 'nonlocal declaration not allowed at module level');
    }
    const kind = t.text === 'global' ? 'global' : 'nonlocal';
    return { kind, span: s, names: names.map((n) => n.text) };
  }

  private delStatement(): Stmt {
    const t = this.next();
    const targets: Expr[] = [];
    do {
      if (targets.length > 0 && !this.startsExpression()) break;
      const target = this.starExpression();
      const bad = invalidTarget(target, true);
      if (bad !== undefined) fail(bad.span, 'SyntaxError', `cannot delete ${exprName(bad)}`);
      targets.push(target);
    } while (this.acceptOp(','));
    return { kind: 'del', span: span(t.span, targets[targets.length - 1].span), targets };
  }

  private assertStatement(): Stmt {
    const t = this.next();
    const test = this.expression();
    if (!this.acceptOp(',')) return { kind: 'assert', span: span(t.span, test.span), test };
    const msg = this.expression();
    return { kind: 'assert', span: span(t.span, msg.span), test, msg };
  }

  private importStatement(): Stmt {
    const t = this.next();
    const names: ImportAlias[] = [];
    do names.push(this.importAlias(true));
    while (this.acceptOp(','));
    return { kind: 'import', span: span(t.span, names[names.length - 1].span), names };
  }

  /** `a.b.c [as d]` (dotted, in `import`) or `name [as d]` (in `from ... import`). */
  private importAlias(dotted: boolean): ImportAlias {
    let name: string;
    let nameSpan: SourceSpan;
    if (dotted) {
      ({ name, span: nameSpan } = this.dottedName());
    } else {
      const t = this.expectName('a name');
      ({ text: name, span: nameSpan } = t);
    }
    const alias: ImportAlias = { name, span: nameSpan };
    if (this.acceptKw('as')) {
      const asname = this.expectName('a name');
      alias.asname = asname.text;
      alias.span = span(nameSpan, asname.span);
    }
    return alias;
  }

  private dottedName(): { name: string; span: SourceSpan } {
    const first = this.expectName('a module name');
    let name = first.text;
    let end = first.span;
    while (this.acceptOp('.')) {
      const part = this.expectName('a module name');
      name += `.${part.text}`;
      end = part.span;
    }
    return { name, span: span(first.span, end) };
  }

  private fromImportStatement(): Stmt {
    const t = this.next();
    let level = 0;
    while (this.isOp('.') || this.isOp('...')) level += this.next().text.length;
    const module = !this.isKw('import') || level === 0 ? this.dottedName().name : '';
    this.expectKw('import');
    const base = { kind: 'importfrom' as const, module, level };
    const star = this.acceptOp('*');
    if (star !== undefined) {
      if (this.scope !== 'module') {
        this.failLater('symtable', star.span, 'import * only allowed at module level');
      }
      return { ...base, span: span(t.span, star.span), names: [], star: true };
    }
    const open = this.acceptOp('(');
    const names: ImportAlias[] = [];
    do {
      if (names.length > 0 && open !== undefined && this.isOp(')')) break;
      if (names.length > 0 && !this.isNameToken()) {
        fail(
          this.peek().span,
          'SyntaxError',
          'trailing comma not allowed without surrounding parentheses',
        );
      }
      names.push(this.importAlias(false));
    } while (this.acceptOp(','));
    const end = open !== undefined ? this.closeBracket(')').span : names[names.length - 1].span;
    return { ...base, span: span(t.span, end), names, star: false };
  }

  private isNameToken(): boolean {
    const t = this.peek();
    return t.kind === 'name' && !KEYWORDS.has(t.text);
  }
}
