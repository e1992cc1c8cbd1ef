// The core of the browser suite in Firefox (issue 11): the map draws (pixels), search opens the
// details, a deep link restores, ?embed=1 draws inside an iframe, a truncated file shows its
// error, a hostile title stays text. Debian's firefox-esr driven by puppeteer-core over WebDriver
// BiDi. Headless Firefox has no WebGL2 here, so it runs headful on a virtual display: run.sh
// starts this file under xvfb-run (Mesa llvmpipe draws). Maps: the ones run.sh builds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

import { pixelStats } from './helpers.mjs';
import { serve } from './server.mjs';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const FILM = { id: 'tt0034583', title: 'Casablanca' };
const HOSTILE = '<img src=x onerror=alert(1)>';

let server;
let browser;
let base;

before(async () => {
  assert.ok(fs.existsSync(FIREFOX), `${FIREFOX} missing: apt-get install firefox-esr (CI installs it)`);
  assert.ok(process.env.DISPLAY, 'no DISPLAY: run under xvfb-run (headless Firefox has no WebGL2)');
  server = await serve([
    ['/', path.join(OUT, 'site')],
    ['/data/xss/', path.join(OUT, 'xss')],
    ['/data/truncated/', path.join(OUT, 'truncated')],
  ]);
  base = server.url;
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: false });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page at `url`, waited on until the viewer is `state` (or shows an error). */
async function open(url, state = 'ready', { width = 1200, height = 800 } = {}) {
  const page = await browser.newPage();
  page.errors = [];
  page.dialogs = [];
  page.on('pageerror', (e) => page.errors.push(String(e.message ?? e)));
  page.on('dialog', async (d) => {
    page.dialogs.push(d.message());
    await d.dismiss();
  });
  await page.setViewport({ width, height });
  await page.goto(url);
  await waitState(page, state);
  return page;
}

async function waitState(page, state) {
  await page.waitForFunction(
    (want) => {
      const s = document.body.dataset.state;
      return s === 'error' || s === want || (want === 'drawn' && s === 'ready');
    },
    { timeout: 60000 },
    state,
  );
  const s = await page.evaluate(() => document.body.dataset.state);
  if (s === 'error' && state !== 'error') {
    throw new Error(`viewer showed an error: ${await page.evaluate(() => document.getElementById('error').textContent)}`);
  }
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent);

/** Bright pixels of a screenshot of the map alone (panels hidden for the moment). */
async function brightPixels(page) {
  await page.addStyleTag({ content: '#panel,#top,#details,#loading,#ring,#tooltip,#labels{visibility:hidden!important}' });
  const png = Buffer.from(await (await page.$('#map')).screenshot()).toString('base64');
  return (await pixelStats(page, png)).bright;
}

async function searchAndOpen(page, query) {
  await page.focus('#map');
  await page.keyboard.press('/');
  await page.keyboard.type(query);
  await page.waitForSelector('#results [role=option]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#details:not([hidden])');
}

describe('Firefox (firefox-esr, WebGL2 on llvmpipe)', () => {
  it('draws the points', async () => {
    const page = await open(`${base}/`);
    assert.match(await page.evaluate(() => navigator.userAgent), /Firefox\//);
    const bright = await brightPixels(page);
    assert.ok(bright > 3000, `only ${bright} bright pixels`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('search opens the details and neighbours', async () => {
    const page = await open(`${base}/`);
    await searchAndOpen(page, FILM.title.toLowerCase());
    assert.equal(await text(page, '#details-title'), FILM.title);
    await page.waitForSelector('#neighbors button');
    await page.waitForFunction((id) => location.hash.includes(`s=${id}`), {}, FILM.id);
    await page.close();
  });

  it('a deep link restores selection and colour-by', async () => {
    const page = await open(`${base}/#s=${FILM.id}&c=genre`);
    await page.waitForSelector('#details:not([hidden])');
    assert.equal(await text(page, '#details-title'), FILM.title);
    const colour = await page.$eval('#color-by', (s) => s.options[s.selectedIndex].textContent);
    assert.equal(colour, 'genre');
    await page.close();
  });

  it('?embed=1 draws inside an iframe', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 800, height: 500 });
    await page.setContent(`<iframe id="a" src="${base}/?embed=1#s=${FILM.id}" width="600" height="400"></iframe>`);
    const frame = await (await page.waitForSelector('#a')).contentFrame();
    await frame.waitForSelector('body[data-state=ready]', { timeout: 60000 });
    assert.equal(await frame.$eval('#panel', (e) => e.checkVisibility()), false, 'no side panel');
    await frame.waitForSelector('#details:not([hidden])');
    assert.equal(await frame.$eval('#details-title', (e) => e.textContent), FILM.title);
    await page.close();
  });

  it('a truncated positions file shows its error', async () => {
    const page = await open(`${base}/?data=/data/truncated/`, 'error');
    assert.match(await text(page, '#error'), /points\.bin is truncated/);
    await page.close();
  });

  it('a hostile title stays text and runs nothing', async () => {
    const page = await open(`${base}/?data=/data/xss/`);
    await searchAndOpen(page, 'img src');
    assert.equal(await text(page, '#details-title'), HOSTILE);
    assert.equal(await page.evaluate(() => document.querySelectorAll('body img').length), 0, 'no <img> created');
    assert.deepEqual(page.dialogs, [], 'no dialog opened');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
