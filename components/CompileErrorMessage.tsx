import { useStore } from 'zustand';
import { playground } from '../app/state/store';

/** The compile error as Python prints it: message, the line, and a caret under the span. */
export function CompileErrorMessage() {
  const problem = useStore(playground, (s) => s.compileError);
  if (!problem) return null;
  return (
    <div className="compile-error" role="alert">
      {/* The message on its own line wraps in a narrow panel; the block below keeps Python's
          layout (line, caret) and scrolls sideways instead. */}
      <p className="error-text">{problem.message}</p>
      <pre className="code-block" data-testid="compile-error">
        {problem.formatted}
      </pre>
      <p className="hint">The picture shows the last program that compiled.</p>
    </div>
  );
}
