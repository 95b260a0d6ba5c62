import { useStore } from 'zustand';
import { presetById, PRESETS } from '../app/mask/presets';
import { presetCard } from '../app/mask/presetCards';
import { playground, setShape, setView, showPresetCard } from '../app/state/store';
import './teaching.css';

/**
 * The teaching card of the preset last used from the gallery (or of the preset the program still
 * is): what it is for, which models use it, and what to notice in its block grid, with a button
 * that shows the grid at the block size the card talks about.
 */
export function PresetCard() {
  const chosen = useStore(playground, (s) => s.presetCard);
  const code = useStore(playground, (s) => s.scenario.code);
  const id = chosen ?? PRESETS.find((p) => p.source === code)?.id ?? null;
  const preset = id ? presetById(id) : undefined;
  const card = id ? presetCard(id) : undefined;
  if (!preset || !card) return null;
  const { block } = card.grid;
  return (
    <section
      className="panel preset-card"
      aria-labelledby="preset-card-heading"
      data-testid="preset-card"
      data-preset={preset.id}
    >
      <div className="panel-heading">
        <h2 id="preset-card-heading">{preset.title}</h2>
        <button
          type="button"
          className="small"
          aria-label="Close the preset card"
          onClick={() => showPresetCard(null)}
        >
          ×
        </button>
      </div>
      <dl className="card-fields">
        <dt>What it is for</dt>
        <dd data-testid="card-what">{card.whatFor}</dd>
        <dt>Models</dt>
        <dd data-testid="card-models">{card.models}</dd>
        <dt>In the block grid</dt>
        <dd data-testid="card-notice">{card.notice}</dd>
      </dl>
      <button
        type="button"
        data-testid="card-show-blocks"
        onClick={() => {
          setShape({ blockQ: block, blockKV: block });
          setView('blocks');
        }}
      >
        Show the block grid at {block} × {block} blocks
      </button>
    </section>
  );
}
