/**
 * Python's `functools`: partial, reduce, lru_cache / cache (memoising on the arguments' hash keys,
 * with maxsize and cache_clear), wraps, and cached_property as a plain decorator.
 */
import { asBigInt } from '../args';
import { hashKey, typeName } from '../objects';
import type { Runtime } from '../runtime';
import { NONE, native, pyInt, pyStr, type PyModule, type PyNative, type PyValue } from '../values';
import { fn, moduleOf } from './module';
import { isCallable } from '../builtins';

export function functoolsModule(runtime: Runtime): PyModule {
  const identityDecorator = (name: string): [string, PyNative] =>
    fn(name, (args) => {
      const first = args.positional[0];
      if (first && first.kind !== 'none' && first.kind !== 'int') return first;
      return native(name, (inner) => inner.positional[0] ?? NONE);
    });
  return moduleOf('functools', [
    fn('partial', (args, ctx) => {
      const [target, ...rest] = args.positional;
      if (target === undefined || !isCallable(target))
        ctx.raise('TypeError', 'the first argument must be callable');
      return { kind: 'partial', fn: target ?? NONE, args: rest, keywords: new Map(args.keywords) };
    }),
    fn('reduce', (args, ctx) => {
      const [f, iterable, initial] = args.positional;
      const items = [...ctx.iterate(iterable ?? NONE)];
      if (initial === undefined && items.length === 0)
        ctx.raise('TypeError', 'reduce() of empty iterable with no initial value');
      let acc = initial ?? items.shift() ?? NONE;
      for (const item of items) acc = ctx.call(f ?? NONE, [acc, item]);
      return acc;
    }),
    fn('lru_cache', (args, ctx) => {
      const first = args.positional[0] ?? args.keywords.get('maxsize') ?? pyInt(128);
      if (isCallable(first)) return cachedFunction(first, 128, runtime);
      const maxsize = first.kind === 'none' ? undefined : Number(asBigInt(first, 'maxsize', ctx));
      return native('lru_cache', (inner) =>
        cachedFunction(inner.positional[0] ?? NONE, maxsize, runtime),
      );
    }),
    fn('cache', (args) => cachedFunction(args.positional[0] ?? NONE, undefined, runtime)),
    identityDecorator('cached_property'),
    fn('wraps', (args) => {
      const wrapped = args.positional[0] ?? NONE;
      return native('wraps', (inner, ctx) => {
        const target = inner.positional[0] ?? NONE;
        if (target.kind === 'function' && wrapped.kind === 'function') {
          for (const attr of ['__name__', '__qualname__', '__doc__'])
            target.attrs.set(attr, runtime.interp.getAttribute(wrapped, attr, ctx.span));
        }
        return target;
      });
    }),
    fn('update_wrapper', (args) => args.positional[0] ?? NONE),
  ]);
  void runtime;
}

/** Separates the positional arguments from the keywords in a cache key (hashed by identity). */
const KEYWORD_MARK: PyValue = { kind: 'opaque', name: 'kwd_mark' };

/**
 * functools.lru_cache: a call with arguments equal to an earlier call's returns that call's result
 * (the `maxsize` most recent ones; all of them when maxsize is None).
 */
function cachedFunction(target: PyValue, maxsize: number | undefined, runtime: Runtime): PyValue {
  const memo = new Map<string, PyValue>();
  const wrapper = native(target.kind === 'function' ? target.name : 'lru_cache', (args, ctx) => {
    const keywords = [...args.keywords].flatMap(([k, v]) => [pyStr(k), v]);
    const items = [...args.positional, ...(keywords.length > 0 ? [KEYWORD_MARK, ...keywords] : [])];
    const key = hashKey({ kind: 'tuple', items });
    if (key === undefined) {
      const bad = items.find((v) => hashKey(v) === undefined) ?? NONE;
      return ctx.raise('TypeError', `unhashable type: '${typeName(bad)}'`);
    }
    const hit = memo.get(key);
    if (hit !== undefined) {
      memo.delete(key);
      memo.set(key, hit);
      return hit;
    }
    const result = ctx.call(target, args.positional, args.keywords);
    if (maxsize === undefined || maxsize > 0) memo.set(key, result);
    if (maxsize !== undefined && memo.size > maxsize) memo.delete(memo.keys().next().value ?? '');
    return result;
  });
  wrapper.attrs = new Map([
    fn('cache_clear', () => {
      memo.clear();
      return NONE;
    }),
  ]);
  if (target.kind === 'function')
    for (const attr of ['__name__', '__qualname__', '__doc__'])
      wrapper.attrs.set(attr, runtime.interp.getAttribute(target, attr, target.span));
  return wrapper;
}
