import { useEffect, useState } from 'react';
import { presetById } from '../app/mask/presets';
import { selectCell, setCode, setShape, setView, showPresetCard } from '../app/state/store';
import { ExplainPanel } from './ExplainPanel';
import { FigurePanel } from './FigurePanel';
import { KernelWalkthrough } from './KernelWalkthrough';
import type { TeachingEmbed, TeachingPanelName } from './teachingEmbed';
import './teaching.css';

const TABS: { name: TeachingPanelName; label: string }[] = [
  { name: 'explain', label: 'Explain a cell' },
  { name: 'walkthrough', label: 'Walk through the kernel' },
];

/** The two teaching panels under the picture, as tabs. */
export function TeachingPanels() {
  const [tab, setTab] = useState<TeachingPanelName>('explain');
  return (
    <section className="panel teaching" aria-label="Teaching" data-testid="teaching-panels">
      <div className="tabs" role="tablist" aria-label="Teaching panels">
        {TABS.map(({ name, label }) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`teaching-tab-${name}`}
            aria-selected={tab === name}
            aria-controls="teaching-panel"
            onClick={() => setTab(name)}
          >
            {label}
          </button>
        ))}
      </div>
      <div id="teaching-panel" role="tabpanel" aria-labelledby={`teaching-tab-${tab}`}>
        {tab === 'explain' ? <ExplainPanel /> : <KernelWalkthrough />}
      </div>
    </section>
  );
}

/** Embed mode: the picture and one teaching panel, set up from the hash once. */
export function TeachingEmbedView({ embed }: { embed: TeachingEmbed }) {
  useEffect(() => {
    const preset = embed.preset ? presetById(embed.preset) : undefined;
    if (preset) {
      const { Q, KV, B, H } = preset.example;
      setShape({ Q, KV, B, H, HKV: H });
      setCode(preset.source);
      showPresetCard(preset.id);
    }
    if (embed.block !== null && embed.block > 0) {
      setShape({ blockQ: embed.block, blockKV: embed.block });
    }
    if (embed.q !== null) selectCell({ q: embed.q, kv: embed.kv ?? 0 });
    else if (embed.row !== null) selectCell({ q: embed.row, kv: 0 });
    if (embed.panel === 'walkthrough' && embed.block !== null) setView('blocks');
  }, [embed]);
  return (
    <div className="app embed teaching-embed" data-testid="teaching-embed">
      <FigurePanel />
      <section className="panel teaching" aria-label="Teaching">
        {embed.panel === 'explain' ? <ExplainPanel /> : <KernelWalkthrough />}
      </section>
    </div>
  );
}
