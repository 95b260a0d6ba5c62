import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { playground } from '../app/state/store';
import { encodeScenario } from '../app/url';
import { HeatmapFigure } from './HeatmapFigure';
import { LinkProblems } from './LinkProblems';
import { useFigureSpec } from './useFigureSpec';

/**
 * `&embed=1`: the current view's figure alone (title, axes, colour bar) for an `<iframe>` in
 * slides or a blog post, with a small link that opens the same scenario in the full app. The
 * figure takes the frame's width, and shrinks to fit when the frame is shorter than it.
 */
export function EmbedPage() {
  const scenario = useStore(playground, (s) => s.scenario);
  const uploaded = useStore(playground, (s) => s.linkUploaded);
  const status = useStore(playground, (s) => s.status);
  const compileError = useStore(playground, (s) => s.compileError);
  const runError = useStore(playground, (s) => s.runError);
  const [openHref, setOpenHref] = useState<string | null>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState(1);

  const view = scenario.view;
  const spec = useFigureSpec();

  // The same scenario without embed: what "open in flexmask" opens.
  useEffect(() => {
    let current = true;
    void encodeScenario(scenario, { uploaded }).then((hash) => {
      const { origin, pathname, search } = window.location;
      if (current) setOpenHref(`${origin}${pathname}${search}${hash}`);
    });
    return () => {
      current = false;
    };
  }, [scenario, uploaded]);

  // Shrink the figure to the frame's height; its width already follows the frame.
  useEffect(() => {
    const frame = frameRef.current;
    const content = contentRef.current;
    if (!frame || !content) return;
    const fit = () => {
      const natural = content.scrollHeight;
      const room = frame.clientHeight;
      setScale(natural > 0 && room > 0 ? Math.min(1, room / natural) : 1);
    };
    const observer = new ResizeObserver(fit);
    observer.observe(frame);
    observer.observe(content);
    fit();
    return () => observer.disconnect();
  }, []);

  const failed = status === 'error' ? (compileError?.formatted ?? runError) : null;

  return (
    <div className="embed-page" data-testid="embed-page" data-view={view} data-state={status}>
      <LinkProblems />
      <div className="embed-frame" ref={frameRef}>
        <div
          className={scale < 1 ? 'embed-content embed-scaled' : 'embed-content'}
          ref={contentRef}
          data-scale={scale.toFixed(3)}
          style={scale < 1 ? { transform: `scale(${scale})` } : undefined}
        >
          {spec ? (
            <HeatmapFigure spec={spec} />
          ) : (
            !failed && <p className="muted placeholder">Computing the picture…</p>
          )}
          {failed && (
            <pre className="code-block error-text" data-testid="embed-error" role="alert">
              {failed}
            </pre>
          )}
        </div>
      </div>
      <footer className="embed-footer">
        {openHref && (
          <a href={openHref} target="_blank" rel="noopener" data-testid="embed-open">
            open in flexmask
          </a>
        )}
      </footer>
    </div>
  );
}
