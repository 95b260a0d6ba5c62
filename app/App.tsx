import { AdapterStatus } from '../components/AdapterStatus';
import { EngineStatus } from '../components/EngineStatus';
import { CompileErrorMessage } from '../components/CompileErrorMessage';
import { ProgramOutput } from '../components/ProgramOutput';
import { ExportPanel } from '../components/ExportPanel';
import { FigurePanel } from '../components/FigurePanel';
import { InputControls } from '../components/InputControls';
import { ParameterControls } from '../components/ParameterControls';
import { PresetGallery } from '../components/PresetGallery';
import { ProgramEditor } from '../components/ProgramEditor';
import { RunStats } from '../components/RunStats';
import { RunStatus } from '../components/RunStatus';
import { ShapeControls } from '../components/ShapeControls';
import { PresetCard } from '../components/PresetCard';
import { TeachingEmbedPage, TeachingPanels } from '../components/TeachingPanels';
import { EmbedPage } from '../components/EmbedPage';
import { LinkProblems } from '../components/LinkProblems';
import { ShareDialog } from '../components/ShareDialog';
import { useStore } from 'zustand';
import { playground } from './state/store';

export function App() {
  // A share link's `&embed=1` (without a teaching panel): the figure alone, for an iframe.
  const embed = useStore(playground, (s) => s.embed);
  // With a panel (`&panel=explain|walkthrough`): the picture and that teaching panel.
  const embedPanel = useStore(playground, (s) => s.embedPanel);
  if (embed && embedPanel) return <TeachingEmbedPage panel={embedPanel} />;
  if (embed) return <EmbedPage />;
  return (
    <div className="app">
      <header className="app-header">
        <h1>flexmask</h1>
        <p className="tagline">
          FlexAttention masks, BlockMasks and block-sparse attention, on your GPU.
        </p>
        <AdapterStatus />
        <RunStatus />
        <ShareDialog />
        <EngineStatus />
      </header>
      <LinkProblems />
      <main className="workspace">
        <div className="column column-program">
          <section className="panel program" aria-labelledby="program-heading">
            <h2 id="program-heading">Program</h2>
            <ProgramEditor />
            <CompileErrorMessage />
            <ProgramOutput />
          </section>
          <ParameterControls />
          <PresetCard />
          <PresetGallery />
        </div>
        <div className="column column-result">
          <FigurePanel />
          <TeachingPanels />
          <RunStats />
          <div className="result-controls">
            <ShapeControls />
            <InputControls />
          </div>
          <ExportPanel />
        </div>
      </main>
    </div>
  );
}
