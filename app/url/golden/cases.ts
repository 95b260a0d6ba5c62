/**
 * The scenarios the golden links were made from (see README.md): every preset at its example
 * settings as the gallery's "Use" button sets them up, spread over the five views; programs
 * composed with the gallery's AND / OR (long enough to be written compressed); two embeds; and
 * one scenario with every field away from its default. generate.mjs writes a link for each one
 * that has none yet. Committed links are never rewritten: they are the record.
 */
import { PRESETS, presetById } from '../../mask/presets';
import { type ComposeOperator, composePrograms } from '../../state/compose';
import { DEFAULT_SCENARIO, VIEWS, type Scenario, type ViewName } from '../../problem';

export interface GoldenCase {
  /** The file name's tail: `v1-<form>-<name>.json`. */
  name: string;
  scenario: Scenario;
  embed: boolean;
}

function preset(id: string) {
  const found = presetById(id);
  if (!found) throw new Error(`no preset ${id}`);
  return found;
}

/** What the gallery's "Use" button makes of a fresh page (HKV follows H; see PresetGallery). */
export function presetScenario(id: string, view: ViewName): Scenario {
  const { source, example } = preset(id);
  const { Q, KV, B, H } = example;
  return { ...DEFAULT_SCENARIO, code: source, Q, KV, B, H, HKV: H, view };
}

/** "Use" the first preset, then each [operator, preset] button in turn. */
function composed(first: string, steps: [ComposeOperator, string][], view: ViewName): Scenario {
  const base = presetScenario(first, view);
  let code = base.code;
  for (const [op, id] of steps) {
    const added = preset(id);
    code = composePrograms(code, added.source, op, added.id, added.title);
  }
  return { ...base, code };
}

export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = PRESETS.map((p, i) => ({
    name: `${p.id.replace(/_/g, '-')}-${VIEWS[i % VIEWS.length]}`,
    scenario: presetScenario(p.id, VIEWS[i % VIEWS.length]),
    embed: false,
  }));
  cases.push(
    {
      name: 'causal-and-sliding-window-and-document-probs',
      scenario: composed(
        'causal',
        [
          ['and', 'sliding_window'],
          ['and', 'document'],
        ],
        'probs',
      ),
      embed: false,
    },
    {
      name: 'prefix-lm-or-global-sliding-andnot-dilated-blocks',
      scenario: composed(
        'prefix_lm',
        [
          ['or', 'global_sliding'],
          ['andNot', 'dilated_sliding_window'],
        ],
        'blocks',
      ),
      embed: false,
    },
    {
      name: 'document-and-padding-plus-soft-cap-scores',
      scenario: composed(
        'document',
        [
          ['and', 'padding'],
          ['scoreMod', 'soft_cap'],
        ],
        'scores',
      ),
      embed: false,
    },
    {
      name: 'alibi-every-field',
      scenario: {
        ...presetScenario('alibi', 'output'),
        B: 2,
        H: 8,
        HKV: 2,
        Q: 40,
        KV: 24,
        D: 16,
        DV: 4,
        blockQ: 8,
        blockKV: 4,
        seed: 4242,
        b: 1,
        h: 5,
      },
      embed: false,
    },
    {
      name: 'sliding-window-mask',
      scenario: presetScenario('sliding_window', 'mask'),
      embed: true,
    },
    {
      name: 'tree-and-causal-output',
      scenario: composed('tree', [['and', 'causal']], 'output'),
      embed: true,
    },
  );
  return cases;
}
