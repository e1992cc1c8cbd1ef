// Real-browser tests of browsers that cannot run the map (issue 11): Chromium with WebAssembly
// turned off (V8's --jitless, as security modes such as Edge's do) and Chromium with WebGL2
// turned off. Each must get a message in the page, never a blank canvas or a "Loading map…"
// that never ends. On the films site run.sh builds (tests/browser/out/films-site).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { open } from './helpers.mjs';

const SITE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out', 'films-site');

let server;

before(async () => {
  assert.ok(fs.existsSync(path.join(SITE, 'index.html')), `${SITE} missing: run tests/browser/run.sh`);
  server = await serve([['/', SITE]]);
});

after(async () => {
  await server?.close();
});

/** Opens the map in a Chromium launched with `args`; returns the visible message's text. */
async function messageWith(args, selector) {
  const browser = await launch(args);
  try {
    const page = await open(browser, `${server.url}/`, { waitFor: 'error' });
    const message = page.locator(selector);
    assert.ok(await message.isVisible(), `${selector} is shown`);
    assert.equal(await page.locator('#loading').isVisible(), false, 'no "Loading map…" left spinning');
    return await message.innerText();
  } finally {
    await browser.close();
  }
}

describe('browsers that cannot run the map', () => {
  it('without WebAssembly: says so and names the browsers that work', async () => {
    const text = await messageWith(['--js-flags=--jitless'], '#notice[role="alert"]');
    assert.match(text, /cannot run the map/);
    assert.match(text, /WebAssembly, which this browser has turned off/);
    assert.match(text, /Safari 16\.4 or later/);
  });

  it('without WebGL2: says so in the page', async () => {
    const text = await messageWith(['--disable-webgl2'], '#error[role="alert"]');
    assert.match(text, /needs WebGL2/);
  });
});
