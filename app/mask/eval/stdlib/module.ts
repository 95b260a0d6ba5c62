/**
 * The few helpers every native module is written with: a module from its entries, a native
 * function entry, and an opaque entry (a name that only has to exist: a typing construct, a
 * base class to inherit from, a decorator that returns what it decorates). Shared by the module
 * files beside it, so each of them reads as a list of Python names.
 */
import {
  NONE,
  native,
  type NativeCall,
  type PyModule,
  type PyNative,
  type PyValue,
} from '../values';

export function moduleOf(name: string, entries: [string, PyValue][]): PyModule {
  return { kind: 'module', name, attrs: new Map(entries) };
}

export function fn(name: string, call: NativeCall): [string, PyNative] {
  return [name, native(name, call)];
}

export function opaque(name: string): [string, PyValue] {
  return [name, { kind: 'opaque', name, call: (args) => args.positional[0] ?? NONE }];
}
