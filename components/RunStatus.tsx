import { useStore } from 'zustand';
import { playground } from '../app/state/store';

const STAGE_NAMES = {
  compile: 'compiling',
  blockMask: 'building the BlockMask',
  attention: 'running attention',
  picture: 'drawing the picture',
} as const;

/**
 * Whether a run is going, done or failed. `data-state` is what tests wait on: a run shows
 * 'running' while it works, so its 'done' or 'error' is a change of the attribute, which the
 * tests' log of finished runs records (testing/finishedRuns.mjs says why none is missed).
 */
export function RunStatus() {
  const status = useStore(playground, (s) => s.status);
  const progress = useStore(playground, (s) => s.progress);
  const compileError = useStore(playground, (s) => s.compileError);
  const runError = useStore(playground, (s) => s.runError);
  const previewing = useStore(playground, (s) => s.preview !== null);
  let text: string;
  if (status === 'running' && previewing) {
    // The head on screen is drawn; the run goes on for the other heads.
    text = 'Picture ready; computing the other heads…';
  } else if (status === 'running') {
    text = progress ? `Running: ${STAGE_NAMES[progress.stage]}…` : 'Running…';
  } else if (status === 'error') {
    text = compileError ? 'The program has an error; showing the last result.' : 'Run failed.';
  } else if (status === 'done') {
    text = 'Up to date.';
  } else {
    text = 'Waiting for the first run…';
  }
  return (
    <div
      className="run-status"
      data-testid="run-status"
      data-state={status}
      data-previewing={previewing}
      role="status"
    >
      <span className={`status-dot status-${status}`} aria-hidden="true" />
      <span>{text}</span>
      {status === 'running' && progress && (
        <progress
          max={1}
          value={progress.fraction}
          aria-label="Run progress"
          data-testid="run-progress"
        />
      )}
      {status === 'error' && runError && !compileError && (
        <span className="error-text" data-testid="run-error">
          {runError}
        </span>
      )}
    </div>
  );
}
