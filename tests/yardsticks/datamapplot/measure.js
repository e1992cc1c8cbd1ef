// Load-time measurement for Starmap vs datamapplot pages in headless Chromium (SwiftShader).
//
// usage: node measure.js CONFIG.json OUT.jsonl RUNS
// CONFIG.json: [{ "name": "films/starmap-folder", "url": "http://127.0.0.1:8801/index.html", "kind": "starmap" }, ...]
//
// Per run: a fresh browser (cold caches), viewport 1200x800. After page.goto(waitUntil:'commit')
// the script polls: a CDP Page.captureScreenshot (PNG) of the map region every ~100 ms (next
// request 100 ms after the previous one was sent, or at once when the previous one took longer).
// The PNGs are kept in memory and decoded only after the run (so decoding does not steal CPU
// from the page). Times are ms since navigation start (performance.timeOrigin of the document).
//
// Page-reported times (recorded inside the page by an init script, no polling lag):
//   starmap:      data-state changes on <body> ('drawn', 'ready') via MutationObserver, and
//                 body.dataset.firstFrameMs (the viewer's own measure).
//   datamapplot:  the 'datamapLabelsLoaded' and 'datamapDataLoaded' events (the latter fires when
//                 point, label and hover/search data are all loaded: hover tooltips and the
//                 search box work from then on), and when #loading (the spinner) is hidden,
//                 which datamapplot does right after datamap.addPoints().
//
// Pixel measure: pixels in the map region (REGION minus HOLE, same for both products, no UI of
// either product inside it) whose colour differs from the product's background colour by more
// than 40 in some channel. Background = the most common colour of the region in the last frame.
// first-points time = response time of the first screenshot with > N_PIX such pixels.
const { chromium } = require('/work/main/node_modules/playwright-core');
const { PNG } = require('/work/dmp/js/node_modules/pngjs');
const fs = require('fs');
const os = require('os');

const REGION = { x: 340, y: 160, width: 860, height: 520 };      // viewport coords
const HOLE = { x0: 560, y0: 350, x1: 640, y1: 430 };             // datamapplot's spinner, excluded for both
const N_PIX = 1000;
const POLL_MS = 100;
const TIMEOUT_MS = 240000;
const AFTER_READY_MS = 1500;

const initScript = (kind) => {
  window.__bench = { states: {}, events: {} };
  const rec = (k) => { if (!(k in window.__bench.events)) window.__bench.events[k] = performance.now(); };
  if (kind === 'dmp') {
    // datamapplot only: hook deck.gl's onAfterRender (datamapplot does not use it) to note the
    // first deck.gl render after datamap.addPoints() (page-internal, like Starmap's firstFrameMs).
    const t0 = Date.now();
    const iv = setInterval(() => {
      if (Date.now() - t0 > 200000) clearInterval(iv);
      try {
        if (typeof datamap !== 'undefined' && datamap.deckgl) {
          clearInterval(iv);
          const prev = datamap.deckgl.props.onAfterRender;
          datamap.deckgl.setProps({ onAfterRender: (c) => {
            rec('deckFirstRender');
            if (window.__bench.events.spinnerHidden != null) rec('deckRenderAfterPoints');
            if (prev) prev(c);
          } });
        }
      } catch (e) { }
    }, 20);
  }
  for (const ev of ['datamapLabelsLoaded', 'datamapDataLoaded']) document.addEventListener(ev, () => rec(ev));
  const watch = () => {
    const b = document.body;
    if (!b) return false;
    const note = () => { const s = b.dataset.state; if (s && !(s in window.__bench.states)) window.__bench.states[s] = performance.now(); };
    note();
    new MutationObserver(note).observe(b, { attributes: true, attributeFilter: ['data-state'] });
    const ld = document.getElementById('loading');
    if (ld) new MutationObserver(() => { if (ld.style.display === 'none') rec('spinnerHidden'); }).observe(ld, { attributes: true, attributeFilter: ['style'] });
    return true;
  };
  if (!watch()) document.addEventListener('DOMContentLoaded', watch);
};

function analyse(frames) {
  // frames: [{tReq, tResp, png}] ; returns counts per frame and background colour
  const decoded = frames.map(f => PNG.sync.read(f.png));
  const last = decoded[decoded.length - 1];
  const scale = last.width / REGION.width; // device pixel ratio 1 expected
  const hist = new Map();
  for (let i = 0; i < last.data.length; i += 4) {
    const k = (last.data[i] << 16) | (last.data[i + 1] << 8) | last.data[i + 2];
    hist.set(k, (hist.get(k) || 0) + 1);
  }
  let bg = 0, best = -1;
  for (const [k, v] of hist) if (v > best) { best = v; bg = k; }
  const br = bg >> 16, bgc = (bg >> 8) & 255, bb = bg & 255;
  const counts = decoded.map(img => {
    let n = 0;
    for (let y = 0; y < img.height; y++) {
      const vy = REGION.y + y / scale;
      for (let x = 0; x < img.width; x++) {
        const vx = REGION.x + x / scale;
        if (vx >= HOLE.x0 && vx < HOLE.x1 && vy >= HOLE.y0 && vy < HOLE.y1) continue;
        const i = (y * img.width + x) * 4;
        if (Math.abs(img.data[i] - br) > 40 || Math.abs(img.data[i + 1] - bgc) > 40 || Math.abs(img.data[i + 2] - bb) > 40) n++;
      }
    }
    return n;
  });
  return { counts, bg: [br, bgc, bb] };
}

async function runOnce(cfg, runIdx, shotDir) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox',
      '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const requests = [];
  const external = [];
  await ctx.route('**/*', route => {
    const u = route.request().url();
    if (/^(https?:\/\/(127\.0\.0\.1|localhost)[:/]|file:|data:|blob:)/.test(u)) return route.continue();
    external.push(u);
    return route.abort('internetdisconnected');
  });
  const page = await ctx.newPage();
  page.on('request', r => requests.push(r.url().startsWith('data:') ? 'data:…' : r.url()));
  page.on('worker', w => requests.push('worker:' + w.url().slice(0, 60)));
  const errors = [];
  page.on('pageerror', e => errors.push(String(e.message).slice(0, 300)));
  await page.addInitScript(initScript, cfg.kind);
  const cdp = await ctx.newCDPSession(page);
  const load1 = os.loadavg()[0];
  const tStart = Date.now();
  await page.goto(cfg.url, { waitUntil: 'commit', timeout: 120000 });
  const frames = [];
  let origin = null, readyAt = null, info = null;
  while (Date.now() - tStart < TIMEOUT_MS) {
    const tReq = Date.now();
    let shot;
    if (process.env.SHOTS === '0' && readyAt === null) {   // control runs: no screenshot polling until ready
      shot = null;
    } else try {
      shot = await cdp.send('Page.captureScreenshot', { format: 'png', clip: { ...REGION, scale: 1 }, optimizeForSpeed: true });
    } catch (e) { await new Promise(r => setTimeout(r, 50)); continue; }
    const tResp = Date.now();
    if (shot) frames.push({ tReq, tResp, png: Buffer.from(shot.data, 'base64') });
    try {
      info = await page.evaluate(() => ({ origin: performance.timeOrigin, states: window.__bench && window.__bench.states,
        events: window.__bench && window.__bench.events, firstFrameMs: document.body && document.body.dataset.firstFrameMs,
        state: document.body && document.body.dataset.state }));
      origin = info.origin;
    } catch (e) { /* navigation in progress */ }
    const ready = info && (cfg.kind === 'starmap' ? (info.states && info.states.ready != null) : (info.events && info.events.datamapDataLoaded != null));
    if (ready && readyAt === null) readyAt = Date.now();
    if (readyAt !== null && Date.now() - readyAt > AFTER_READY_MS) break;
    const wait = POLL_MS - (Date.now() - tReq);
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
  }
  const timedOut = readyAt === null;
  await browser.close();
  const { counts, bg } = analyse(frames);
  const rel = t => Math.round(t - origin);
  const finalCount = counts[counts.length - 1];
  const firstIdx = counts.findIndex(c => c > N_PIX);
  const halfIdx = counts.findIndex(c => c > 0.5 * finalCount);
  if (shotDir && firstIdx >= 0) {
    fs.writeFileSync(`${shotDir}/${cfg.name.replace(/\W+/g, '_')}-run${runIdx}-first.png`, frames[firstIdx].png);
    fs.writeFileSync(`${shotDir}/${cfg.name.replace(/\W+/g, '_')}-run${runIdx}-last.png`, frames[frames.length - 1].png);
  }
  const r = (x) => x == null ? null : Math.round(x);
  return {
    name: cfg.name, run: runIdx, shot_polling: process.env.SHOTS !== '0', loadavg1_before: load1, timedOut,
    first_points_ms: firstIdx >= 0 ? rel(frames[firstIdx].tResp) : null,
    first_points_lower_ms: firstIdx > 0 ? rel(frames[firstIdx - 1].tResp) : (firstIdx === 0 ? 0 : null),
    half_final_pixels_ms: halfIdx >= 0 ? rel(frames[halfIdx].tResp) : null,
    final_pixels: finalCount, bg,
    n_frames: frames.length,
    median_shot_latency_ms: [...frames.map(f => f.tResp - f.tReq)].sort((a, b) => a - b)[frames.length >> 1],
    starmap_firstFrameMs: info && info.firstFrameMs != null ? +info.firstFrameMs : null,
    starmap_drawn_ms: info && info.states && r(info.states.drawn),
    starmap_ready_ms: info && info.states && r(info.states.ready),
    dmp_spinner_hidden_ms: info && info.events && r(info.events.spinnerHidden),
    dmp_deck_render_after_points_ms: info && info.events && r(info.events.deckRenderAfterPoints),
    dmp_labels_loaded_ms: info && info.events && r(info.events.datamapLabelsLoaded),
    dmp_ready_ms: info && info.events && r(info.events.datamapDataLoaded),
    external_requests: external, requests: [...new Set(requests)].slice(0, 30), errors,
    timeline: frames.map((f, i) => [rel(f.tResp), counts[i]]),
  };
}

(async () => {
  const [cfgPath, outPath, runsStr, shotDir] = process.argv.slice(2);
  const cfgs = JSON.parse(fs.readFileSync(cfgPath, 'utf8'));
  const runs = +(runsStr || 5);
  if (shotDir) fs.mkdirSync(shotDir, { recursive: true });
  for (let run = 1; run <= runs; run++) {
    for (const cfg of cfgs) {   // round-robin, so background load hits every product alike
      const res = await runOnce(cfg, run, shotDir);
      fs.appendFileSync(outPath, JSON.stringify(res) + '\n');
      const { timeline, requests, ...brief } = res;
      console.log(JSON.stringify(brief));
      await new Promise(r => setTimeout(r, 1000));
    }
  }
})();
