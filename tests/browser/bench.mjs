// Benchmarks of the viewer against regl-scatterplot in the same headless Chromium, on the same
// synthetic points (100k and 1M): time to first frame, ms per frame while panning, both draw
// paths of the viewer (instanced, plain points); the cost of a layout switch against ordinary
// frames; the page's long tasks while a map loads and its bytes per point; plus bundle size and
// search latency at 1M names.
//
//   node tests/browser/bench.mjs            (after `trunk build` in web/; see bench.sh)
//   STARMAP_GPU=1 node tests/browser/bench.mjs   (a machine with a GPU: hardware WebGL)
//
// Prints a table and writes tests/browser/out/bench.json. Not part of the test run.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const OUT = path.join(HERE, 'out', 'bench');
const DIST = process.env.BENCH_DIST || path.join(ROOT, 'web', 'dist');
// BENCH_ONLY=frames, switch, load or search runs one part.
const ONLY = process.env.BENCH_ONLY || 'all';
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const SIZES = (process.env.BENCH_SIZES || '100000,1000000').split(',').map(Number);
const GPU = process.env.STARMAP_GPU === '1';
const REPEAT = Number(process.env.BENCH_REPEAT || 3);

/** A synthetic map of n points with two layouts (made again when an older one lies there). */
function synth(n) {
  const dir = path.join(OUT, `synth${n}`);
  const manifest = path.join(dir, 'manifest.json');
  const current = fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')).layouts || []).length >= 2;
  if (!current) {
    execFileSync(path.join(TARGET, 'release', 'synth_map'), ['--points', String(n), '--out', dir, '--seed', '1'], {
      stdio: 'inherit',
    });
  }
  return dir;
}

async function buildReglPage() {
  const dir = path.join(OUT, 'regl');
  if (process.env.BENCH_PREBUILT === '1' && fs.existsSync(path.join(dir, 'regl-page.js'))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  // Imported here so a machine given a prebuilt page needs no esbuild.
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(HERE, 'bench', 'regl-page.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    outfile: path.join(dir, 'regl-page.js'),
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(HERE, 'bench', 'regl.html'), path.join(dir, 'index.html'));
  // The page loads the bundle as a module.
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8').replace('<script src', '<script type="module" src');
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  return dir;
}

function bundleSize() {
  const files = fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm') || f.endsWith('.js'));
  const sizes = files.map((f) => {
    const b = fs.readFileSync(path.join(DIST, f));
    return { file: f, bytes: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length };
  });
  return { files: sizes, gzip_total: sizes.reduce((s, f) => s + f.gzip, 0) };
}

const frames = (page) => page.evaluate(() => Number(document.body.dataset.frames || 0));

async function waitReady(page, timeout) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state), null, { timeout });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state === 'error') throw new Error(await page.evaluate(() => document.body.textContent.slice(0, 300)));
}

/** Loads a page, then drags the map `steps` times; returns first-frame and per-frame times. */
async function measure(browser, url, { steps, timeout }) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  // The first frame is what counts for time to first frame; "ready" may come later (indexing).
  await page.waitForFunction(() => document.body.dataset.firstFrameMs || document.body.dataset.state === 'error', null, {
    timeout,
  });
  await waitReady(page, timeout);
  const firstFrameMs = Number(await page.evaluate(() => document.body.dataset.firstFrameMs));
  const renderer = await page.evaluate(() => document.body.dataset.renderer || '');
  let msPerFrame = null;
  let framesDrawn = 0;
  if (steps > 0) {
    // Let pending frames settle, then drag across the middle of the map.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.mouse.move(700, 400);
    await page.mouse.down();
    const f0 = await frames(page);
    const t0 = await page.evaluate(() => performance.now());
    for (let i = 1; i <= steps; i++) await page.mouse.move(700 + i * 6, 400 + i * 3);
    await page.mouse.up();
    const t1 = await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))),
    );
    framesDrawn = (await frames(page)) - f0;
    msPerFrame = framesDrawn > 0 ? (t1 - t0) / framesDrawn : null;
  }
  await page.close();
  if (errors.length) throw new Error(errors.join('; '));
  return { firstFrameMs, msPerFrame, framesDrawn, renderer };
}

/**
 * A layout switch against ordinary frames, on the auto draw path. An ordinary frame: an arrow
 * key pans the map by one frame, timed from the key to that frame finished on the GPU (a 1-pixel
 * read waits for it); the median of five. Also ms per frame while dragging, as above. Then two
 * switches (to the second layout and back), each timed from the change event to its last frame
 * finished on the GPU (the viewer's switch-ms probe), with the frames painted for it and the
 * time the change event itself takes (the switch's own work before its first frame).
 */
async function switchCost(browser, url, { steps, timeout }) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await waitReady(page, timeout);
  // The other layout is in once its option is enabled.
  await page.waitForFunction(() => !document.querySelector('#layout option[value="1"]').disabled, null, { timeout });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.mouse.move(700, 400);
  await page.mouse.down();
  const f0 = await frames(page);
  const t0 = await page.evaluate(() => performance.now());
  for (let i = 1; i <= steps; i++) await page.mouse.move(700 + i * 6, 400 + i * 3);
  await page.mouse.up();
  const t1 = await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))),
  );
  const panFrames = (await frames(page)) - f0;
  const panMs = (t1 - t0) / Math.max(panFrames, 1);
  await page.waitForTimeout(2000);
  const single = [];
  for (let k = 0; k < 5; k++) {
    await page.waitForTimeout(300);
    single.push(
      await page.evaluate(
        (key) =>
          new Promise((resolve) => {
            const canvas = document.getElementById('map');
            const gl = canvas.getContext('webgl2');
            const before = Number(document.body.dataset.frames || 0);
            const t = performance.now();
            const watch = new MutationObserver(() => {
              if (Number(document.body.dataset.frames || 0) > before) {
                watch.disconnect();
                gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
                resolve(performance.now() - t);
              }
            });
            watch.observe(document.body, { attributes: true, attributeFilter: ['data-frames'] });
            window.dispatchEvent(new KeyboardEvent('keydown', { key }));
          }),
        k % 2 ? 'ArrowLeft' : 'ArrowRight',
      ),
    );
  }
  single.sort((a, b) => a - b);
  const frameMs = single[2];
  const switches = [];
  for (const to of ['1', '0']) {
    // Let the pan's last frames and the URL settle.
    await page.waitForTimeout(1000);
    const eventMs = await page.evaluate((value) => {
      const menu = document.getElementById('layout');
      menu.value = value;
      const t = performance.now();
      menu.dispatchEvent(new Event('change'));
      return performance.now() - t;
    }, to);
    await page.waitForFunction(() => !document.body.dataset.switching, null, { timeout });
    const totalMs = Number(await page.evaluate(() => document.body.dataset.switchMs));
    const switchFrames = Number(await page.evaluate(() => document.body.dataset.switchFrames));
    switches.push({ to, eventMs, totalMs, frames: switchFrames, msPerFrame: totalMs / Math.max(switchFrames, 1) });
  }
  await page.close();
  if (errors.length) throw new Error(errors.join('; '));
  return { frameMs, frameRuns: single, panMsPerFrame: panMs, panFrames, switches };
}

/**
 * Loading a map as its reader does: time to the first frame and to every file in, and the
 * page's long tasks (PerformanceObserver 'longtask': the main thread busy 50 ms or more) after
 * the first frame, when the names, metadata, neighbours and other layouts arrive and are
 * indexed. The first frame itself (drawing every point once, finished) is not counted. Also
 * the map's bytes and bytes per point.
 */
async function loadCost(browser, url, dir, { timeout }) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  await waitReady(page, timeout);
  // Tasks queued by the last file (indexing its layouts) run after "ready".
  await page.waitForTimeout(2000);
  const r = await page.evaluate(() => ({
    first: Number(document.body.dataset.firstFrameMs),
    ready: performance.now(),
    long: window.__longTasks,
  }));
  await page.close();
  // The task in which the first frame was stamped is the first frame's (drawing it, then
  // finishing the frame's own work after the stamp); those that start after it count.
  const after = r.long.filter(([start]) => start > r.first);
  const bytes = fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  const points = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).entity_count;
  return {
    firstFrameMs: r.first,
    longTasksAfterFirstFrame: after.length,
    maxLongTaskMs: Math.max(0, ...after.map(([, d]) => d)),
    over100ms: after.filter(([, d]) => d > 100).length,
    mapBytes: bytes,
    bytesPerPoint: bytes / points,
  };
}

/** Types queries one character at a time in the viewer and collects the time of each keystroke. */
async function searchLatency(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(url);
  await waitReady(page, 600000);
  const times = [];
  for (const q of ['kalo veran', 'ionmarul', 'zzqx', 'e', 'ran 9999', 'qui zor']) {
    await page.fill('#search', '');
    await page.focus('#search');
    for (const ch of q) {
      const before = await page.evaluate(() => document.body.dataset.searchSeq || '0');
      await page.keyboard.type(ch);
      await page.waitForFunction((b) => (document.body.dataset.searchSeq || '0') !== b, before);
      times.push(Number(await page.evaluate(() => document.body.dataset.searchMs)));
      if (process.env.BENCH_VERBOSE) console.log(`  ${JSON.stringify(await page.inputValue('#search'))} ${times[times.length - 1]} ms`);
    }
  }
  await page.close();
  times.sort((a, b) => a - b);
  return {
    keystrokes: times.length,
    median_ms: times[Math.floor(times.length / 2)],
    p95_ms: times[Math.floor(times.length * 0.95)],
    max_ms: times[times.length - 1],
  };
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const reglDir = await buildReglPage();
  const mounts = [
    ['/viewer/', DIST],
    ['/regl/', reglDir],
  ];
  for (const n of SIZES) mounts.push([`/data/${n}/`, synth(n)]);
  const server = await serve(mounts);
  const browser = await launch();
  const results = { gpu: GPU, bundle: bundleSize(), runs: [] };
  try {
    // Warm up the browser's GPU process, so the first case measured pays no start-up cost.
    await measure(browser, `${server.url}/regl/?data=/data/${SIZES[0]}/`, { steps: 0, timeout: 600000 });
    for (const n of ONLY === 'all' || ONLY === 'frames' ? SIZES : []) {
      const big = n >= 1000000;
      // SwiftShader: ~1 s/frame for 1M plain points, ~22 s/frame instanced; keep those short.
      const timeout = 600000;
      const cases = [
        ['starmap (auto path)', `/viewer/?data=/data/${n}/`, big ? 4 : 20],
        ['starmap (instanced)', `/viewer/?data=/data/${n}/&render=instanced`, GPU ? (big ? 20 : 20) : big ? 0 : 3],
        ['starmap (points)', `/viewer/?data=/data/${n}/&render=points`, big ? 4 : 20],
        ['regl-scatterplot', `/regl/?data=/data/${n}/`, big ? 4 : 20],
      ];
      for (const [name, url, steps] of cases) {
        // Time to first frame varies run to run (2 cores shared with the GPU process): the median
        // of REPEAT loads; panning is measured on the first.
        const repeat = steps === 0 && big && !GPU ? 1 : REPEAT;
        const runs = [];
        for (let k = 0; k < repeat; k++) runs.push(await measure(browser, server.url + url, { steps: k === 0 ? steps : 0, timeout }));
        const firsts = runs.map((x) => x.firstFrameMs).sort((a, b) => a - b);
        const r = { ...runs[0], firstFrameMs: firsts[Math.floor(firsts.length / 2)], firstFrameRuns: firsts };
        results.runs.push({ points: n, viewer: name, ...r });
        console.log(
          `${String(n).padStart(8)}  ${name.padEnd(22)} first frame ${r.firstFrameMs.toFixed(0).padStart(6)} ms   ` +
            (r.msPerFrame == null ? 'pan: skipped' : `pan ${r.msPerFrame.toFixed(1).padStart(7)} ms/frame (${r.framesDrawn} frames)`),
        );
      }
    }
    if (ONLY === 'all' || ONLY === 'switch') {
      results.switch = [];
      for (const n of SIZES) {
        const r = await switchCost(browser, `${server.url}/viewer/?data=/data/${n}/`, { steps: n >= 1000000 ? 4 : 20, timeout: 600000 });
        results.switch.push({ points: n, ...r });
        console.log(
          `${String(n).padStart(8)}  switch: one frame ${r.frameMs.toFixed(0)} ms, pan ${r.panMsPerFrame.toFixed(1)} ms/frame; ` +
            r.switches
              .map(
                (w) =>
                  `to ${w.to}: event ${w.eventMs.toFixed(1)} ms, ${w.totalMs.toFixed(0)} ms in ${w.frames} frames ` +
                  `(${(w.totalMs / r.frameMs).toFixed(2)} frames' worth)`,
              )
              .join('; '),
        );
      }
    }
    if (ONLY === 'all' || ONLY === 'load') {
      results.load = [];
      for (const n of SIZES) {
        const r = await loadCost(browser, `${server.url}/viewer/?data=/data/${n}/`, synth(n), { timeout: 600000 });
        results.load.push({ points: n, ...r });
        console.log(
          `${String(n).padStart(8)}  load: first frame ${r.firstFrameMs.toFixed(0)} ms; after it ${r.longTasksAfterFirstFrame} long tasks, ` +
            `longest ${r.maxLongTaskMs.toFixed(0)} ms, ${r.over100ms} over 100 ms; map ${(r.mapBytes / 1e6).toFixed(1)} MB, ` +
            `${r.bytesPerPoint.toFixed(1)} B/point`,
        );
      }
    }
    const n = Math.max(...SIZES);
    if (ONLY === 'all' || ONLY === 'search') results.search = { points: n, ...(await searchLatency(browser, `${server.url}/viewer/?data=/data/${n}/`)) };
    if (results.search) console.log(`search at ${n} names:`, results.search);
    console.log('bundle (gzip):', results.bundle.files.map((f) => `${f.file} ${f.gzip} B`).join(', '), `total ${results.bundle.gzip_total} B`);
    // Only the frames part records the renderer.
    if (results.runs.length) console.log('renderer:', results.runs[0].renderer);
  } finally {
    await browser.close();
    await server.close();
  }
  fs.writeFileSync(path.join(OUT, '..', GPU ? 'bench-gpu.json' : 'bench.json'), JSON.stringify(results, null, 2));
}

await main();
