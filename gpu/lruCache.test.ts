import { describe, expect, it } from 'vitest';
import { LruCache } from './lruCache';

describe('LruCache', () => {
  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new LruCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.has('a')).toBe(false);
    expect(cache.keys()).toEqual(['b', 'c', 'd']);
  });

  it('a hit makes an entry the most recently used, so it survives the next eviction', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.get('b')).toBeUndefined();
  });

  it('setting an existing key replaces it and refreshes it without growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    cache.set('c', 3);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.get('a')).toBe(10);
  });

  it('deleteIf removes an entry only while it still holds the given value', () => {
    const cache = new LruCache<string, object>(4);
    const first = {};
    const second = {};
    cache.set('k', first);
    cache.set('k', second);
    cache.deleteIf('k', first);
    expect(cache.get('k')).toBe(second);
    cache.deleteIf('k', second);
    expect(cache.has('k')).toBe(false);
  });

  it('stays bounded over many distinct keys', () => {
    const cache = new LruCache<number, number>(32);
    for (let i = 0; i < 1000; i++) cache.set(i, i);
    expect(cache.size).toBe(32);
    expect(cache.keys()[0]).toBe(968);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
