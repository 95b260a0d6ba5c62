import { useStore } from 'zustand';
import { playground } from '../app/state/store';

/** The compile error as Python prints it: message, the line, and a caret under the span. */
export function CompileErrorMessage() {
  const problem = useStore(playground, (s) => s.compileError);
  if (!problem) return null;
  return (
    <div className="compile-error" role="alert">
      <p className="error-text">
        The program does not compile; the picture shows the last program that did.
      </p>
      <pre className="code-block" data-testid="compile-error">
        {problem.formatted}
      </pre>
    </div>
  );
}
