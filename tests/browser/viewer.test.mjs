// Real-browser tests of the viewer: headless Chromium (SwiftShader WebGL2) on the films demo map
// built by `starmap build`, served over 127.0.0.1 at "/" and under a deep subpath. run.sh
// prepares tests/browser/out/ (the site, a tiny map with a hostile title, broken maps).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { open, waitState, afterFrame, mapPixels, mapSnapshot, pixelDiff, text, data } from './helpers.mjs';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
const HOSTILE = '<img src=x onerror=alert(1)>';
// Casablanca: a well-known film of the demo data.
const FILM = { id: 'tt0034583', title: 'Casablanca' };

let server;
let browser;
let base;

before(async () => {
  server = await serve([
    ['/', path.join(OUT, 'site')],
    ['/blog/maps/films/', path.join(OUT, 'site')],
    ['/data/xss/', path.join(OUT, 'xss')],
    ['/data/truncated/', path.join(OUT, 'truncated')],
    ['/data/version/', path.join(OUT, 'version')],
  ]);
  base = server.url;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function searchAndOpen(page, query) {
  await page.keyboard.press('/');
  await page.keyboard.type(query);
  await page.waitForSelector('#results [role=option]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#details:not([hidden])');
}

describe('viewer on the films map', () => {
  it('draws the points (bright pixels in a screenshot)', async () => {
    const page = await open(browser, `${base}/`);
    const px = await mapPixels(page);
    assert.ok(px.bright > 3000, `only ${px.bright} bright pixels of ${px.total}`);
    const manifest = await page.evaluate(() => fetch('manifest.json').then((r) => r.json()));
    assert.equal(Number(await data(page, 'shown')), manifest.entity_count);
    assert.ok(manifest.entity_count > 10000, 'the films map');
    const title = await page.title();
    assert.ok(title.length > 0 && !title.includes('__STARMAP'), `document.title is ${title}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('reports load progress, handles HiDPI, idles without redrawing', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 600 }, deviceScaleFactor: 2 });
    await page.goto(`${base}/`);
    await waitState(page, 'ready');
    const manifest = await page.evaluate(() => fetch('manifest.json').then((r) => r.json()));
    const total = manifest.files.reduce((s, f) => s + f.bytes, 0);
    assert.equal(Number(await data(page, 'loadedBytes')), total, 'progress counts every byte');
    assert.equal(await page.locator('#loading').isVisible(), false);
    const size = await page.evaluate(() => [document.getElementById('map').width, document.getElementById('map').height]);
    assert.deepEqual(size, [1800, 1200], 'drawing buffer at device pixels');
    const before = Number(await data(page, 'frames'));
    await page.waitForTimeout(1000);
    assert.equal(Number(await data(page, 'frames')), before, 'no frames while idle');
    await page.close();
  });

  it('filters and colour-by re-upload attributes only, never positions', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    // Count buffer uploads by usage: positions are STATIC_DRAW, attributes DYNAMIC_DRAW.
    await page.addInitScript(() => {
      window.__uploads = { static: 0, dynamic: 0 };
      const orig = WebGL2RenderingContext.prototype.bufferData;
      WebGL2RenderingContext.prototype.bufferData = function (target, data, usage, ...rest) {
        if (usage === this.STATIC_DRAW) window.__uploads.static++;
        if (usage === this.DYNAMIC_DRAW) window.__uploads.dynamic++;
        return orig.call(this, target, data, usage, ...rest);
      };
    });
    await page.goto(`${base}/`);
    await waitState(page, 'ready');
    const at = await page.evaluate(() => ({ ...window.__uploads }));
    assert.equal(at.static, 1, 'positions uploaded once');
    await afterFrame(page, () => page.selectOption('#color-by', { label: 'genre' }));
    await afterFrame(page, () => page.click('#reset-filters'));
    await page.locator('#filters summary', { hasText: 'genre' }).click();
    await afterFrame(page, () =>
      page.locator('#filters details', { has: page.locator('summary', { hasText: 'genre' }) }).locator('button[data-action=none]').click(),
    );
    const after = await page.evaluate(() => ({ ...window.__uploads }));
    assert.equal(after.static, 1, 'no position re-upload');
    assert.ok(after.dynamic > at.dynamic, 'attributes re-uploaded');
    await page.close();
  });

  it('lists a typed title first; Enter opens its details and neighbours', async () => {
    const page = await open(browser, `${base}/`);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search', '/ focuses search');
    await page.keyboard.type(FILM.title.toLowerCase());
    const first = page.locator('#results [role=option]').first();
    await first.waitFor();
    assert.equal(await first.locator('.name').textContent(), FILM.title);
    assert.equal(await page.getAttribute('#results', 'role'), 'listbox');
    assert.equal(await page.getAttribute('#search', 'aria-label'), 'Search');
    const count = await page.locator('#results [role=option]').count();
    assert.ok(count >= 1 && count <= 20, `${count} results`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    assert.equal(await text(page, '#details-title'), FILM.title);
    assert.equal(await page.getAttribute('#details', 'role'), 'region');
    assert.equal(await page.getAttribute('#details', 'aria-label'), 'Details');
    await page.waitForSelector('#neighbors button');
    assert.ok((await page.locator('#neighbors button').count()) >= 3);
    const fields = await page.locator('#details-fields dt').allTextContents();
    for (const col of ['year', 'genre', 'director']) assert.ok(fields.includes(col), `details lack ${col}: ${fields}`);
    assert.equal(await data(page, 'selected'), FILM.id);
    await page.waitForFunction((id) => location.hash.includes(`s=${id}`), FILM.id);
    await page.close();
  });

  it('"/" on the page re-opens the results of the text in the search box (its focus event is not lost)', async () => {
    // Regression: "/" moved the focus while the viewer's state was borrowed, and the search
    // box's `focus` listener, which searches again, was dropped.
    const page = await open(browser, `${base}/`);
    await page.keyboard.press('/');
    await page.keyboard.type('casabl');
    await page.waitForSelector('#results [role=option]');
    // Enter opens the first match and closes the list; the text stays in the box.
    await page.keyboard.press('Enter');
    await page.waitForSelector('#results', { state: 'hidden' });
    assert.equal(await text(page, '#details-title'), FILM.title);
    await page.focus('#map');
    assert.notEqual(await page.evaluate(() => document.activeElement.id), 'search', 'the box lost the focus');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
    assert.equal(await page.inputValue('#search'), 'casabl', '"/" is not typed into the box');
    await page.waitForSelector('#results:not([hidden]) [role=option]', { timeout: 5000 });
    assert.equal(await page.locator('#results [role=option] .name').first().textContent(), FILM.title);
    assert.equal(await page.getAttribute('#search', 'aria-expanded'), 'true');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('clicking a neighbour moves the selection; back returns to the previous one', async () => {
    const page = await open(browser, `${base}/`);
    await searchAndOpen(page, FILM.title);
    await page.waitForSelector('#neighbors button');
    const neighbour = await page.locator('#neighbors button').first().textContent();
    await page.locator('#neighbors button').first().click();
    await page.waitForFunction((t) => document.getElementById('details-title').textContent === t, neighbour);
    const selected = await data(page, 'selected');
    assert.notEqual(selected, FILM.id);
    await page.waitForFunction((id) => location.hash.includes(`s=${id}`), selected);
    await page.goBack();
    await page.waitForFunction((id) => document.body.dataset.selected === id, FILM.id);
    assert.equal(await text(page, '#details-title'), FILM.title);
    await page.goForward();
    await page.waitForFunction((id) => document.body.dataset.selected === id, selected);
    // Esc closes the details.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#details', { state: 'hidden' });
    await page.close();
  });

  it('a category filter dims points: fewer bright pixels, "N of M shown"', async () => {
    const page = await open(browser, `${base}/`);
    const before = await mapPixels(page);
    const total = Number(await data(page, 'shown'));
    await page.locator('#filters details[data-col] summary', { hasText: 'genre' }).click();
    const genre = page.locator('#filters details', { has: page.locator('summary', { hasText: 'genre' }) });
    await afterFrame(page, () => genre.locator('button[data-action=none]').click());
    assert.equal(Number(await data(page, 'shown')), 0);
    await afterFrame(page, () => genre.locator('label.filter-cat', { hasText: 'Horror' }).locator('input').check());
    const shown = Number(await data(page, 'shown'));
    assert.ok(shown > 100 && shown < total / 3, `shown ${shown} of ${total}`);
    const [, a, b] = (await text(page, '#shown')).match(/^([\d,]+) of ([\d,]+) shown$/);
    assert.deepEqual([Number(a.replaceAll(',', '')), Number(b.replaceAll(',', ''))], [shown, total]);
    const after = await mapPixels(page);
    assert.ok(after.bright < before.bright * 0.6, `bright pixels ${before.bright} -> ${after.bright}`);
    assert.ok(after.bright > 0, 'the matching points stay bright');
    // The filter is in the URL, and reset brings everything back.
    assert.match(await page.evaluate(() => location.hash), /f=genre=Horror/);
    await afterFrame(page, () => page.click('#reset-filters'));
    assert.equal(Number(await data(page, 'shown')), total);
    await page.close();
  });

  it('a numeric range filter dims points outside it', async () => {
    const page = await open(browser, `${base}/`);
    const total = Number(await data(page, 'shown'));
    await page.locator('#filters summary', { hasText: 'year' }).click();
    const lo = page.locator('input[aria-label="year minimum"]');
    await lo.focus();
    // Keyboard on the slider: End then a few steps back keeps only the most recent years.
    await afterFrame(page, () => page.keyboard.press('End'));
    for (let i = 0; i < 100; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(200);
    const shown = Number(await data(page, 'shown'));
    assert.ok(shown > 0 && shown < total, `shown ${shown} of ${total}`);
    assert.match(await page.evaluate(() => location.hash), /f=year:\d/);
    await page.close();
  });

  it('colour-by changes pixels and shows a legend; numeric colour-by shows a ramp', async () => {
    const page = await open(browser, `${base}/`);
    const a = await mapSnapshot(page);
    await afterFrame(page, () => page.selectOption('#color-by', { label: 'genre' }));
    const b = await mapSnapshot(page);
    const diff = await pixelDiff(page, a, b);
    assert.ok(diff > 2000, `only ${diff} pixels changed`);
    const entries = await page.locator('#legend button[data-legend]').count();
    assert.ok(entries >= 5, `${entries} legend entries`);
    // Clicking a legend entry toggles (dims) that category.
    const total = Number(await data(page, 'shown'));
    await afterFrame(page, () => page.locator('#legend button[data-legend]').first().click());
    assert.ok(Number(await data(page, 'shown')) < total);
    assert.equal(await page.getAttribute('#legend button[data-legend="0"]', 'aria-pressed'), 'false');
    await afterFrame(page, () => page.selectOption('#color-by', { label: 'year' }));
    await page.waitForSelector('#legend .ramp');
    const c = await mapSnapshot(page);
    assert.ok((await pixelDiff(page, b, c)) > 2000);
    assert.match(await page.evaluate(() => location.hash), /c=year/);
    await page.close();
  });

  it('a deep link restores selection, colour-by, filters and view', async () => {
    const hash = `#v=0.5,0.5,2&s=${FILM.id}&c=genre&f=genre=Horror|Comedy`;
    const page = await open(browser, `${base}/${hash}`);
    await page.waitForSelector('#details:not([hidden])');
    assert.equal(await text(page, '#details-title'), FILM.title);
    assert.equal(await page.inputValue('#color-by'), await page.evaluate(() => {
      const o = [...document.querySelectorAll('#color-by option')].find((o) => o.textContent === 'genre');
      return o.value;
    }));
    const shown = Number(await data(page, 'shown'));
    assert.ok(shown > 0 && shown < 14000, `shown ${shown}`);
    // The restored state is written back unchanged (zoom 2 relative to the fit).
    await page.waitForTimeout(500);
    const h = await page.evaluate(() => location.hash);
    assert.match(h, new RegExp(`s=${FILM.id}`));
    assert.match(h, /,2(&|$)/);
    await page.close();
  });

  it('keyboard and buttons move the camera; the view goes into the URL', async () => {
    const page = await open(browser, `${base}/`);
    await page.focus('#map');
    const a = await mapSnapshot(page);
    await page.keyboard.press('+');
    await page.waitForFunction(() => /v=[^&]*,1\.6/.test(location.hash), null, { timeout: 10000 });
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('0');
    await page.waitForFunction(() => /v=[^&]*,1(&|$)/.test(location.hash), null, { timeout: 10000 });
    // Drag pans, wheel zooms toward the cursor.
    await page.mouse.move(700, 400);
    await page.mouse.down();
    await page.mouse.move(800, 450, { steps: 5 });
    await page.mouse.up();
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(600);
    const b = await mapSnapshot(page);
    assert.ok((await pixelDiff(page, a, b)) > 1000);
    await page.close();
  });

  it('names points near the right edge in full: left of the point, never cut off by the edge', async () => {
    // The view centred left of the map's middle at 2× zoom puts its densest part, and many of
    // the most popular films, along the right edge of the canvas.
    const page = await open(browser, `${base}/#v=0.30000,0.50000,2`);
    await page.waitForFunction(() => document.querySelectorAll('.map-label:not([hidden])').length >= 4, null, {
      timeout: 20000,
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { canvas, labels } = await page.evaluate(() => {
      const c = document.getElementById('map').getBoundingClientRect();
      const labels = [...document.querySelectorAll('.map-label:not([hidden])')].map((el) => {
        const r = el.getBoundingClientRect();
        return { text: el.textContent, left: r.left, right: r.right, side: el.classList.contains('left') ? 'left' : 'right' };
      });
      return { canvas: { left: c.left, right: c.right }, labels };
    });
    for (const l of labels) {
      assert.ok(l.right <= canvas.right + 0.5 && l.left >= canvas.left - 0.5, `"${l.text}" at ${l.left}..${l.right}, canvas ${canvas.left}..${canvas.right}`);
    }
    assert.ok(labels.some((l) => l.side === 'left'), `no name left of its point: ${JSON.stringify(labels)}`);
    assert.ok(labels.some((l) => l.side === 'right'), 'names go right of their points where they fit');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('pinch zooms and one finger pans on touch', async () => {
    const page = await open(browser, `${base}/`);
    const zoomOf = () => page.evaluate(() => Number((location.hash.match(/v=[^,]*,[^,]*,([^&]*)/) || [])[1] || 'NaN'));
    // Touch pointers as a touch screen sends them (synthetic: headless Chromium has no multi-touch input).
    await page.evaluate(() => {
      const c = document.getElementById('map');
      const ev = (type, id, x, y) =>
        c.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch', clientX: x, clientY: y, bubbles: true }));
      ev('pointerdown', 11, 650, 400);
      ev('pointerdown', 12, 750, 400);
      for (let i = 1; i <= 10; i++) {
        ev('pointermove', 11, 650 - 10 * i, 400);
        ev('pointermove', 12, 750 + 10 * i, 400);
      }
      ev('pointerup', 11, 550, 400);
      ev('pointerup', 12, 850, 400);
    });
    await page.waitForFunction(() => /v=[^&]*,[^&]*,/.test(location.hash), null, { timeout: 10000 });
    const z = await zoomOf();
    assert.ok(z > 2 && z < 4, `pinch from 100 to 300 px apart zooms about 3x, got ${z}`);
    const before = await page.evaluate(() => location.hash);
    await page.evaluate(() => {
      const c = document.getElementById('map');
      const ev = (type, x, y) =>
        c.dispatchEvent(new PointerEvent(type, { pointerId: 21, pointerType: 'touch', clientX: x, clientY: y, bubbles: true }));
      ev('pointerdown', 700, 400);
      for (let i = 1; i <= 10; i++) ev('pointermove', 700 + 8 * i, 400 + 4 * i);
      ev('pointerup', 780, 440);
    });
    await page.waitForFunction((b) => location.hash !== b, before, { timeout: 10000 });
    assert.ok(Math.abs((await zoomOf()) - z) < 1e-6, 'one finger pans without zooming');
    await page.close();
  });

  it('hovering a point shows its label; clicking it opens the details', async () => {
    // A link with a selection but no view flies to the entity and marks it with the ring.
    const page = await open(browser, `${base}/#s=${FILM.id}`);
    await page.waitForSelector('#ring:not([hidden])');
    await page.waitForTimeout(2000); // the fly-to
    // A region's name is a button over the map and takes the pointer where it lies; zooming
    // in spreads the points away from the names (at most a few steps).
    let x, y;
    for (let step = 0; ; step++) {
      const box = await page.locator('#ring').boundingBox();
      [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      const under = await page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.tagName, [x, y]);
      if (under === 'CANVAS') break;
      assert.ok(step < 6, `something other than the map (${under}) stays over the point after ${step} zooms`);
      await page.keyboard.press('=');
      await page.waitForTimeout(1000); // the zoom's flight
    }
    await page.keyboard.press('Escape');
    await page.waitForSelector('#details', { state: 'hidden' });
    await page.mouse.move(x, y);
    await page.waitForSelector('#tooltip:not([hidden])');
    assert.match(await text(page, '#tooltip'), new RegExp(FILM.title));
    await page.mouse.click(x, y);
    await page.waitForSelector('#details:not([hidden])');
    assert.equal(await text(page, '#details-title'), FILM.title);
    await page.close();
  });

  it('highlights a set from ?highlight= and from the paste box', async () => {
    const page = await open(browser, `${base}/?highlight=${FILM.id},tt0000000`);
    assert.equal(await data(page, 'highlighted'), '1');
    assert.match(await text(page, '#highlight-status'), /1 of 2 found/);
    const a = await mapPixels(page);
    await page.fill('#highlight-input', 'Casablanca\nThe Maltese Falcon');
    await afterFrame(page, () => page.click('#highlight-apply'));
    assert.ok(Number(await data(page, 'highlighted')) >= 2);
    await afterFrame(page, () => page.click('#highlight-clear'));
    const b = await mapPixels(page);
    assert.ok(b.bright > a.bright * 1.5, `clearing the highlight brightens the map: ${a.bright} -> ${b.bright}`);
    await page.close();
  });

  it('works under a subpath and with the instanced draw path', async () => {
    const page = await open(browser, `${base}/blog/maps/films/?render=instanced`);
    assert.equal(await data(page, 'drawMode'), 'instanced');
    const px = await mapPixels(page);
    assert.ok(px.bright > 3000, `${px.bright} bright pixels`);
    await page.close();
    const soft = await open(browser, `${base}/blog/maps/films/`);
    assert.equal(await data(soft, 'drawMode'), 'points', 'SwiftShader gets the plain-points path');
    await soft.close();
  });

  it('embeds: two 600×400 iframes on one page both draw, with minimal chrome', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 500 } });
    await page.setContent(
      `<iframe id="a" src="${base}/blog/maps/films/?embed=1" width="600" height="400"></iframe>` +
        `<iframe id="b" src="${base}/?embed=1#s=${FILM.id}" width="600" height="400"></iframe>`,
    );
    for (const id of ['a', 'b']) {
      const frame = page.frameLocator(`#${id}`);
      await frame.locator('body[data-state=ready]').waitFor({ timeout: 60000 });
      assert.equal(await frame.locator('#panel').isVisible(), false, 'no side panel');
      assert.equal(await frame.locator('#search').isVisible(), true, 'search stays');
      const box = await frame.locator('#map').boundingBox();
      assert.ok(Math.abs(box.width - 600) < 2 && Math.abs(box.height - 400) < 2, JSON.stringify(box));
    }
    await page.frameLocator('#b').locator('#details:not([hidden])').waitFor();
    assert.equal(await page.frameLocator('#b').locator('#details-title').textContent(), FILM.title);
    await page.close();
  });

  it('is usable at 375 px: panels collapse behind a button', async () => {
    const page = await open(browser, `${base}/`, { width: 375, height: 700 });
    assert.equal(await page.locator('#panel').isVisible(), false);
    await page.click('#panel-toggle');
    assert.equal(await page.locator('#panel').isVisible(), true);
    assert.equal(await page.getAttribute('#panel-toggle', 'aria-expanded'), 'true');
    await page.click('#panel-toggle');
    await searchAndOpen(page, FILM.title);
    const box = await page.locator('#details').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 375, JSON.stringify(box));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 375, `page is ${overflow}px wide`);
    await page.close();
  });

  it('every control is reachable by keyboard with a visible focus', async () => {
    const page = await open(browser, `${base}/`);
    const seen = new Set();
    const wanted = ['search', 'zoom-in', 'reset-view', 'color-by', 'reset-filters'];
    // The cluster names and the cluster legend are controls too: up to a few dozen each.
    for (let i = 0; i < 160 && !wanted.every((id) => seen.has(id)); i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement;
        // Past the last control focus leaves the page for a moment.
        if (el === document.body) return { id: 'BODY', outline: true };
        const s = getComputedStyle(el);
        return { id: el.id || el.tagName, outline: s.outlineStyle !== 'none' || s.boxShadow !== 'none' };
      });
      seen.add(info.id);
      assert.ok(info.outline, `${info.id} has no visible focus`);
    }
    for (const id of wanted) assert.ok(seen.has(id), `${id} not reached: ${[...seen]}`);
    await page.close();
  });

  it('survives a lost and restored WebGL context', async () => {
    const page = await open(browser, `${base}/`);
    await page.evaluate(() => {
      const ext = document.getElementById('map').getContext('webgl2').getExtension('WEBGL_lose_context');
      window.__lose = ext;
      ext.loseContext();
    });
    await page.waitForFunction(() => document.body.dataset.context === 'lost');
    await page.evaluate(() => window.__lose.restoreContext());
    await page.waitForFunction(() => document.body.dataset.context === 'restored');
    await afterFrame(page, () => page.keyboard.press('ArrowLeft'));
    const px = await mapPixels(page);
    assert.ok(px.bright > 3000, `${px.bright} bright pixels after restore`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});

describe('viewer on bad or hostile data', () => {
  it('shows a readable error for a truncated positions file', async () => {
    const page = await open(browser, `${base}/?data=/data/truncated/`, { waitFor: 'error' });
    const msg = await text(page, '#error');
    assert.match(msg, /points\.bin is truncated/);
    assert.ok(await page.locator('#error').isVisible());
    await page.close();
  });

  it('names both versions for a map of another format version', async () => {
    const page = await open(browser, `${base}/?data=/data/version/manifest.json`, { waitFor: 'error' });
    assert.match(await text(page, '#error'), /version 3.*version 2/);
    await page.close();
  });

  it('reports a missing map folder', async () => {
    const page = await open(browser, `${base}/?data=/nowhere/`, { waitFor: 'error' });
    assert.match(await text(page, '#error'), /Could not load .*manifest\.json.*404/);
    await page.close();
  });

  it('explains when WebGL2 is missing', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const orig = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        return kind === 'webgl2' ? null : orig.call(this, kind, ...rest);
      };
    });
    await page.goto(`${base}/`);
    await waitState(page, 'error');
    assert.match(await text(page, '#error'), /needs WebGL2/);
    await page.close();
  });

  it('a trap in the wasm stops the viewer with its message; a page script error does not', async () => {
    const page = await browser.newPage();
    // The wasm's exports, as trunk's loader announces them.
    await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => (window.__wasm = e.detail.wasm)));
    await page.goto(`${base}/`);
    await waitState(page, 'ready');
    // Another script's error is not the viewer's: the map goes on.
    await page.evaluate(() => setTimeout(() => { throw new Error('not the viewer'); }));
    await page.waitForTimeout(200);
    assert.equal(await data(page, 'state'), 'ready');
    // A real trap, uncaught in a timer: an allocation no wasm32 memory can hold aborts.
    await page.evaluate(() => setTimeout(() => window.__wasm.__wbindgen_malloc(0xfffffff0, 8)));
    await waitState(page, 'error');
    assert.match(await text(page, '#error'), /The viewer stopped on an internal error: .*unreachable/i);
    assert.equal(await page.locator('#loading').isVisible(), false);
    await page.close();
  });

  it('shows a hostile title as text and runs nothing', async () => {
    const page = await open(browser, `${base}/?data=/data/xss/`);
    await page.keyboard.press('/');
    await page.keyboard.type('img src');
    const first = page.locator('#results [role=option] .name').first();
    await first.waitFor();
    assert.equal(await first.textContent(), HOSTILE);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    assert.equal(await text(page, '#details-title'), HOSTILE);
    await page.mouse.move(10, 790);
    await page.waitForTimeout(500);
    assert.equal(await page.locator('body img').count(), 0, 'no <img> element was created');
    assert.deepEqual(page.dialogs, [], 'no dialog opened');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
