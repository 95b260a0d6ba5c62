import { useState } from 'react';
import { useStore } from 'zustand';
import { hasMaskMod, hasScoreMod } from '../app/state/compose';
import {
  ARRAY_EXPORT_TITLES,
  blockMaskJson,
  exportFileName,
  resultNpy,
  type ArrayExport,
} from '../app/state/exports';
import { buildFigure } from '../app/state/figure';
import { programName } from '../app/state/figureTitle';
import { playground } from '../app/state/store';
import { VIEW_LABELS } from './ViewTabs';
import { canvasToPngBlob, downloadBlob, drawFigureCanvas, figureSvgText } from './figureExport';

const PNG_PIXEL_RATIO = 3;

function currentFigure() {
  const { result, resultScenario, scenario } = playground.getState();
  if (!result || !resultScenario) return null;
  const code = resultScenario.code;
  return buildFigure({
    result,
    view: scenario.view,
    name: programName(code),
    hasMask: hasMaskMod(code),
    hasScoreMod: hasScoreMod(code),
  });
}

/** The download and copy buttons: picture, arrays, BlockMask and the PyTorch code. */
export function ExportPanel() {
  const result = useStore(playground, (s) => s.result);
  const view = useStore(playground, (s) => s.scenario.view);
  const program = useStore(playground, (s) => s.program);
  const [message, setMessage] = useState<string | null>(null);
  if (!result) return null;

  const fail = (error: unknown) =>
    setMessage(`Export failed: ${error instanceof Error ? error.message : String(error)}`);

  const pytorchCode = program && result ? program.pytorchExport(result.shape) : null;
  const refusal = pytorchCode && 'refused' in pytorchCode ? pytorchCode.refused : null;
  const pythonCode = () => {
    const current = playground.getState();
    const shown = current.result;
    if (!current.program || !shown) return null;
    const exported = current.program.pytorchExport(shown.shape);
    if ('refused' in exported) {
      setMessage(exported.refused);
      return null;
    }
    return exported.code;
  };

  const figureName = (extension: string) =>
    exportFileName(result, `${view}`, extension).replace(`_${view}`, `_${view}_figure`);

  const downloadPng = async () => {
    const spec = currentFigure();
    if (!spec) return;
    try {
      const blob = await canvasToPngBlob(drawFigureCanvas(spec, PNG_PIXEL_RATIO));
      downloadBlob(blob, figureName('png'));
    } catch (error) {
      fail(error);
    }
  };
  const downloadSvg = () => {
    const spec = currentFigure();
    if (!spec) return;
    try {
      downloadBlob(new Blob([figureSvgText(spec)], { type: 'image/svg+xml' }), figureName('svg'));
    } catch (error) {
      fail(error);
    }
  };
  const downloadArray = (which: ArrayExport) => {
    try {
      const bytes = resultNpy(result, which);
      downloadBlob(
        new Blob([bytes.slice().buffer], { type: 'application/octet-stream' }),
        exportFileName(result, which, 'npy'),
      );
    } catch (error) {
      fail(error);
    }
  };
  const downloadBlockMask = () => {
    const text = JSON.stringify(blockMaskJson(result.blockMask));
    downloadBlob(new Blob([text], { type: 'application/json' }), 'flexmask_block_mask.json');
  };
  const downloadPython = () => {
    const code = pythonCode();
    if (code) downloadBlob(new Blob([code], { type: 'text/x-python' }), 'flexmask_mask.py');
  };
  const copyPython = async () => {
    const code = pythonCode();
    if (!code) return;
    try {
      await navigator.clipboard.writeText(code);
      setMessage('PyTorch code copied to the clipboard.');
    } catch {
      setMessage('The browser refused the clipboard; use “Download PyTorch code” instead.');
    }
  };

  const label = VIEW_LABELS[view];
  return (
    <section className="panel exports" aria-labelledby="exports-heading">
      <h2 id="exports-heading">Export</h2>
      <div className="button-row" role="group" aria-label="Picture">
        <button type="button" onClick={() => void downloadPng()}>
          Download {label} picture as PNG
        </button>
        <button type="button" onClick={downloadSvg}>
          Download {label} picture as SVG
        </button>
      </div>
      <div className="button-row" role="group" aria-label="Arrays">
        {(['scores', 'probs', 'out', 'lse'] as const).map((which) => (
          <button key={which} type="button" onClick={() => downloadArray(which)}>
            Download {ARRAY_EXPORT_TITLES[which]} as .npy
          </button>
        ))}
        <button type="button" onClick={downloadBlockMask}>
          Download BlockMask as JSON
        </button>
      </div>
      <div className="button-row" role="group" aria-label="PyTorch code">
        <button type="button" onClick={() => void copyPython()} disabled={!program || !!refusal}>
          Copy PyTorch code
        </button>
        <button type="button" onClick={downloadPython} disabled={!program || !!refusal}>
          Download PyTorch code as .py
        </button>
      </div>
      {refusal && (
        <p className="error-text" role="note" data-testid="export-refused">
          {refusal}
        </p>
      )}
      <details className="python-code">
        <summary>Show the PyTorch code</summary>
        <pre className="code-block" data-testid="python-code">
          {pytorchCode && 'code' in pytorchCode ? pytorchCode.code : ''}
        </pre>
      </details>
      {message && (
        <p className="muted" role="status" data-testid="export-message">
          {message}
        </p>
      )}
    </section>
  );
}
