import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { readFinishedRuns, recordFinishedRuns } from '../testing/finishedRuns.mjs';
import type { Harness } from './harness/harness';

/** Collects console errors and page errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** Opens the test harness page and waits until it has exposed the engine. */
export async function openHarness(page: Page): Promise<void> {
  await page.goto('harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

/** Calls one harness function in the page; arguments and result travel as JSON. */
export async function callHarness<K extends keyof Harness>(
  page: Page,
  name: K,
  ...args: Parameters<Harness[K]>
): Promise<Awaited<ReturnType<Harness[K]>>> {
  return page.evaluate(
    async ({ name, args }) => {
      const harness = window.flexmaskHarness;
      if (!harness) throw new Error('harness not loaded');
      const fn = harness[name] as (...a: unknown[]) => unknown;
      return fn(...args);
    },
    { name, args },
  ) as Promise<Awaited<ReturnType<Harness[K]>>>;
}

/** Where the page's log of finished runs stood at some moment: its document, and its length. */
export interface RunMark {
  document: number;
  finished: number;
}

const watchingRuns = new WeakSet<Page>();

/**
 * Keeps the log of finished runs (testing/finishedRuns.mjs) in the page: in the document open
 * now, from this moment, and in every document the page opens later, from its first script.
 */
async function watchRuns(page: Page): Promise<void> {
  if (!watchingRuns.has(page)) {
    watchingRuns.add(page);
    await page.addInitScript(recordFinishedRuns);
  }
  await page.evaluate(recordFinishedRuns);
}

/** Marks how many runs the page has finished so far; take it before the edit. */
export async function finishedRuns(page: Page): Promise<RunMark> {
  await watchRuns(page);
  const log = await page.evaluate(readFinishedRuns);
  return { document: log.document, finished: log.finished.length };
}

/** How many runs the page has finished after `mark` (every run of a document opened since). */
export async function runsAfter(page: Page, mark: RunMark): Promise<number> {
  const log = await page.evaluate(readFinishedRuns);
  const now = log.finished.length;
  return log.document === mark.document ? now - mark.finished : now;
}

/** Waits for a run to finish after `mark` (taken before an edit), then for the state it shows. */
export async function waitForRunAfter(
  page: Page,
  mark: RunMark,
  state: 'done' | 'error' = 'done',
): Promise<void> {
  await expect
    .poll(async () => runsAfter(page, mark), { message: 'a run to finish after the edit' })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', state);
}

/** Opens the playground and waits for its first run and its editor. */
export async function openPlayground(page: Page): Promise<void> {
  await watchRuns(page);
  await page.goto('./');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('program-editor')).toHaveAttribute('data-ready', 'true');
}

/**
 * Injects an inline script into the page and reports whether it ran and which CSP directive
 * refused it (empty when none did).
 */
export async function injectInlineScript(page: Page): Promise<{ ran: boolean; violation: string }> {
  return page.evaluate(
    () =>
      new Promise<{ ran: boolean; violation: string }>((resolve) => {
        const probe = window as unknown as { injectedScriptRan?: boolean };
        let violation = '';
        document.addEventListener('securitypolicyviolation', (event) => {
          violation = event.violatedDirective;
        });
        const script = document.createElement('script');
        script.textContent = 'window.injectedScriptRan = true;';
        document.body.appendChild(script);
        setTimeout(() => resolve({ ran: probe.injectedScriptRan === true, violation }), 300);
      }),
  );
}

/** The page coordinates of the centre of cell (row, col) of the unzoomed figure. */
async function cellCentre(page: Page, row: number, col: number): Promise<{ x: number; y: number }> {
  const figure = page.getByTestId('figure');
  const rows = Number(await figure.getAttribute('data-rows'));
  const cols = Number(await figure.getAttribute('data-cols'));
  const overlay = page.getByTestId('figure-overlay');
  await overlay.scrollIntoViewIfNeeded();
  const box = await overlay.boundingBox();
  if (!box) throw new Error('figure overlay not visible');
  return {
    x: box.x + ((col + 0.5) * box.width) / cols,
    y: box.y + ((row + 0.5) * box.height) / rows,
  };
}

/** Points at cell (row, col) of the unzoomed figure. */
export async function hoverCell(page: Page, row: number, col: number): Promise<void> {
  const { x, y } = await cellCentre(page, row, col);
  await page.mouse.move(x, y);
}

/** Points at cell (row, col) of the unzoomed figure and clicks it. */
export async function clickCell(page: Page, row: number, col: number): Promise<void> {
  const { x, y } = await cellCentre(page, row, col);
  await page.mouse.move(x, y);
  await page.mouse.click(x, y);
}

/**
 * Starts recording the page's long main-thread tasks (the Long Tasks API reports every task over
 * 50 ms): in the document open now, from this moment, and in every document the page opens
 * later, from its first script.
 */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(recordLongTasks, true);
  await page.evaluate(recordLongTasks, false);
}

/** Page-side: starts this document's log of long tasks, unless it is already kept. */
function recordLongTasks(fromStart: boolean): void {
  const log = window as unknown as { flexmaskLongTasks?: { start: number; duration: number }[] };
  if (log.flexmaskLongTasks) return;
  const tasks: { start: number; duration: number }[] = [];
  log.flexmaskLongTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      tasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: fromStart });
}

/**
 * The long tasks that ended after `since` (the page's performance.now()), in whole
 * milliseconds, longest first.
 */
export async function longTasksSince(page: Page, since: number): Promise<number[]> {
  return page.evaluate((from) => {
    const log = window as unknown as { flexmaskLongTasks?: { start: number; duration: number }[] };
    return (log.flexmaskLongTasks ?? [])
      .filter((t) => t.start + t.duration > from)
      .map((t) => Math.round(t.duration))
      .sort((a, b) => b - a);
  }, since);
}

/**
 * The longest task, in whole milliseconds (0 when none), since watching began or the last call;
 * forgets the tasks it read, so each call starts a new measurement.
 */
export async function takeLongestTask(page: Page): Promise<number> {
  return page.evaluate(() => {
    const log = window as unknown as { flexmaskLongTasks?: { start: number; duration: number }[] };
    const tasks = log.flexmaskLongTasks ?? [];
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    tasks.length = 0;
    return Math.round(longest);
  });
}

/**
 * Writes a file for an upload into the test's output folder and returns its path. Tests upload
 * by path, as a user's file is given to the browser: Playwright hands a buffer to the page as
 * base64 that the page decodes byte by byte on its main thread (about 150-200 ms for a 1.7 MB
 * file), a long task of the test's own making that the long-task checks would count.
 */
export function fileOnDisk(name: string, bytes: Buffer): string {
  const path = test.info().outputPath(name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
