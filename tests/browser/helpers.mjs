// Shared helpers of the browser tests: open the viewer, wait for its states, count pixels.
// The viewer reports its progress on <body data-*>: state (loading → drawn → ready | error),
// frames (frames painted), shown (points passing the filters), selected (entity id).

/** Opens `url` in a new page of `browser`, failing the test on any page error. */
export async function open(browser, url, { width = 1200, height = 800, waitFor = 'ready' } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.errors = [];
  page.dialogs = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('dialog', async (d) => {
    page.dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(url);
  if (waitFor) await waitState(page, waitFor);
  return page;
}

/** Waits until body[data-state] is `state` (or a later one); throws on an unexpected error. */
export async function waitState(page, state, timeout = 60000) {
  const order = ['loading', 'drawn', 'ready'];
  await page.waitForFunction(
    ([want, order]) => {
      const s = document.body.dataset.state;
      if (s === 'error') return true;
      return want !== 'error' && order.indexOf(s) >= order.indexOf(want);
    },
    [state, order],
    { timeout },
  );
  const s = await page.evaluate(() => document.body.dataset.state);
  if (s === 'error' && state !== 'error') {
    const msg = await page.evaluate(() => document.getElementById('error').textContent);
    throw new Error(`viewer showed an error: ${msg}`);
  }
}

/** Runs `action`, then waits until the viewer has painted at least one more frame. */
export async function afterFrame(page, action) {
  const before = await page.evaluate(() => Number(document.body.dataset.frames || 0));
  await action();
  await page.waitForFunction((b) => Number(document.body.dataset.frames || 0) > b, before, { timeout: 30000 });
  // One more animation frame so the compositor shows what was painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Screenshot of the map alone, decoded by the browser itself: { bright, total } where bright
 * counts pixels clearly above the background.
 */
export async function mapPixels(page) {
  const { bright, total } = await pixelStats(page, await mapSnapshot(page));
  return { bright, total };
}

/**
 * Counts pixels of a base64 PNG, decoded by the browser: `bright` are clearly above the map's
 * background (11, 15, 26) — dimmed points stay dark; `blue` are blue-dominant, as the default
 * point colour is and white text or a white host page are not.
 */
export function pixelStats(page, png) {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    let bright = 0;
    let blue = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.max(d[i], d[i + 1], d[i + 2]) > 70) bright++;
      if (d[i + 2] > 120 && d[i + 2] > d[i] + 30) blue++;
    }
    return { bright, blue, total: d.length / 4 };
  }, png);
}

/** Screenshot of the map alone (panels hidden for the moment), as base64 PNG. */
export async function mapSnapshot(page) {
  await page.addStyleTag({ content: '#panel,#top,#details,#loading,#ring,#tooltip,#labels{visibility:hidden!important}' });
  const png = await page.locator('#map').screenshot();
  await page.evaluate(() => {
    const tags = [...document.querySelectorAll('style')];
    tags[tags.length - 1].remove();
  });
  return png.toString('base64');
}

/** Counts pixels that differ (by more than a little) between two snapshots from mapSnapshot. */
export async function pixelDiff(page, a, b) {
  return page.evaluate(
    async ([a, b]) => {
      const decode = async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const c = new OffscreenCanvas(bmp.width, bmp.height);
        const ctx = c.getContext('2d');
        ctx.drawImage(bmp, 0, 0);
        return ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      };
      const [da, db] = [await decode(a), await decode(b)];
      let diff = 0;
      for (let i = 0; i < Math.min(da.length, db.length); i += 4) {
        const d = Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]);
        if (d > 40) diff++;
      }
      return diff;
    },
    [a, b],
  );
}

export const text = (page, sel) => page.locator(sel).first().textContent();
export const data = (page, key) => page.evaluate((k) => document.body.dataset[k], key);
