import { useStore } from 'zustand';
import { playground } from '../app/state/store';

/** What the program's setup code printed (print() calls), as a console would show it. */
export function ProgramOutput() {
  const printed = useStore(playground, (s) => s.program?.printed ?? null);
  if (!printed || printed.length === 0) return null;
  return (
    <section className="program-output" aria-label="Program output">
      <h3 className="hint">print() output</h3>
      <pre className="code-block" data-testid="program-output">
        {printed.join('\n')}
      </pre>
    </section>
  );
}
