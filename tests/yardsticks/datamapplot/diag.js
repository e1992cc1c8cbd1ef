// Diagnostic (not part of the timing table): where does a page's main thread spend time while
// loading? Records long tasks (PerformanceObserver 'longtask', > 50 ms) and rAF gaps > 200 ms,
// no screenshot polling. usage: node diag.js URL [seconds]
const { chromium } = require('/work/main/node_modules/playwright-core');
(async () => {
  const [url, secs = '25'] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox',
      '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await ctx.route('**/*', r => /^(https?:\/\/127\.0\.0\.1|file:|data:|blob:)/.test(r.request().url()) ? r.continue() : r.abort('internetdisconnected'));
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.__diag = { longtasks: [], rafGaps: [], marks: [] };
    new PerformanceObserver(l => { for (const e of l.getEntries()) window.__diag.longtasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true });
    let last = null;
    const f = (t) => { if (last !== null && t - last > 200) window.__diag.rafGaps.push([Math.round(last), Math.round(t - last)]); last = t; requestAnimationFrame(f); };
    requestAnimationFrame(f);
    for (const ev of ['datamapLabelsLoaded', 'datamapDataLoaded']) document.addEventListener(ev, () => window.__diag.marks.push([ev, Math.round(performance.now())]));
    const iv = setInterval(() => {
      try {
        if (typeof datamap !== 'undefined' && datamap.deckgl) {
          clearInterval(iv);
          datamap.deckgl.setProps({ onAfterRender: () => window.__diag.marks.push(['deckRender', Math.round(performance.now()), datamap.layers.length]) });
        }
      } catch (e) { }
    }, 20);
  });
  // loads the page `LOADS` times in the same browser (2nd load: GPU program cache warm)
  for (let i = 0; i < +(process.env.LOADS || 1); i++) {
    await page.goto(url, { waitUntil: 'commit' });
    await new Promise(r => setTimeout(r, +secs * 1000));
    const d = await page.evaluate(() => ({ ...window.__diag, state: document.body.dataset.state, firstFrameMs: document.body.dataset.firstFrameMs }));
    d.marks = d.marks.slice(0, 12);
    console.log('load', i + 1, JSON.stringify(d));
  }
  await browser.close();
})();
