import { useStore } from 'zustand';
import { ENGINE_PREFERENCES, type EnginePreference } from '../app/engine/engineChoice';
import { playground, setEnginePreference } from '../app/state/store';

const CHOICE_LABELS: Record<EnginePreference, string> = {
  auto: 'Auto (fastest here)',
  gpu: 'GPU (WebGPU)',
  cpu: 'CPU (WebAssembly)',
};

function isPreference(value: string): value is EnginePreference {
  return ENGINE_PREFERENCES.some((p) => p === value);
}

/**
 * Which engine computed the result on screen and why (app/engine/engineChoice.ts), and the
 * control that forces one. The choice belongs to this browser, not to the scenario: a share link
 * never carries it.
 */
export function EngineStatus() {
  const preference = useStore(playground, (s) => s.enginePreference);
  const result = useStore(playground, (s) => s.result);
  return (
    <div className="engine-status">
      <label className="engine-choice">
        Engine{' '}
        <select
          data-testid="engine-choice"
          value={preference}
          onChange={(event) => {
            const value = event.target.value;
            if (isPreference(value)) setEnginePreference(value);
          }}
        >
          {ENGINE_PREFERENCES.map((p) => (
            <option key={p} value={p}>
              {CHOICE_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      {result && (
        <p className="adapter" data-testid="engine" data-engine={result.backend}>
          <strong>{result.backend === 'gpu' ? 'GPU engine' : 'CPU engine'}</strong>:{' '}
          {result.engineReason}
        </p>
      )}
    </div>
  );
}
