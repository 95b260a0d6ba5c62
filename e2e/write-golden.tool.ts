import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../app/problem';
import { decodeHash } from '../app/url';

// Step two of making golden links (step one: node app/url/golden/generate.mjs). The page itself
// writes each link: it opens the scenario, the view tabs move away and back so the app rewrites
// its hash, or the share dialog gives the embed link. Run once, by hand, before committing new
// golden files; committed ones are never rewritten:
//   FLEXMASK_WRITE_GOLDEN=v1-readable-causal-scores.json,... node scripts/run-e2e.mjs --project=tools
// It is a tool, not a test: playwright.config.ts adds its project only when that variable is set.

const DIR = 'app/url/golden';
const WANTED = (process.env.FLEXMASK_WRITE_GOLDEN ?? '').split(',').filter(Boolean);

interface Golden {
  hash: string;
  scenario: Scenario;
  embed: boolean;
}

async function pageHash(page: Page): Promise<string> {
  return page.evaluate(() => window.location.hash);
}

/** The link the page writes for the scenario it shows (after a round trip through another tab). */
async function linkThePageWrites(page: Page, golden: Golden): Promise<string> {
  await page.goto('about:blank');
  await page.goto(`./${golden.hash.replace('&embed=1', '')}`);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  const tabs = page.getByRole('tablist', { name: 'View' }).getByRole('tab');
  const other = golden.scenario.view === 'probs' ? 0 : 1;
  await tabs.nth(other).click();
  await expect.poll(() => pageHash(page)).not.toBe(golden.hash.replace('&embed=1', ''));
  await page.locator(`#tab-${golden.scenario.view}`).click();
  await expect
    .poll(async () => (await decodeHash(await pageHash(page))).scenario)
    .toEqual(golden.scenario);
  if (!golden.embed) return pageHash(page);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const snippet = await page.getByTestId('share-embed').inputValue();
  const src = /src="([^"]*)"/.exec(snippet)?.[1] ?? '';
  return `#${src.split('#')[1]}`.replace(/&amp;/g, '&');
}

test('the page writes the golden links', async ({ page }) => {
  test.setTimeout(600_000);
  const files = WANTED.includes('all')
    ? readdirSync(DIR).filter((f) => f.endsWith('.json'))
    : WANTED;
  for (const file of files) {
    const path = join(DIR, file);
    const golden = JSON.parse(readFileSync(path, 'utf8')) as Golden;
    const hash = await linkThePageWrites(page, golden);
    const decoded = await decodeHash(hash);
    expect(decoded.problems, file).toEqual([]);
    expect(decoded.scenario, file).toEqual(golden.scenario);
    expect(decoded.embed, file).toBe(golden.embed);
    writeFileSync(path, `${JSON.stringify({ ...golden, hash }, null, 2)}\n`);
    console.log(`${file}: ${hash.length} characters${hash === golden.hash ? '' : ' (rewritten)'}`);
  }
});
