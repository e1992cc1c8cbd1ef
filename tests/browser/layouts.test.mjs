// Real-browser tests of layouts (issue 8): the Layout control, the animated switch (points
// move, one draw call a frame, no position upload), the deep link with back and forward, what
// survives a switch, compare mode, reduced motion, and layouts.bin never delaying the first
// frame. Headless Chromium (SwiftShader) on the films demo map built by run.sh with two layouts
// (umap, tsne).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { open, waitState, afterFrame, mapSnapshot, pixelDiff, text, data } from './helpers.mjs';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
const FILM = { id: 'tt0034583', title: 'Casablanca' };

let server;
let browser;
let base;

before(async () => {
  server = await serve([
    ['/', path.join(OUT, 'site')],
    ['/data/single/', path.join(OUT, 'single')],
  ]);
  base = server.url;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Counts draw calls and position uploads (by the bytes sent) from the page's start. */
function countGl() {
  window.__gl = { draws: 0, uploads: 0, uploadBytes: 0 };
  const proto = WebGL2RenderingContext.prototype;
  for (const name of ['drawArrays', 'drawArraysInstanced', 'drawElements', 'drawElementsInstanced']) {
    const orig = proto[name];
    proto[name] = function (...args) {
      window.__gl.draws++;
      return orig.apply(this, args);
    };
  }
  for (const name of ['bufferData', 'bufferSubData']) {
    const orig = proto[name];
    proto[name] = function (target, data, ...rest) {
      window.__gl.uploads++;
      window.__gl.uploadBytes += typeof data === 'number' ? data : data?.byteLength || 0;
      return orig.call(this, target, data, ...rest);
    };
  }
}

const gl = (page) => page.evaluate(() => ({ ...window.__gl }));
const frames = (page) => page.evaluate(() => Number(document.body.dataset.frames || 0));

/** Picks a layout in the Layout control and waits for the switch to end. */
async function switchTo(page, name) {
  await page.getByRole('combobox', { name: 'Layout' }).selectOption({ label: name });
  await page.waitForFunction((n) => document.body.dataset.layout === n && !document.body.dataset.switching, name, {
    timeout: 30000,
  });
  // One more animation frame so the compositor shows the last frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe('layouts on the films map', () => {
  it('a Layout control switches layouts: points glide for ~0.8 s, one draw call a frame, nothing re-uploaded', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    await page.addInitScript(countGl);
    await page.goto(`${base}/`);
    await waitState(page, 'ready');
    const control = page.getByRole('combobox', { name: 'Layout' });
    const options = await control.locator('option').allTextContents();
    assert.ok(options.length >= 2, `layouts: ${options}`);
    assert.deepEqual(options.slice(0, 2), ['umap', 'tsne']);
    assert.equal(await data(page, 'layout'), 'umap');
    const a = await mapSnapshot(page);
    const [gl0, f0] = [await gl(page), await frames(page)];
    await switchTo(page, 'tsne');
    const [gl1, f1] = [await gl(page), await frames(page)];
    const b = await mapSnapshot(page);
    const moved = await pixelDiff(page, a, b);
    assert.ok(moved > 3000, `only ${moved} pixels changed: the points did not move`);
    // The switch animates: several frames over about 0.8 s.
    const switchMs = Number(await data(page, 'switchMs'));
    const switchFrames = Number(await data(page, 'switchFrames'));
    assert.ok(switchMs >= 600, `the switch took ${switchMs} ms`);
    assert.ok(switchFrames >= 3, `${switchFrames} frames painted during the switch`);
    // One draw call a frame, and no buffer upload for the switch (positions are on the GPU).
    assert.ok(f1 - f0 >= switchFrames, `${f1 - f0} frames`);
    assert.equal(gl1.draws - gl0.draws, f1 - f0, `${gl1.draws - gl0.draws} draw calls in ${f1 - f0} frames`);
    assert.equal(gl1.uploadBytes - gl0.uploadBytes, 0, 'bytes uploaded during the switch');
    // The L key switches back.
    await page.focus('#map');
    await page.keyboard.press('l');
    await page.waitForFunction(() => document.body.dataset.layout === 'umap' && !document.body.dataset.switching);
    assert.equal(await control.inputValue(), '0');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('the layout is in the URL: a deep link restores it, back and forward switch', async () => {
    const page = await open(browser, `${base}/#v=0.5,0.5,2&l=tsne`);
    await page.waitForFunction(() => document.body.dataset.layout === 'tsne' && !document.body.dataset.switching);
    assert.equal(await page.getByRole('combobox', { name: 'Layout' }).inputValue(), '1');
    await page.waitForTimeout(500);
    const h = await page.evaluate(() => location.hash);
    assert.match(h, /l=tsne/);
    assert.match(h, /,2(&|$)/, `the view of the link is kept: ${h}`);
    await switchTo(page, 'umap');
    await page.waitForFunction(() => !/l=/.test(location.hash));
    await page.goBack();
    await page.waitForFunction(() => document.body.dataset.layout === 'tsne' && !document.body.dataset.switching);
    await page.goForward();
    await page.waitForFunction(() => document.body.dataset.layout === 'umap' && !document.body.dataset.switching);
    await page.close();
    // Unknown names are ignored: the first layout.
    const bad = await open(browser, `${base}/#l=nope&cmp=nothing`);
    assert.equal(await data(bad, 'layout'), 'umap');
    assert.equal(await data(bad, 'compare'), undefined);
    assert.deepEqual(bad.errors, []);
    await bad.close();
  });

  it('selection, filters, colour-by and search survive a switch', async () => {
    const page = await open(browser, `${base}/`);
    await page.keyboard.press('/');
    await page.keyboard.type(FILM.title);
    await page.waitForSelector('#results [role=option]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    await afterFrame(page, () => page.selectOption('#color-by', { label: 'genre' }));
    await afterFrame(page, () => page.locator('#legend button[data-legend]').first().click());
    const before = {
      selected: await data(page, 'selected'),
      shown: await data(page, 'shown'),
      color: await page.inputValue('#color-by'),
      legend: await page.locator('#legend button[aria-pressed=false]').count(),
      search: await page.inputValue('#search'),
    };
    assert.equal(before.selected, FILM.id);
    assert.equal(before.legend, 1);
    await page.waitForTimeout(2000); // the fly-to
    await switchTo(page, 'tsne');
    const after = {
      selected: await data(page, 'selected'),
      shown: await data(page, 'shown'),
      color: await page.inputValue('#color-by'),
      legend: await page.locator('#legend button[aria-pressed=false]').count(),
      search: await page.inputValue('#search'),
    };
    assert.deepEqual(after, before);
    assert.equal(await text(page, '#details-title'), FILM.title);
    // The ring follows the selection to its place in the new layout, and it stays in view.
    assert.ok(await page.locator('#ring').isVisible(), 'the ring shows');
    const box = await page.locator('#ring').boundingBox();
    assert.ok(box.x > 0 && box.y > 0 && box.x < 1200 && box.y < 800, JSON.stringify(box));
    assert.match(await page.evaluate(() => location.hash), new RegExp(`l=tsne.*s=${FILM.id}.*c=genre.*f=genre`));
    await page.close();
  });

  it('compare mode colours points by neighbourhood change and lists where the neighbours went', async () => {
    const page = await open(browser, `${base}/#s=${FILM.id}`);
    await page.waitForSelector('#details:not([hidden])');
    await page.waitForTimeout(2000); // the fly-to
    const a = await mapSnapshot(page);
    const compare = page.getByRole('combobox', { name: 'Compare with' });
    assert.equal(await compare.locator('option[disabled]').textContent(), 'umap', 'not with the layout shown');
    await afterFrame(page, () => compare.selectOption({ label: 'tsne' }));
    const b = await mapSnapshot(page);
    const diff = await pixelDiff(page, a, b);
    assert.ok(diff > 2000, `only ${diff} pixels changed colour`);
    assert.equal(await data(page, 'compare'), 'tsne');
    assert.match(await text(page, '#legend'), /0 of 10.*10 of 10 neighbours changed/);
    assert.ok(await page.locator('#color-by').isDisabled(), 'colour-by gives way while comparing');
    // The details list the selection's 10 nearest in umap, each moved or stayed in tsne.
    await page.waitForSelector('#details-compare:not([hidden])');
    assert.equal(await text(page, '#compare-title'), 'Neighbours in umap → tsne');
    const [, changed] = (await text(page, '#compare-sub')).match(/^(\d+) of its 10 nearest/);
    assert.ok(Number(changed) <= 10);
    const rows = await page.locator('#compare-neighbors li').allTextContents();
    assert.equal(rows.length, 10, rows.join(' | '));
    for (const r of rows) assert.match(r, /(moved|stayed)$/);
    // Over the map, a line and a ring for each, to where it went.
    assert.equal(await page.locator('#compare-marks line').count(), 10);
    assert.equal(await page.locator('#compare-marks circle').count(), 10);
    assert.match(await page.evaluate(() => location.hash), /cmp=tsne/);
    // Back leaves compare mode; colour-by comes back.
    await page.goBack();
    await page.waitForFunction(() => !document.body.dataset.compare);
    assert.ok(!(await page.locator('#color-by').isDisabled()));
    assert.equal(await page.locator('#details-compare').isVisible(), false);
    assert.equal(await page.locator('#compare-marks').isVisible(), false);
    await page.close();
  });

  it('the instanced draw path switches too, one instanced draw call a frame', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.addInitScript(countGl);
    await page.goto(`${base}/?render=instanced`);
    await waitState(page, 'ready');
    assert.equal(await data(page, 'drawMode'), 'instanced');
    await page.evaluate(() => {
      const proto = WebGL2RenderingContext.prototype;
      const orig = proto.drawArraysInstanced;
      window.__instanced = 0;
      proto.drawArraysInstanced = function (...args) {
        window.__instanced++;
        return orig.apply(this, args);
      };
    });
    const a = await mapSnapshot(page);
    const [gl0, f0] = [await gl(page), await frames(page)];
    await switchTo(page, 'tsne');
    const [gl1, f1] = [await gl(page), await frames(page)];
    assert.equal(gl1.draws - gl0.draws, f1 - f0, 'one draw call a frame');
    assert.equal(await page.evaluate(() => window.__instanced), f1 - f0, 'and it is the instanced one');
    assert.ok((await pixelDiff(page, a, await mapSnapshot(page))) > 3000);
    await page.close();
  });

  it('a map of one layout shows no Layout control, and its figures', async () => {
    const page = await open(browser, `${base}/?data=/data/single/#l=nope`);
    assert.equal(await page.getByRole('combobox', { name: 'Layout' }).isVisible(), false);
    assert.equal(await page.getByRole('combobox', { name: 'Compare with' }).isVisible(), false);
    assert.equal(await page.locator('#layout-rows tr').count(), 1);
    assert.equal(await data(page, 'layout'), 'blobs');
    await page.focus('#map');
    await page.keyboard.press('l');
    await page.waitForTimeout(300);
    assert.equal(await data(page, 'switching'), undefined);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('switches at once with reduced motion', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, reducedMotion: 'reduce' });
    await page.goto(`${base}/`);
    await waitState(page, 'ready');
    const a = await mapSnapshot(page);
    await switchTo(page, 'tsne');
    assert.equal(Number(await data(page, 'switchFrames')), 1, 'one frame: no animation');
    const b = await mapSnapshot(page);
    assert.ok((await pixelDiff(page, a, b)) > 3000);
    await page.close();
  });

  it('draws before layouts.bin arrives; the Layout control shows the others loading', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    let release;
    const held = new Promise((r) => (release = r));
    await page.route('**/layouts.bin', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${base}/`);
    await waitState(page, 'drawn');
    await page.waitForSelector('#search:not([disabled])'); // the names are in
    const tsne = page.locator('#layout option[value="1"]');
    assert.equal(await tsne.textContent(), 'tsne (loading…)');
    assert.ok(await tsne.isDisabled());
    assert.equal(await data(page, 'state'), 'drawn', 'not ready without the layouts');
    release();
    await waitState(page, 'ready');
    await page.waitForFunction(() => !document.querySelector('#layout option[value="1"]').disabled);
    assert.equal(await tsne.textContent(), 'tsne');
    await page.close();
  });
});
