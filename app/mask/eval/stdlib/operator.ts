/**
 * Python's `operator`: the operator functions (add, lt, getitem, ...) as calls into the same
 * Operators the evaluator uses, so they trace like the operators they name, plus itemgetter,
 * attrgetter and methodcaller.
 */
import { asBigInt } from '../args';
import type { Runtime } from '../runtime';
import { NONE, native, pyBool, pyInt, type PyModule, type PyValue } from '../values';
import { fn, moduleOf } from './module';

const OPERATOR_BINARY = {
  add: '+',
  sub: '-',
  mul: '*',
  truediv: '/',
  floordiv: '//',
  mod: '%',
  pow: '**',
  and_: '&',
  or_: '|',
  xor: '^',
  lshift: '<<',
  rshift: '>>',
  matmul: '@',
} as const;
const OPERATOR_COMPARE = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

export function operatorModule(runtime: Runtime): PyModule {
  const ops = () => runtime.interp.ops;
  const entries: [string, PyValue][] = [];
  for (const [name, op] of Object.entries(OPERATOR_BINARY)) {
    entries.push(
      fn(name, (args, ctx) =>
        ops().binary(op, args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
      ),
    );
  }
  for (const [name, op] of Object.entries(OPERATOR_COMPARE)) {
    entries.push(
      fn(name, (args, ctx) =>
        ops().compare(op, args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
      ),
    );
  }
  entries.push(
    fn('neg', (args, ctx) => ops().unary('-', args.positional[0] ?? NONE, ctx.span)),
    fn('invert', (args, ctx) => ops().unary('~', args.positional[0] ?? NONE, ctx.span)),
    fn('inv', (args, ctx) => ops().unary('~', args.positional[0] ?? NONE, ctx.span)),
    fn('not_', (args, ctx) => ops().unary('not', args.positional[0] ?? NONE, ctx.span)),
    fn('getitem', (args, ctx) =>
      ops().getItem(args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('index', (args, ctx) => pyInt(asBigInt(args.positional[0] ?? NONE, 'index', ctx))),
    fn('pos', (args, ctx) => ops().unary('+', args.positional[0] ?? NONE, ctx.span)),
    fn('abs', (args, ctx) => ctx.call(runtime.builtin('abs') ?? NONE, args.positional)),
    fn('truth', (args, ctx) => pyBool(runtime.interp.truth(args.positional[0] ?? NONE, ctx.span))),
    fn('is_', (args, ctx) =>
      ops().compare('is', args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('is_not', (args, ctx) =>
      ops().compare('is not', args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('contains', (args, ctx) =>
      ops().compare('in', args.positional[1] ?? NONE, args.positional[0] ?? NONE, ctx.span),
    ),
    fn('concat', (args, ctx) =>
      ops().binary('+', args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
    ),
    fn('itemgetter', (args) => {
      const keys = args.positional;
      return native('itemgetter', (inner, ctx) => {
        const get = (k: PyValue): PyValue =>
          ops().getItem(inner.positional[0] ?? NONE, k, ctx.span);
        return keys.length === 1 ? get(keys[0]) : { kind: 'tuple', items: keys.map(get) };
      });
    }),
    fn('attrgetter', (args) => {
      const names = args.positional;
      return native('attrgetter', (inner, ctx) => {
        const get = (name: PyValue): PyValue =>
          (name.kind === 'str' ? name.value.split('.') : []).reduce(
            (object, part) => runtime.interp.getAttribute(object, part, ctx.span),
            inner.positional[0] ?? NONE,
          );
        return names.length === 1 ? get(names[0]) : { kind: 'tuple', items: names.map(get) };
      });
    }),
    fn('methodcaller', (args) => {
      const [name, ...rest] = args.positional;
      return native('methodcaller', (inner, ctx) => {
        const method = runtime.interp.getAttribute(
          inner.positional[0] ?? NONE,
          name?.kind === 'str' ? name.value : '',
          ctx.span,
        );
        return ctx.call(method, rest, args.keywords);
      });
    }),
  );
  return moduleOf('operator', entries);
}
