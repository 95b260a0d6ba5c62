// Step one of making golden links: writes a file for each case in cases.ts that has none yet,
// with the app's own encoder (loaded through Vite, so `?raw` preset imports work as in the app),
// and prints the figures the issue asks for (link lengths of the presets). Step two has the real
// page write each new link (e2e/write-golden.tool.ts, FLEXMASK_WRITE_GOLDEN=<files>), since
// Chromium's deflate may pick other bytes than Node's. Committed files are never touched.
// Run from the repository root: node app/url/golden/generate.mjs
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'vite';

const DIR = 'app/url/golden';

const server = await createServer({
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, watch: null },
  appType: 'custom',
});
try {
  const { goldenCases } = await server.ssrLoadModule(`/${DIR}/cases.ts`);
  const { encodeScenario, decodeHash, READABLE_MAX_CHARS } =
    await server.ssrLoadModule('/app/url/index.ts');
  let written = 0;
  for (const { name, scenario, embed } of goldenCases()) {
    const hash = await encodeScenario(scenario, { embed });
    const form = embed ? 'embed' : hash.includes('&z=') ? 'compressed' : 'readable';
    const file = join(DIR, `v1-${form}-${name}.json`);
    const decoded = await decodeHash(hash);
    if (
      decoded.problems.length > 0 ||
      JSON.stringify(decoded.scenario) !== JSON.stringify(scenario)
    ) {
      throw new Error(`${name}: the link does not decode to its scenario`);
    }
    const readable = hash.includes('&z=') ? 'compressed' : 'readable';
    console.log(`${file}: ${hash.length} characters (${readable})`);
    if (existsSync(file)) continue;
    writeFileSync(file, `${JSON.stringify({ hash, scenario, embed }, null, 2)}\n`);
    written++;
  }
  console.log(
    `wrote ${written} new golden links (readable up to ${READABLE_MAX_CHARS} characters)`,
  );
  await presetFigures();
} finally {
  await server.close();
}

/** The figures the issue asks for: each preset's link in both forms, at its example settings. */
async function presetFigures() {
  const { PRESETS } = await server.ssrLoadModule('/app/mask/presets.ts');
  const { presetScenario } = await server.ssrLoadModule(`/${DIR}/cases.ts`);
  const { encodeQuery } = await server.ssrLoadModule('/app/url/encode.ts');
  const { deflateRaw } = await server.ssrLoadModule('/app/url/compress.ts');
  const { bytesToBase64url } = await server.ssrLoadModule('/app/url/base64url.ts');
  const rows = [];
  for (const preset of PRESETS) {
    const query = encodeQuery(presetScenario(preset.id, 'scores'));
    const compressed = `#v=1&z=${bytesToBase64url(await deflateRaw(query))}`;
    rows.push({
      id: preset.id,
      source: preset.source.length,
      readable: query.length + 1,
      compressed: compressed.length,
    });
  }
  const longest = rows.reduce((a, b) => (b.readable > a.readable ? b : a));
  const largest = rows.reduce((a, b) => (b.source > a.source ? b : a));
  const kept = rows
    .filter((r) => r.readable <= 1500)
    .reduce((a, b) => (b.readable > a.readable ? b : a));
  console.log(
    `longest readable form of a preset link: ${longest.id}, ${longest.readable} characters`,
  );
  console.log(
    `longest preset link the app writes readable: ${kept.id}, ${kept.readable} characters`,
  );
  console.log(
    `largest preset: ${largest.id} (${largest.source} characters of program): ${largest.readable} readable, ${largest.compressed} compressed`,
  );
}
