import { AdapterStatus } from '../components/AdapterStatus';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>flexmask</h1>
        <p className="tagline">
          FlexAttention masks, BlockMasks and block-sparse attention, on your GPU.
        </p>
        <AdapterStatus />
      </header>
    </div>
  );
}
