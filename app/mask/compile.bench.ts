// `npx vitest bench --run app/mask/compile.bench.ts`: compile time of the largest programs.
import { bench, describe } from 'vitest';
import { compile } from './compile';
import { PRESETS } from './presets';

const bySize = [...PRESETS].sort((a, b) => b.source.length - a.source.length);

describe('compile', () => {
  for (const preset of bySize.slice(0, 3)) {
    bench(`${preset.id} (${preset.source.length} chars)`, () => {
      compile(preset.source);
    });
  }
});
