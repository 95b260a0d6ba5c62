import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { runScenario } from './engine/run';
import { compile } from './mask/compile';
import { startRunner } from './state/runner';
import { playground } from './state/store';
import { prepareInputs } from './state/uploads';
import { App } from './App';
import './styles.css';

// The store drives the engine: every edit (debounced) compiles and runs the scenario.
startRunner(playground, { compile, runScenario, prepareInputs });

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
