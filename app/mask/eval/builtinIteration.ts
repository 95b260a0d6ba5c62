/**
 * The builtins that consume or produce iterables: min and max (traced operands become
 * torch.minimum / maximum), sum, any, all, enumerate, zip, map, filter, sorted, reversed, iter and
 * next. The lazy ones return iterators drawn on demand, so `any(...)` and `next(...)` stop early as
 * in Python; Python's stable sort (sortValues) is shared with list.sort.
 */
import { asBigInt, bindArgs, noKeywords } from './args';
import { typeName } from './objects';
import type { Runtime } from './runtime';
import {
  NONE,
  pyBool,
  pyInt,
  type CallArgs,
  type CallContext,
  type NativeCall,
  type PyValue,
} from './values';

/** Defines the builtins that consume or make iterables: min, max, sum, any, all, enumerate, zip,
 * map, filter, sorted, reversed, iter, next. */
export function defineIterationBuiltins(
  def: (name: string, call: NativeCall) => void,
  runtime: Runtime,
): void {
  const interp = () => runtime.interp;
  const ops = () => runtime.interp.ops;
  const items = (v: PyValue, ctx: CallContext): PyValue[] => [...ctx.iterate(v)];
  const minMax =
    (name: 'min' | 'max') =>
    (args: CallArgs, ctx: CallContext): PyValue => {
      const key = args.keywords.get('key');
      const fallback = args.keywords.get('default');
      for (const k of args.keywords.keys())
        if (k !== 'key' && k !== 'default')
          ctx.raise('TypeError', `${name}() got an unexpected keyword argument '${k}'`);
      if (args.positional.length === 0)
        ctx.raise('TypeError', `${name} expected at least 1 argument, got 0`);
      if (args.positional.length > 1 && fallback !== undefined)
        ctx.raise(
          'TypeError',
          `Cannot specify a default for ${name}() with multiple positional arguments`,
        );
      const values =
        args.positional.length === 1 ? items(args.positional[0], ctx) : args.positional;
      if (values.length === 0) {
        if (fallback !== undefined) return fallback;
        return ctx.raise('ValueError', `${name}() arg is an empty sequence`);
      }
      if (values.some((v) => v.kind === 'sym') && key === undefined) {
        // PyTorch's vmap would refuse the comparison inside min(); flexmask traces it as torch.minimum.
        return values
          .slice(1)
          .reduce((acc, v) => runtime.tracer.math(name, [acc, v], ctx.span, name), values[0]);
      }
      let best = values[0];
      let bestKey = key ? ctx.call(key, [best]) : best;
      for (const v of values.slice(1)) {
        const k = key ? ctx.call(key, [v]) : v;
        const c = ops().order(k, bestKey, name === 'min' ? '<' : '>');
        if (name === 'min' ? c < 0 : c > 0) {
          best = v;
          bestKey = k;
        }
      }
      return best;
    };
  def('min', minMax('min'));
  def('max', minMax('max'));
  def('sum', (args, ctx) => {
    const [iterable, start] = bindArgs('sum', args, ['iterable', 'start'], 1, ctx);
    let total: PyValue = start ?? pyInt(0n);
    for (const v of items(iterable ?? NONE, ctx)) total = ops().binary('+', total, v, ctx.span);
    return total;
  });
  def('any', (args, ctx) => {
    noKeywords('any', args, ctx);
    for (const v of ctx.iterate(args.positional[0] ?? NONE))
      if (interp().truth(v, ctx.span)) return pyBool(true);
    return pyBool(false);
  });
  def('all', (args, ctx) => {
    noKeywords('all', args, ctx);
    for (const v of ctx.iterate(args.positional[0] ?? NONE))
      if (!interp().truth(v, ctx.span)) return pyBool(false);
    return pyBool(true);
  });
  def('enumerate', (args, ctx) => {
    const [iterable, start] = bindArgs('enumerate', args, ['iterable', 'start'], 1, ctx);
    let k = start ? asBigInt(start, 'start', ctx) : 0n;
    const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
    return iteratorOf('enumerate', () => {
      const next = source.next();
      if (next.done) return undefined;
      const pair: PyValue = { kind: 'tuple', items: [pyInt(k), next.value] };
      k += 1n;
      return pair;
    });
  });
  def('zip', (args, ctx) => {
    const strict = args.keywords.get('strict');
    const sources = args.positional.map((v) => ctx.iterate(v)[Symbol.iterator]());
    return iteratorOf('zip', () => {
      if (sources.length === 0) return undefined;
      const row: PyValue[] = [];
      for (const s of sources) {
        const next = s.next();
        if (next.done) {
          if (strict && interp().truth(strict, ctx.span) && row.length > 0)
            ctx.raise('ValueError', 'zip() argument 2 is shorter than argument 1');
          return undefined;
        }
        row.push(next.value);
      }
      return { kind: 'tuple', items: row };
    });
  });
  def('map', (args, ctx) => {
    noKeywords('map', args, ctx);
    const [fn, ...iterables] = args.positional;
    const sources = iterables.map((v) => ctx.iterate(v)[Symbol.iterator]());
    return iteratorOf('map', () => {
      const row: PyValue[] = [];
      for (const s of sources) {
        const next = s.next();
        if (next.done) return undefined;
        row.push(next.value);
      }
      return ctx.call(fn ?? NONE, row);
    });
  });
  def('filter', (args, ctx) => {
    noKeywords('filter', args, ctx);
    const [fn, iterable] = args.positional;
    const source = ctx.iterate(iterable ?? NONE)[Symbol.iterator]();
    return iteratorOf('filter', () => {
      for (let next = source.next(); !next.done; next = source.next()) {
        const keep =
          fn === undefined || fn.kind === 'none' ? next.value : ctx.call(fn, [next.value]);
        if (interp().truth(keep, ctx.span)) return next.value;
      }
      return undefined;
    });
  });
  def('sorted', (args, ctx) => {
    const [iterable, key, reverse] = bindArgs(
      'sorted',
      { positional: args.positional.slice(0, 1), keywords: args.keywords },
      ['iterable', 'key', 'reverse'],
      1,
      ctx,
    );
    return {
      kind: 'list',
      items: sortValues(items(iterable ?? NONE, ctx), key, reverse, runtime, ctx),
    };
  });
  def('reversed', (args, ctx) => {
    noKeywords('reversed', args, ctx);
    const values = items(args.positional[0] ?? NONE, ctx).reverse();
    let k = 0;
    return iteratorOf('reversed', () => (k < values.length ? values[k++] : undefined));
  });
  def('iter', (args, ctx) => {
    const x = args.positional[0] ?? NONE;
    const source = ctx.iterate(x)[Symbol.iterator]();
    const names: Partial<Record<PyValue['kind'], string>> = {
      list: 'list_iterator',
      tuple: 'tuple_iterator',
      range: 'range_iterator',
      set: 'set_iterator',
      dict: 'dict_keyiterator',
    };
    if (x.kind === 'iterator') return x;
    return iteratorOf(names[x.kind] ?? 'iterator', () => {
      const next = source.next();
      return next.done ? undefined : next.value;
    });
  });
  def('next', (args, ctx) => {
    const [it, fallback] = args.positional;
    if (it?.kind !== 'iterator')
      return ctx.raise(
        'TypeError',
        `'${it ? typeName(it) : 'NoneType'}' object is not an iterator`,
      );
    const v = it.next();
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    return ctx.raise('StopIteration', '');
  });
}

export function iteratorOf(name: string, next: () => PyValue | undefined): PyValue {
  return { kind: 'iterator', name, next };
}

/** Python's sort: stable, by key, optionally reversed (still stable). */
export function sortValues(
  values: PyValue[],
  key: PyValue | undefined,
  reverse: PyValue | undefined,
  runtime: Runtime,
  ctx: CallContext,
): PyValue[] {
  const keyed = values.map((v, k) => ({
    v,
    k,
    key: key && key.kind !== 'none' ? ctx.call(key, [v]) : v,
  }));
  const descending = reverse !== undefined && runtime.interp.truth(reverse, ctx.span);
  keyed.sort((a, c) => {
    const order = runtime.interp.ops.order(a.key, c.key);
    if (Number.isNaN(order)) return 0;
    return (descending ? -order : order) || a.k - c.k;
  });
  return keyed.map((e) => e.v);
}
