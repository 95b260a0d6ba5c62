import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { playground } from '../app/state/store';
import { applyTeachingEmbed } from '../app/teaching/embedSetup';
import type { PanelName } from '../app/url';
import { ExplainPanel } from './ExplainPanel';
import { FigurePanel } from './FigurePanel';
import { KernelWalkthrough } from './KernelWalkthrough';
import './teaching.css';

const TABS: { name: PanelName; label: string }[] = [
  { name: 'explain', label: 'Explain a cell' },
  { name: 'walkthrough', label: 'Walk through the kernel' },
];

/** The two teaching panels under the picture, as tabs. */
export function TeachingPanels() {
  const [tab, setTab] = useState<PanelName>('explain');
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

/**
 * Embed mode (`#...&embed=1&panel=explain|walkthrough`): the picture and one teaching panel, set
 * up as the link's teaching keys ask (app/url decodes them into the store) each time a link opens.
 */
export function TeachingEmbedPage({ panel }: { panel: PanelName }) {
  const keys = useStore(playground, (s) => s.embedTeaching);
  useEffect(() => {
    if (keys) applyTeachingEmbed(panel, keys);
  }, [panel, keys]);
  return (
    <div className="app embed teaching-embed" data-testid="teaching-embed">
      <FigurePanel />
      <section className="panel teaching" aria-label="Teaching">
        {panel === 'explain' ? <ExplainPanel /> : <KernelWalkthrough />}
      </section>
    </div>
  );
}
