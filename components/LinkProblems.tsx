import { useStore } from 'zustand';
import { problemSentence } from '../app/state/shareLink';
import { dismissLinkProblems, playground } from '../app/state/store';

const INPUT_NAMES = { q: 'Q', k: 'K', v: 'V' } as const;

/** "Q", "Q and V", "Q, K and V". */
function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * What was wrong with the link the page opened (each broken part named, and what the page did
 * instead), and which inputs the link's author had uploaded and this page stands in for with
 * seeded random ones. Dismissible; a link opened later shows its own problems again.
 */
export function LinkProblems() {
  const problems = useStore(playground, (s) => s.linkProblems);
  const uploaded = useStore(playground, (s) => s.linkUploaded);
  const seed = useStore(playground, (s) => s.scenario.seed);
  const empty = problems.length === 0 && uploaded.length === 0;
  return (
    <div className="link-status" data-testid="link-status">
      {!empty && (
        <section
          className="link-problems"
          role={problems.length > 0 ? 'alert' : 'status'}
          aria-label="About this link"
          data-testid="link-problems"
          data-count={problems.length}
        >
          {problems.length > 0 && (
            <>
              <p className="link-problems-title">
                {problems.length === 1
                  ? 'Part of this link could not be used:'
                  : `${problems.length} parts of this link could not be used:`}
              </p>
              <ul>
                {problems.map((problem, i) => (
                  <li key={i} data-field={problem.field}>
                    {problemSentence(problem)}
                  </li>
                ))}
              </ul>
            </>
          )}
          {uploaded.length > 0 && (
            <p data-testid="link-stand-ins">
              This link was made with uploaded{' '}
              {listNames(uploaded.map((input) => INPUT_NAMES[input]))}, which links do not carry;
              here {uploaded.length === 1 ? 'it is a random stand-in' : 'they are random stand-ins'}{' '}
              drawn with seed {seed}, so the numbers differ from the author&apos;s.
            </p>
          )}
          <button type="button" className="small" onClick={() => dismissLinkProblems()}>
            Dismiss
          </button>
        </section>
      )}
    </div>
  );
}
