// `npx vitest bench --run app/mask/compile.bench.ts`: compile time (evaluate, trace, emit) of the
// largest presets and of the largest real-style files of the corpus (attention-gym's generators
// pasted whole, Hugging Face's masking_utils compositions), how fast the limits answer, and the
// CPU back end filling a 1024 x 1024 mask.
import { bench, describe } from 'vitest';
import { compile } from './compile';
import { PRESETS } from './presets';

const bySize = [...PRESETS].sort((a, b) => b.source.length - a.source.length);

const CORPUS = import.meta.glob<string>(['./corpus/attn_gym/*.py', './corpus/transformers/*.py'], {
  query: '?raw',
  import: 'default',
  eager: true,
});
const corpusBySize = Object.entries(CORPUS).sort((a, b) => b[1].length - a[1].length);

describe('compile', () => {
  for (const preset of bySize.slice(0, 3)) {
    bench(`${preset.id} (${preset.source.length} chars)`, () => {
      compile(preset.source);
    });
  }
  for (const [path, source] of corpusBySize.slice(0, 4)) {
    bench(`${path.replace('./corpus/', '')} (${source.length} chars)`, () => {
      compile(source);
    });
  }
});

describe('limits', () => {
  const MASK = 'def mask_mod(b, h, q_idx, kv_idx):\n    return ';
  const cases: [string, string][] = [
    ['100000 nested parentheses', `${MASK}${'('.repeat(100000)}q_idx${')'.repeat(100000)} > 0\n`],
    ['a source over 100 KB', `${MASK}True\n${'# padding\n'.repeat(11000)}`],
    [
      'a 70000-element tensor',
      `t = [${Array.from({ length: 70000 }, () => '1').join(',')}]\nmask_mod = noop_mask\n`,
    ],
  ];
  for (const [name, source] of cases) {
    bench(name, () => {
      try {
        compile(source);
      } catch {
        // the LimitError is the point
      }
    });
  }
});

describe('CPU back end', () => {
  const program = compile(
    'WINDOW = 64\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx >= kv_idx) & (q_idx - kv_idx <= WINDOW)\n',
  );
  bench('fill a 1024 x 1024 mask', () => {
    let allowed = 0;
    for (let q = 0; q < 1024; q += 1) {
      for (let kv = 0; kv < 1024; kv += 1) if (program.mask(0, 0, q, kv)) allowed += 1;
    }
    if (allowed === 0) throw new Error('empty mask');
  });
});
