// Diagnostic: CPU profile (V8 sampling, main thread) of a page load; prints top self-time functions.
// usage: node profile.js URL [seconds]
const { chromium } = require('/work/main/node_modules/playwright-core');
(async () => {
  const [url, secs = '25'] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox',
      '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await ctx.route('**/*', r => /^(https?:\/\/127\.0\.0\.1|file:|data:|blob:)/.test(r.request().url()) ? r.continue() : r.abort('internetdisconnected'));
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  await page.goto(url, { waitUntil: 'commit' });
  await new Promise(r => setTimeout(r, +secs * 1000));
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => { self.set(id, (self.get(id) || 0) + (dt[i + 1] || 0)); });
  const agg = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id); const cf = n.callFrame;
    const key = `${cf.functionName || '(anon)'} ${cf.url ? cf.url.slice(-40) : ''}:${cf.lineNumber}`;
    agg.set(key, (agg.get(key) || 0) + us);
  }
  const top = [...agg].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, us] of top) console.log((us / 1000).toFixed(0).padStart(7), 'ms', k);
  await browser.close();
})();
