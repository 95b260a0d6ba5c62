import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CODE, DEFAULT_SCENARIO, type Scenario } from '../app/problem';
import { decodeHash, encodeScenario, scenarioFromJson } from '../app/url';
import { seededFloats } from '../testing/randomScenarios';
import { finishedRuns, injectInlineScript, runsAfter, watchErrors } from './helpers';

// Share links in the real page: the address bar follows the scenario without adding history,
// broken links open with their problems named, the share dialog, uploads, embeds and the CSP.

const GOLDEN_DIR = 'app/url/golden';

interface Golden {
  file: string;
  hash: string;
  scenario: Scenario;
  embed: boolean;
}

function golden(file: string): Golden {
  const parsed = JSON.parse(readFileSync(join(GOLDEN_DIR, file), 'utf8')) as Omit<Golden, 'file'>;
  return { file, ...parsed };
}

const VIEW_TABS = {
  scores: 'Scores',
  probs: 'Probabilities',
  mask: 'Mask',
  blocks: 'Blocks',
  output: 'Output',
} as const;

async function waitDone(page: Page): Promise<void> {
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
}

/**
 * The editor's whole document. CodeMirror draws only the lines in view, so the text is read
 * from its state (`cmTile` is how EditorView.findFromDOM finds the view from its DOM).
 */
async function editorText(page: Page): Promise<string> {
  await expect(page.getByTestId('program-editor')).toHaveAttribute('data-ready', 'true');
  const text = await page.evaluate(() => {
    interface Tiled {
      cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } };
    }
    const content = document.querySelector('.cm-content') as (Element & Tiled) | null;
    return content?.cmTile?.root?.view?.state.doc.toString() ?? null;
  });
  if (text === null) throw new Error('cannot read the editor document');
  return text.trimEnd();
}

async function currentHash(page: Page): Promise<string> {
  return page.evaluate(() => window.location.hash);
}

/** The page shows `scenario`: its program in the editor, its sizes, its view, and a picture. */
async function expectScenarioOnPage(page: Page, scenario: Scenario): Promise<void> {
  await waitDone(page);
  expect(await editorText(page)).toBe(scenario.code.trimEnd());
  await expect(page.getByTestId('shape-Q')).toHaveValue(String(scenario.Q));
  await expect(page.getByTestId('shape-KV')).toHaveValue(String(scenario.KV));
  await expect(page.getByTestId('shape-H')).toHaveValue(String(scenario.H));
  await expect(page.getByTestId('figure')).toHaveAttribute('data-view', scenario.view);
  await expect(page.getByRole('tab', { name: VIEW_TABS[scenario.view] })).toHaveAttribute(
    'aria-selected',
    'true',
  );
}

test('an edit rewrites the hash in place (no history entries), and Back leaves the app', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('about:blank');
  await page.goto('./');
  await waitDone(page);
  const historyBefore = await page.evaluate(() => window.history.length);
  expect(await currentHash(page)).toBe('');

  await page.getByRole('tab', { name: 'Probabilities' }).click();
  await expect.poll(() => currentHash(page)).toBe('#v=1&view=probs');
  const before = await finishedRuns(page);
  await page.getByTestId('shape-Q').fill('16');
  await expect.poll(() => currentHash(page)).toBe('#v=1&Q=16&view=probs');
  await expect.poll(() => runsAfter(page, before)).toBeGreaterThan(0);
  await page.getByTestId('seed').fill('7');
  await expect.poll(() => currentHash(page)).toBe('#v=1&Q=16&seed=7&view=probs');

  expect(await page.evaluate(() => window.history.length)).toBe(historyBefore);
  await page.goBack();
  await expect(page).toHaveURL('about:blank');
  expect(errors).toEqual([]);
});

test('a broken link names its problem and opens the default for that part', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('./#v=1&Q=-5&view=mask&bogus=1');
  const banner = page.getByTestId('link-problems');
  await expect(banner).toBeVisible();
  await expect(banner.locator('li[data-field="Q"]')).toHaveText(
    'Q=-5 in the link: Q must be a whole number from 1 to 65536. Opened with the default Q instead.',
  );
  await expect(banner).toContainText('Unknown parameter in the link, ignored: bogus');
  await expectScenarioOnPage(page, { ...DEFAULT_SCENARIO, view: 'mask' });
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);

  // A link the whole of which is unreadable opens the default scenario, and says why.
  await page.goto('./#v=9&Q=64');
  await expect(page.getByTestId('link-problems')).toContainText('schema v=9');
  await expect(page.getByTestId('link-problems')).toContainText(
    'Opened the default scenario instead.',
  );
  await expectScenarioOnPage(page, DEFAULT_SCENARIO);
  expect(errors).toEqual([]);
});

test('golden links open to their scenario in the real page', async ({ page }) => {
  const errors = watchErrors(page);
  const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json') && !f.includes('embed'));
  const chosen = [
    'v1-readable-alibi-every-field.json',
    'v1-compressed-tree-probs.json',
    'v1-compressed-document-and-padding-plus-soft-cap-scores.json',
    'v1-readable-natten-2d-mask.json',
  ];
  for (const file of chosen) expect(files).toContain(file);
  for (const file of chosen) {
    const link = golden(file);
    await page.goto(`./${link.hash}`);
    await expectScenarioOnPage(page, link.scenario);
    await expect(page.getByTestId('link-problems')).toHaveCount(0);
    if (link.scenario.view !== 'blocks' && link.scenario.view !== 'output') {
      await expect(page.getByTestId('figure')).toHaveAttribute('data-rows', `${link.scenario.Q}`);
    }
  }
  expect(errors).toEqual([]);
});

test('the gallery and the view tabs write exactly the golden links', async ({ page }) => {
  const cases: [string, string[]][] = [
    ['v1-readable-sliding-window-probs.json', ['Use sliding_window']],
    ['v1-compressed-tree-probs.json', ['Use tree']],
    [
      'v1-compressed-causal-and-sliding-window-and-document-probs.json',
      ['Use causal', 'AND sliding_window', 'AND document'],
    ],
  ];
  for (const [file, clicks] of cases) {
    const link = golden(file);
    await page.goto('./');
    await waitDone(page);
    for (const click of clicks) {
      const [action, id] = click.split(' ');
      const buttons = page.getByTestId(`preset-${id}`).getByRole('button');
      await buttons.filter({ hasText: new RegExp(`^${action}$`) }).click();
    }
    await page.getByRole('tab', { name: VIEW_TABS[link.scenario.view] }).click();
    if (!link.hash.includes('&z=')) {
      await expect.poll(() => currentHash(page), { message: file }).toBe(link.hash);
      continue;
    }
    // deflate's bytes may differ between zlib builds; what must match is what the link opens.
    await expect.poll(() => currentHash(page), { message: file }).toMatch(/^#v=1&z=/);
    await expect
      .poll(async () => (await decodeHash(await currentHash(page))).scenario, { message: file })
      .toEqual(link.scenario);
  }
});

/** A program whose link stays long even compressed: a comment of seeded random letters. */
function longScenario(seed: number): Scenario {
  const rand = seededFloats(seed);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const lines: string[] = [];
  for (let i = 0; i < 140; i++) {
    let line = '# ';
    for (let j = 0; j < 70; j++) line += alphabet[Math.floor(rand() * alphabet.length)];
    lines.push(line);
  }
  return { ...DEFAULT_SCENARIO, code: `${lines.join('\n')}\n${DEFAULT_CODE}`, Q: 12, KV: 12 };
}

test('the share dialog copies the link, warns past 8,000 characters, and round-trips JSON', async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./#v=1&Q=12&KV=12');
  await waitDone(page);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByTestId('share-dialog');
  await expect(dialog.getByTestId('share-copy-status')).toHaveText('Copied the link.');
  const url = await dialog.getByTestId('share-url').inputValue();
  expect(url).toMatch(/^http:\/\/localhost:\d+\/#v=1&Q=12&KV=12$/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(dialog.getByTestId('share-length')).toHaveAttribute('data-length', `${url.length}`);
  await expect(dialog.getByTestId('share-length')).toContainText(`${url.length} characters`);
  await expect(dialog.getByTestId('share-too-long')).toHaveCount(0);
  await expect(dialog.getByTestId('share-uploads')).toContainText(
    'Uploaded tensors are not put in links',
  );
  const snippet = await dialog.getByTestId('share-embed').inputValue();
  expect(snippet).toBe(
    `<iframe src="${url.replace(/&/g, '&amp;')}&amp;embed=1" width="720" height="560" title="flexmask figure" loading="lazy" style="border: 0"></iframe>`,
  );
  // A fresh program each run; its seed is in the failure message so a failure can be replayed.
  const seed = Math.floor(Math.random() * 2 ** 31);
  const long = longScenario(seed);
  const longHash = await encodeScenario(long);
  expect(longHash.length, `seed ${seed}`).toBeGreaterThan(8000);
  await page.goto(`./${longHash}`);
  await expectScenarioOnPage(page, long);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(dialog.getByTestId('share-too-long')).toContainText('chat apps');
  await page.screenshot({ path: 'test-results-share/share-dialog.png' });
  const longLength = Number(await dialog.getByTestId('share-length').getAttribute('data-length'));
  expect(longLength, `seed ${seed}`).toBeGreaterThan(8000);

  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Download scenario as JSON' }).click();
  const download = await downloading;
  const path = await download.path();
  const json = readFileSync(path, 'utf8');
  expect(scenarioFromJson(json)).toMatchObject({ scenario: long, problems: [] });

  // Move away, then open the file: the long scenario comes back, and the hash follows it.
  await page.goto('./#v=1&Q=20');
  await waitDone(page);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const broken = '{"v": 1, "Q": -3, "code": 12}';
  await dialog.getByTestId('share-open-json').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(broken),
  });
  const fileError = dialog.getByTestId('share-file-error');
  await expect(fileError).toContainText('the page is unchanged');
  await expect(fileError).toContainText('"Q": -3 in the file');
  await expect(fileError).toContainText('code in the file is 12: code must be text.');
  await expect(fileError).not.toContainText('Opened');
  expect(await currentHash(page)).toBe('#v=1&Q=20');
  await dialog.getByTestId('share-open-json').setInputFiles({
    name: 'flexmask_scenario.json',
    mimeType: 'application/json',
    buffer: Buffer.from(json),
  });
  await expect(dialog.getByTestId('share-file-opened')).toContainText('flexmask_scenario.json');
  // The hash follows (compressed by the browser's zlib, so compared by what it opens).
  await expect.poll(() => currentHash(page)).toMatch(/^#v=1&z=/);
  await expect.poll(async () => (await decodeHash(await currentHash(page))).scenario).toEqual(long);
  await page.getByRole('button', { name: 'Close' }).click();
  await expectScenarioOnPage(page, long);
  expect(errors).toEqual([]);
});

test('uploaded inputs are named as random stand-ins, in the dialog and by the link', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('./#v=1&H=2&HKV=2');
  await waitDone(page);
  const before = await finishedRuns(page);
  await page.getByTestId('upload-input-q').setInputFiles({
    name: 'q.npy',
    mimeType: 'application/octet-stream',
    buffer: readFileSync('e2e/fixtures/q.npy'),
  });
  await expect.poll(() => runsAfter(page, before)).toBeGreaterThan(0);
  await expect.poll(() => currentHash(page)).toBe('#v=1&H=2&HKV=2&uploaded=q');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByTestId('share-dialog');
  await expect(dialog.getByTestId('share-uploads')).toContainText(
    'This link replaces your uploaded Q with random stand-ins drawn with seed 0',
  );
  const url = await dialog.getByTestId('share-url').inputValue();
  expect(url.endsWith('#v=1&H=2&HKV=2&uploaded=q')).toBe(true);

  // Whoever opens the link is told.
  await page.goto('about:blank');
  await page.goto(url);
  await expect(page.getByTestId('link-stand-ins')).toHaveText(
    "This link was made with uploaded Q, which links do not carry; here it is a random stand-in drawn with seed 0, so the numbers differ from the author's.",
  );
  await waitDone(page);
  expect(errors).toEqual([]);
});

test('embed=1 shows the figure alone, fitted to its frame, with a link to the full app', async ({
  page,
}) => {
  const errors = watchErrors(page);
  const link = golden('v1-embed-sliding-window-mask.json');
  await page.setViewportSize({ width: 480, height: 360 });
  await page.goto(`./${link.hash}`);
  const embed = page.getByTestId('embed-page');
  await expect(embed).toBeVisible();
  const figure = page.getByTestId('figure');
  await expect(figure).toHaveAttribute('data-view', 'mask');
  await expect(figure).toHaveAttribute('data-rows', '12');
  await expect(page.getByTestId('figure-title')).toBeVisible();
  await expect(page.getByTestId('colour-bar')).toBeVisible();
  // Minimal chrome: no header, editor, gallery, tabs or share button.
  await expect(page.getByRole('heading', { name: 'flexmask' })).toHaveCount(0);
  await expect(page.getByTestId('program-editor')).toHaveCount(0);
  await expect(page.getByRole('tab')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0);
  // The whole figure is inside the frame.
  await expect
    .poll(async () => {
      const box = await figure.boundingBox();
      return box !== null && box.y >= 0 && box.y + box.height <= 360 && box.width <= 480;
    })
    .toBe(true);
  const open = page.getByTestId('embed-open');
  await expect(open).toHaveAttribute('target', '_blank');
  await expect(open).toHaveAttribute('rel', 'noopener');
  const href = await open.getAttribute('href');
  expect(href).toMatch(/^http:\/\/localhost:\d+\/#/);
  expect(`#${(href ?? '').split('#')[1]}`).toBe(link.hash.replace('&embed=1', ''));
  // An embed never rewrites its own address.
  await page.waitForTimeout(500);
  expect(await currentHash(page)).toBe(link.hash);
  await page.screenshot({ path: 'test-results-share/embed.png' });
  expect(errors).toEqual([]);
});

test("a teaching embed link opens on its preset: the link's own decode does not undo it", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('./#v=1&embed=1&panel=explain&preset=causal&q=3&kv=1');
  await expect(page.getByTestId('teaching-embed')).toBeVisible();
  await expect(page.getByTestId('figure')).toHaveAttribute('data-rows', '12');
  // Nothing later (the device re-check, the hash writer) puts the link's default scenario back.
  await page.waitForTimeout(700);
  await expect(page.getByTestId('figure')).toHaveAttribute('data-rows', '12');
  expect(errors).toEqual([]);
});

test('the CSP of the production build refuses an injected inline script', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto('./#v=1&code=%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  await expect(page.getByTestId('link-problems')).toHaveCount(0);
  const outcome = await injectInlineScript(page);
  expect(outcome.ran).toBe(false);
  expect(outcome.violation).toMatch(/^script-src/);
  // The program text from the link is shown as text, never run: no dialog opened.
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'error');
  expect(await editorText(page)).toBe('</script><script>alert(1)</script>');
  expect(dialogs).toEqual([]);
});
