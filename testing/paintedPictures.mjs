// @ts-check
/**
 * A log, kept in the page, of what the playground put on screen and when: each paint of the
 * figure's cells (the canvas's `data-painted`, `<generation>:<preview|result>`, set by
 * components/HeatmapFigure.tsx right after it draws) and each finish of a run (`data-state` of
 * the run status turning 'done' or 'error'), with the page's clock. bench:latency reads from it
 * how long after an edit the new run's picture appeared and the run was done; the generation
 * tells a new run's picture from a repaint of an old one.
 *
 * As with testing/finishedRuns.mjs, a MutationObserver queues one record per attribute change,
 * so no paint is missed; the time is taken when the records are delivered (a microtask after
 * the change, before the browser paints the frame).
 *
 * The functions below run in the page: each uses nothing from outside its own body.
 */

/**
 * @typedef {{ kind: 'paint', generation: number, preview: boolean, at: number }
 *   | { kind: 'finish', state: string, at: number }} ScreenEvent
 */

/** Page-side: starts the log in this document, unless it is already kept. */
export function recordPaintedPictures() {
  const page = /** @type {{ flexmaskScreenLog?: ScreenEvent[] }} */ (
    /** @type {unknown} */ (window)
  );
  if (page.flexmaskScreenLog) return;
  /** @type {ScreenEvent[]} */
  const log = [];
  page.flexmaskScreenLog = log;
  const observer = new MutationObserver((records) => {
    const at = performance.now();
    records.forEach((record, i) => {
      const element = /** @type {Element} */ (record.target);
      const next = records.slice(i + 1).find((r) => r.target === element);
      const value = next ? next.oldValue : element.getAttribute(record.attributeName ?? '');
      if (record.attributeName === 'data-painted' && value) {
        const [generation, kind] = value.split(':');
        log.push({
          kind: 'paint',
          generation: Number(generation),
          preview: kind === 'preview',
          at,
        });
      } else if (
        record.attributeName === 'data-state' &&
        element.getAttribute('data-testid') === 'run-status' &&
        value !== record.oldValue &&
        (value === 'done' || value === 'error')
      ) {
        log.push({ kind: 'finish', state: value, at });
      }
    });
  });
  observer.observe(document, {
    subtree: true,
    attributes: true,
    attributeFilter: ['data-painted', 'data-state'],
    attributeOldValue: true,
  });
}

/**
 * Page-side: the newest generation painted so far (0 before any paint) and the page's clock now,
 * to take just before an edit.
 * @returns {{ generation: number, at: number }}
 */
export function screenMark() {
  const page = /** @type {{ flexmaskScreenLog?: ScreenEvent[] }} */ (
    /** @type {unknown} */ (window)
  );
  let generation = 0;
  for (const event of page.flexmaskScreenLog ?? []) {
    if (event.kind === 'paint') generation = Math.max(generation, event.generation);
  }
  return { generation, at: performance.now() };
}

/**
 * Page-side: after `mark`, when a newer run's picture was first painted (and whether it was a
 * preview) and when the next run finished; null until both happened (a predicate for
 * page.waitForFunction).
 * @param {{ generation: number, at: number }} mark
 * @returns {{ pictureMs: number, preview: boolean, doneMs: number, state: string } | null}
 */
export function screenAfter(mark) {
  const page = /** @type {{ flexmaskScreenLog?: ScreenEvent[] }} */ (
    /** @type {unknown} */ (window)
  );
  const log = page.flexmaskScreenLog ?? [];
  const paint = log.find((e) => e.kind === 'paint' && e.generation > mark.generation);
  const finish = log.find((e) => e.kind === 'finish' && e.at > mark.at);
  if (!paint || paint.kind !== 'paint' || !finish || finish.kind !== 'finish') return null;
  return {
    pictureMs: paint.at - mark.at,
    preview: paint.preview,
    doneMs: finish.at - mark.at,
    state: finish.state,
  };
}
