// Exploratory: load a URL, save a few screenshots over time, log requests.
// usage: node peek.js URL OUTPREFIX [seconds]
const { chromium } = require('/work/main/node_modules/playwright-core');
const fs = require('fs');
(async () => {
  const [url, prefix, secs = '30'] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox',
      '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await ctx.newPage();
  await ctx.route('**/*', r => { const u = r.request().url(); if (/^(https?:\/\/(127\.0\.0\.1|localhost)|file:|data:|blob:)/.test(u)) r.continue(); else { console.log('ABORT', u); r.abort(); } });
  page.on('request', r => console.log('REQ', r.url().slice(0, 100)));
  page.on('console', m => console.log('CONSOLE', m.type(), m.text().slice(0, 200)));
  page.on('pageerror', e => console.log('PAGEERROR', e.message));
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  let i = 0;
  while (Date.now() - t0 < +secs * 1000) {
    await page.screenshot({ path: `${prefix}-${String(i).padStart(2, '0')}.png` });
    const st = await page.evaluate(() => [document.body && document.body.dataset.state, document.body && document.body.dataset.firstFrameMs, performance.now() | 0]).catch(e => String(e));
    console.log(i, Date.now() - t0, JSON.stringify(st));
    i++;
    await new Promise(r => setTimeout(r, 2000));
  }
  await browser.close();
})();
