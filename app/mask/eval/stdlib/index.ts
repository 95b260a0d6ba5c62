/**
 * The modules written in TypeScript, by import name: the registry the runtime asks when a program
 * imports something that is not a library file. One file per Python module emulated sits beside
 * this one: torch (with torch.nn, torch.nn.functional, torch.cuda), flexAttention
 * (torch.nn.attention.flex_attention), math, functools, itertools, operator, collections,
 * dataclasses and typing (with abc and collections.abc); `__future__` and `warnings` are too
 * small for a file of their own.
 */
import { NONE, type PyModule } from '../values';
import type { Runtime } from '../runtime';
import { collectionsModule } from './collections';
import { dataclassesModule } from './dataclasses';
import { flexAttentionModule } from './flexAttention';
import { functoolsModule } from './functools';
import { itertoolsModule } from './itertools';
import { mathModule } from './math';
import { fn, moduleOf } from './module';
import { operatorModule } from './operator';
import { functionalModule, torchCudaModule, torchModule, torchNnModule } from './torch';
import { abcModule, collectionsAbcModule, typingModule } from './typing';

/** Each module by its import name, built afresh for each program that imports it. */
const MODULES = new Map<string, (runtime: Runtime) => PyModule>([
  ['torch', torchModule],
  ['torch.nn', torchNnModule],
  ['torch.nn.functional', functionalModule],
  ['torch.nn.attention', () => moduleOf('torch.nn.attention', [])],
  ['torch.nn.attention.flex_attention', flexAttentionModule],
  ['torch.cuda', torchCudaModule],
  ['math', mathModule],
  ['functools', functoolsModule],
  ['itertools', itertoolsModule],
  ['operator', operatorModule],
  ['typing', () => typingModule('typing')],
  ['typing_extensions', () => typingModule('typing_extensions')],
  ['collections', collectionsModule],
  ['collections.abc', collectionsAbcModule],
  ['dataclasses', dataclassesModule],
  ['abc', abcModule],
  ['__future__', () => moduleOf('__future__', [['annotations', NONE]])],
  ['warnings', () => warningsModule()],
]);

export const NATIVE_MODULE_NAMES = new Set(MODULES.keys());

export function nativeModule(name: string, runtime: Runtime): PyModule | undefined {
  return MODULES.get(name)?.(runtime);
}

/** warnings.warn prints its message (there is no warnings filter to configure). */
function warningsModule(): PyModule {
  return moduleOf('warnings', [
    fn('warn', (args, ctx) => {
      ctx.print(`Warning: ${args.positional[0] ? ctx.str(args.positional[0]) : ''}`);
      return NONE;
    }),
  ]);
}
