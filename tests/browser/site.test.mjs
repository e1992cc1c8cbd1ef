// Real-browser tests of the published site (issue: publish & embed): the folder written by
// `starmap build` itself — viewer bundle embedded in the binary, title filled in — served by
// `starmap serve`, from a deep subpath, and inside iframes of a host page (one 600×400 embed,
// and two embeds on one page), and opened from disk. run.sh builds tests/browser/out/films-site.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { open, pixelStats } from './helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const OUT = path.join(HERE, 'out');
const SITE = path.join(OUT, 'films-site');
// The same map as one file (`starmap demo --single-file`).
const SINGLE = path.join(OUT, 'films.html');
const HOST = path.join(OUT, 'host');
// The starmap that run.sh used: STARMAP_BIN_DIR when set, else the cargo target folder's.
const BIN = process.env.STARMAP_BIN_DIR || path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'release');
const STARMAP = path.join(BIN, 'starmap');
const FILM = 'Casablanca';

let server;
let browser;

function hostPage(frames) {
  const iframes = frames
    .map(
      ([w, h], i) =>
        `<iframe id="f${i}" src="/blog/maps/films/?embed=1" title="Films map ${i + 1}" width="${w}" height="${h}" style="border:0"></iframe>`,
    )
    .join('\n<p>Some text between the maps.</p>\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog post</title></head>
<body style="margin:16px;font-family:sans-serif"><h1>Films that share actors</h1>
${iframes}
</body></html>`;
}

before(async () => {
  assert.ok(fs.existsSync(path.join(SITE, 'index.html')), `${SITE} missing: run tests/browser/run.sh`);
  fs.mkdirSync(HOST, { recursive: true });
  fs.writeFileSync(path.join(HOST, 'one.html'), hostPage([[600, 400]]));
  fs.writeFileSync(path.join(HOST, 'two.html'), hostPage([[600, 400], [480, 360]]));
  server = await serve([
    ['/blog/maps/films/', SITE],
    ['/host/', HOST],
  ]);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the viewer inside `frame` is ready (or shows an error, which fails). */
async function frameReady(frame) {
  await frame.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), null, { timeout: 90000 });
  const state = await frame.evaluate(() => document.body.dataset.state);
  if (state === 'error') throw new Error(await frame.evaluate(() => document.getElementById('error').textContent));
}

/** Point-coloured pixels in a screenshot of `locator` (an iframe element or the canvas). */
async function brightPixels(page, locator) {
  return (await pixelStats(page, (await locator.screenshot()).toString('base64'))).blue;
}

describe('the site written by starmap build', () => {
  it('starmap serve serves it and prints the URL; the page has the build title', async () => {
    const child = spawn(STARMAP, ['serve', SITE, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (b) => {
          out += b;
          const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`starmap serve exited with ${code}: ${out}`)));
        setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10000);
      });
      const page = await open(browser, url);
      assert.equal(await page.title(), 'Films × cast');
      const description = await page.getAttribute('meta[name=description]', 'content');
      assert.match(description, /films/i);
      assert.ok((await brightPixels(page, page.locator('#map'))) > 2000, 'points drawn');
      const wasm = await page.evaluate(async () => {
        const name = [...performance.getEntriesByType('resource')].map((e) => e.name).find((n) => n.endsWith('.wasm'));
        return (await fetch(name)).headers.get('content-type');
      });
      assert.equal(wasm, 'application/wasm');
      assert.deepEqual(page.errors, []);
      await page.close();
    } finally {
      child.kill();
    }
  });

  it('works from a subpath: draws points and finds a film by search', async () => {
    const page = await open(browser, `${server.url}/blog/maps/films/`);
    assert.ok((await brightPixels(page, page.locator('#map'))) > 2000, 'points drawn');
    await page.keyboard.press('/');
    await page.keyboard.type(FILM);
    const first = page.locator('#results [role=option]').first();
    await first.waitFor();
    assert.match(await first.textContent(), new RegExp(FILM));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('inside a 600×400 iframe of a host page: renders, and a search opens the details', async () => {
    const page = await open(browser, `${server.url}/host/one.html`, { waitFor: null });
    const frame = page.frame({ url: /blog\/maps\/films/ });
    assert.ok(frame, 'iframe loaded');
    await frameReady(frame);
    assert.ok((await brightPixels(page, page.locator('#f0'))) > 1000, 'points drawn in the iframe');
    // Minimal chrome: the side panel is not shown in the embed view.
    assert.equal(await frame.locator('#panel').isVisible(), false, 'side panel hidden in embed view');
    const canvas = await frame.locator('#map').boundingBox();
    assert.ok(canvas.width >= 590 && canvas.height >= 390, `canvas fills the iframe: ${JSON.stringify(canvas)}`);
    await frame.locator('#search').fill(FILM);
    await frame.locator('#results [role=option]').first().waitFor();
    await frame.locator('#search').press('Enter');
    const details = frame.locator('[role=region][aria-label=Details]');
    await details.waitFor({ state: 'visible' });
    assert.match(await details.textContent(), new RegExp(FILM));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('two embeds on one page both render', async () => {
    const page = await open(browser, `${server.url}/host/two.html`, { waitFor: null });
    await page.waitForFunction(() => document.querySelectorAll('iframe').length === 2);
    const frames = page.frames().filter((f) => /blog\/maps\/films/.test(f.url()));
    assert.equal(frames.length, 2);
    await Promise.all(frames.map(frameReady));
    for (const id of ['#f0', '#f1']) {
      await page.locator(id).scrollIntoViewIfNeeded();
      assert.ok((await brightPixels(page, page.locator(id))) > 800, `points drawn in ${id}`);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('opened from disk (file://), it says in plain text how to open it instead', async () => {
    const page = await open(browser, `file://${SITE}/index.html`, { waitFor: null });
    const note = page.locator('#notice[role="alert"]');
    await note.waitFor({ state: 'visible', timeout: 15000 });
    const text = await note.innerText();
    assert.match(text, /opened through a web server/);
    assert.ok(text.includes(`starmap serve "${SITE}"`), text);
    assert.match(text, /python3 -m http\.server/);
    assert.match(text, /--single-file/, 'the one-file alternative is named');
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
    assert.equal(await page.locator('#loading').isVisible(), false, 'no "Loading map…" left spinning');
    // It covers the page, on top of the unstyled panel.
    const box = await note.boundingBox();
    assert.ok(box && box.x === 0 && box.y === 0 && box.width >= 1200 && box.height >= 800, JSON.stringify(box));
    await page.close();
  });

  it('as one file (--single-file), it opens from disk: draws, searches, and reads no other file', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const url = `file://${SINGLE}`;
    await page.goto(url);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), null, { timeout: 90000 });
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', await page.evaluate(() => document.getElementById('error').textContent));
    assert.equal(await page.locator('#notice').count(), 0, 'no "open it through a server" notice');
    assert.ok((await brightPixels(page, page.locator('#map'))) > 3000, 'the points are drawn');
    await page.keyboard.press('/');
    await page.keyboard.type(FILM);
    await page.waitForSelector('#results [role=option]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    assert.equal(await page.textContent('#details-title'), FILM);
    const outside = requests.filter((r) => r !== url && !r.startsWith('data:'));
    assert.deepEqual(outside, [], 'everything comes from the one file');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
