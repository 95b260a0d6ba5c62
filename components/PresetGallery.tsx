import { useState } from 'react';
import { useStore } from 'zustand';
import { MAX_CODE_CHARS } from '../app/problem';
import { PRESETS, type Preset } from '../app/mask/presets';
import { composePrograms, negateProgram, type ComposeOperator } from '../app/state/compose';
import { playground, setCode, setGalleryQuery, setShape, showPresetCard } from '../app/state/store';

/** Presets whose title, id, description or kind contain every word of the query. */
export function filterPresets(presets: readonly Preset[], query: string): Preset[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return presets.filter((p) => {
    const haystack = `${p.title} ${p.id} ${p.description} ${p.kind}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

function applyPreset(preset: Preset) {
  const { Q, KV, B, H } = preset.example;
  const current = playground.getState().scenario;
  // HKV must divide H: keep it when it does, else drop GQA.
  const HKV = H % current.HKV === 0 && current.HKV <= H ? current.HKV : H;
  setShape({ Q, KV, B, H, HKV });
  setCode(preset.source);
  showPresetCard(preset.id);
}

/** Replaces the program by `next`; or, when it would be too long to hold, says why. */
function replaceProgram(next: string, refuse: (message: string | null) => void) {
  refuse(
    setCode(next)
      ? null
      : `That would make the program ${next.length.toLocaleString('en-US')} characters long; a program holds at most ${MAX_CODE_CHARS.toLocaleString('en-US')}. Nothing was changed.`,
  );
}

function compose(preset: Preset, op: ComposeOperator, refuse: (message: string | null) => void) {
  const code = playground.getState().scenario.code;
  replaceProgram(composePrograms(code, preset.source, op, preset.id, preset.title), refuse);
}

const OPERATIONS: { op: ComposeOperator; label: string; hint: string }[] = [
  { op: 'and', label: 'AND', hint: 'Allow only where both the current mask and' },
  { op: 'or', label: 'OR', hint: 'Allow where the current mask or' },
  { op: 'andNot', label: 'AND NOT', hint: 'Allow where the current mask allows and not' },
];

/**
 * The catalogue of attention-gym's masks and score mods: search, use one as the program, or
 * combine it with the current program by AND / OR / AND NOT (or take its score_mod).
 */
export function PresetGallery() {
  const query = useStore(playground, (s) => s.galleryQuery);
  const shown = filterPresets(PRESETS, query);
  const [refusal, setRefusal] = useState<string | null>(null);
  return (
    <section className="panel gallery" aria-labelledby="gallery-heading">
      <div className="panel-heading">
        <h2 id="gallery-heading">Presets</h2>
        <button
          type="button"
          className="small"
          onClick={() =>
            replaceProgram(negateProgram(playground.getState().scenario.code), setRefusal)
          }
          title="Replace the current mask_mod by its negation"
        >
          NOT current mask
        </button>
      </div>
      {refusal && (
        <p className="error-text" role="alert" data-testid="gallery-refusal">
          {refusal}
        </p>
      )}
      <input
        type="search"
        className="gallery-search"
        placeholder="Search presets (causal, window, document…)"
        aria-label="Search presets"
        value={query}
        onChange={(e) => setGalleryQuery(e.target.value)}
      />
      <ul className="gallery-list" data-testid="preset-list">
        {shown.map((preset) => (
          <li key={preset.id} className="preset" data-testid={`preset-${preset.id}`}>
            <div className="preset-text">
              <span className="preset-title">{preset.title}</span>
              {preset.kind === 'score' && <span className="badge">score_mod</span>}
              <span className="preset-description">{preset.description}</span>
            </div>
            <div className="preset-actions">
              <button
                type="button"
                onClick={() => applyPreset(preset)}
                aria-label={`Use ${preset.title}`}
                title={`Replace the program by ${preset.title}, at its example size`}
              >
                Use
              </button>
              {preset.kind === 'mask' ? (
                OPERATIONS.map(({ op, label, hint }) => (
                  <button
                    key={op}
                    type="button"
                    onClick={() => compose(preset, op, setRefusal)}
                    aria-label={`${label} ${preset.title}`}
                    title={`${hint} ${preset.title} allow`}
                  >
                    {label}
                  </button>
                ))
              ) : (
                <button
                  type="button"
                  onClick={() => compose(preset, 'scoreMod', setRefusal)}
                  aria-label={`Add score_mod ${preset.title}`}
                  title={`Keep the current mask and use the score_mod of ${preset.title}`}
                >
                  + score_mod
                </button>
              )}
            </div>
          </li>
        ))}
        {shown.length === 0 && <li className="muted">No preset matches “{query}”.</li>}
      </ul>
    </section>
  );
}
