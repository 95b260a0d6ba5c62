/**
 * Python's `itertools`. The finite ones build their items eagerly, each charged to the budget
 * (product, permutations, combinations, ...); the ones that can be infinite or that call back
 * into the program as they go (count, starmap, takewhile, dropwhile) are lazy iterators.
 */
import { asBigInt } from '../args';
import { iteratorOf } from '../builtinIteration';
import type { Runtime } from '../runtime';
import {
  NONE,
  native,
  pyInt,
  type CallArgs,
  type CallContext,
  type PyModule,
  type PyValue,
} from '../values';
import { fn, moduleOf } from './module';

export function itertoolsModule(runtime: Runtime): PyModule {
  const lists = (args: CallArgs, ctx: CallContext): PyValue[][] =>
    args.positional.map((v) => [...ctx.iterate(v)]);
  const fromList = (name: string, values: PyValue[]): PyValue => {
    let k = 0;
    return iteratorOf(name, () => (k < values.length ? values[k++] : undefined));
  };
  /** combinations (each item at most once) or combinations_with_replacement, in order. */
  const combinations =
    (name: string, withReplacement: boolean) =>
    (args: CallArgs, ctx: CallContext): PyValue => {
      const items = [...ctx.iterate(args.positional[0] ?? NONE)];
      const r = Number(asBigInt(args.positional[1] ?? NONE, 'r', ctx));
      const out: PyValue[] = [];
      const pick = (start: number, chosen: PyValue[]): void => {
        if (chosen.length === r) {
          out.push({ kind: 'tuple', items: [...chosen] });
          runtime.budget.checkItems(out.length, name);
          return;
        }
        for (let k = start; k < items.length; k += 1)
          pick(withReplacement ? k : k + 1, [...chosen, items[k]]);
      };
      if (withReplacement ? items.length > 0 || r === 0 : r <= 16) pick(0, []);
      return fromList(name, out);
    };
  return moduleOf('itertools', [
    fn('product', (args, ctx) => {
      const repeat = args.keywords.get('repeat');
      let pools = lists(args, ctx);
      if (repeat) {
        const r = Number(asBigInt(repeat, 'repeat', ctx));
        pools = Array.from({ length: r }, () => pools).flat();
      }
      const total = pools.reduce((n, p) => n * p.length, 1);
      runtime.budget.checkItems(total, 'product');
      const out: PyValue[] = [];
      const index = pools.map(() => 0);
      if (pools.some((p) => p.length === 0)) return fromList('product', []);
      for (let n = 0; n < total; n += 1) {
        out.push({ kind: 'tuple', items: pools.map((p, k) => p[index[k]]) });
        for (let k = pools.length - 1; k >= 0; k -= 1) {
          index[k] += 1;
          if (index[k] < pools[k].length) break;
          index[k] = 0;
        }
      }
      return fromList('product', out);
    }),
    fn('accumulate', (args, ctx) => {
      const [iterable, func] = args.positional;
      const initial = args.keywords.get('initial');
      const out: PyValue[] = [];
      let acc: PyValue | undefined = initial;
      if (acc !== undefined) out.push(acc);
      for (const v of ctx.iterate(iterable ?? NONE)) {
        acc =
          acc === undefined
            ? v
            : func
              ? ctx.call(func, [acc, v])
              : runtime.interp.ops.binary('+', acc, v, ctx.span);
        out.push(acc);
      }
      return fromList('accumulate', out);
    }),
    [
      'chain',
      {
        ...native('chain', (args, ctx) => fromList('chain', lists(args, ctx).flat())),
        attrs: new Map([
          fn('from_iterable', (args, ctx) =>
            fromList(
              'chain',
              [...ctx.iterate(args.positional[0] ?? NONE)].flatMap((v) => [...ctx.iterate(v)]),
            ),
          ),
        ]),
      },
    ],
    fn('permutations', (args, ctx) => {
      const items = [...ctx.iterate(args.positional[0] ?? NONE)];
      const given = args.positional[1] ?? args.keywords.get('r');
      const r =
        given === undefined || given.kind === 'none'
          ? items.length
          : Number(asBigInt(given, 'r', ctx));
      const out: PyValue[] = [];
      const pick = (chosen: number[]): void => {
        if (chosen.length === r) {
          out.push({ kind: 'tuple', items: chosen.map((k) => items[k]) });
          runtime.budget.checkItems(out.length, 'permutations');
          return;
        }
        for (let k = 0; k < items.length; k += 1) if (!chosen.includes(k)) pick([...chosen, k]);
      };
      if (r <= items.length) pick([]);
      return fromList('permutations', out);
    }),
    fn('combinations_with_replacement', combinations('combinations_with_replacement', true)),
    fn('groupby', (args, ctx) => {
      const [iterable, key] = args.positional;
      const keyFn = key ?? args.keywords.get('key');
      const groups: PyValue[] = [];
      let current: { key: PyValue; items: PyValue[] } | undefined;
      for (const v of ctx.iterate(iterable ?? NONE)) {
        const k = keyFn && keyFn.kind !== 'none' ? ctx.call(keyFn, [v]) : v;
        if (
          current &&
          runtime.interp.truth(runtime.interp.ops.compare('==', current.key, k, ctx.span), ctx.span)
        )
          current.items.push(v);
        else {
          current = { key: k, items: [v] };
          groups.push({ kind: 'tuple', items: [k, fromList('_grouper', current.items)] });
        }
      }
      return fromList('groupby', groups);
    }),
    fn('starmap', (args, ctx) => {
      const [f, iterable] = args.positional;
      const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
      return iteratorOf('starmap', () => {
        const next = source.next();
        return next.done ? undefined : ctx.call(f ?? NONE, [...ctx.iterate(next.value)]);
      });
    }),
    fn('takewhile', (args, ctx) => {
      const [f, iterable] = args.positional;
      const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
      let done = false;
      return iteratorOf('takewhile', () => {
        const next = done ? undefined : source.next();
        if (
          !next ||
          next.done ||
          !runtime.interp.truth(ctx.call(f ?? NONE, [next.value]), ctx.span)
        ) {
          done = true;
          return undefined;
        }
        return next.value;
      });
    }),
    fn('dropwhile', (args, ctx) => {
      const [f, iterable] = args.positional;
      const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
      let dropping = true;
      return iteratorOf('dropwhile', () => {
        for (let next = source.next(); !next.done; next = source.next()) {
          if (dropping && runtime.interp.truth(ctx.call(f ?? NONE, [next.value]), ctx.span))
            continue;
          dropping = false;
          return next.value;
        }
        return undefined;
      });
    }),
    fn('repeat', (args, ctx) => {
      const [value, times] = args.positional;
      if (times === undefined)
        return ctx.raise('NotImplementedError', 'itertools.repeat without a count never ends');
      const n = Number(asBigInt(times, 'times', ctx));
      runtime.budget.checkItems(n, 'repeat');
      return fromList(
        'repeat',
        Array.from({ length: Math.max(0, n) }, () => value ?? NONE),
      );
    }),
    fn('count', (args, ctx) => {
      let k = args.positional[0] ? asBigInt(args.positional[0], 'start', ctx) : 0n;
      const step = args.positional[1] ? asBigInt(args.positional[1], 'step', ctx) : 1n;
      return iteratorOf('count', () => {
        const v = pyInt(k);
        k += step;
        return v;
      });
    }),
    fn('pairwise', (args, ctx) => {
      const items = [...ctx.iterate(args.positional[0] ?? NONE)];
      return fromList(
        'pairwise',
        items.slice(1).map((v, k) => ({ kind: 'tuple', items: [items[k], v] })),
      );
    }),
    fn('islice', (args, ctx) => {
      const [iterable, ...bounds] = args.positional;
      const ints = bounds.map((b) =>
        b.kind === 'none' ? undefined : Number(asBigInt(b, 'islice', ctx)),
      );
      const [start, stop, step] =
        ints.length === 1 ? [0, ints[0], 1] : [ints[0] ?? 0, ints[1], ints[2] ?? 1];
      const out: PyValue[] = [];
      let k = 0;
      for (const v of ctx.iterate(iterable ?? NONE)) {
        if (stop !== undefined && k >= stop) break;
        if (k >= start && (k - start) % step === 0) out.push(v);
        k += 1;
      }
      return fromList('islice', out);
    }),
    fn('combinations', combinations('combinations', false)),
    fn('zip_longest', (args, ctx) => {
      const pools = lists(args, ctx);
      const fill = args.keywords.get('fillvalue') ?? NONE;
      const n = Math.max(0, ...pools.map((p) => p.length));
      return fromList(
        'zip_longest',
        Array.from({ length: n }, (_, k) => ({
          kind: 'tuple',
          items: pools.map((p) => p[k] ?? fill),
        })),
      );
    }),
  ]);
}
