import { useRef } from 'react';
import { useStore } from 'zustand';
import { VIEWS, type ViewName } from '../app/problem';
import { playground, setView } from '../app/state/store';

export const VIEW_LABELS: Record<ViewName, string> = {
  scores: 'Scores',
  probs: 'Probabilities',
  mask: 'Mask',
  blocks: 'Blocks',
  output: 'Output',
};

/** The five views as a tab list: click, or arrow keys with Home / End. */
export function ViewTabs() {
  const view = useStore(playground, (s) => s.scenario.view);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: React.KeyboardEvent, index: number) => {
    const last = VIEWS.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % VIEWS.length
        : event.key === 'ArrowLeft'
          ? (index + last) % VIEWS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : -1;
    if (next < 0) return;
    event.preventDefault();
    setView(VIEWS[next]);
    tabs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="View">
      {VIEWS.map((name, i) => (
        <button
          key={name}
          ref={(el) => {
            tabs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${name}`}
          aria-selected={view === name}
          aria-controls="view-panel"
          tabIndex={view === name ? 0 : -1}
          onClick={() => setView(name)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {VIEW_LABELS[name]}
        </button>
      ))}
    </div>
  );
}
