// A small W3C WebDriver client (fetch, no dependency) for WebKitGTK's WebKitWebDriver, which
// drives MiniBrowser, Safari's engine (the browsers' flags and environment: web/README.md).
// Classic WebDriver only: WebKitWebDriver speaks no BiDi, so puppeteer and playwright cannot
// drive it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** The W3C web element identifier: the key of an element reference in WebDriver JSON. */
export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** WebKitWebDriver on PATH (or WEBKIT_WEBDRIVER), or null. */
export function webDriverBinary() {
  if (process.env.WEBKIT_WEBDRIVER) return process.env.WEBKIT_WEBDRIVER;
  for (const dir of (process.env.PATH || '').split(':')) {
    const p = `${dir}/WebKitWebDriver`;
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

/** MiniBrowser of the installed WebKitGTK (webkit2gtk-driver), or WEBKIT_MINIBROWSER, or null. */
export function miniBrowser() {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']) {
    for (const v of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
      const p = `${dir}/${v}/MiniBrowser`;
      if (fs.existsSync(p)) return p;
    }
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts WebKitWebDriver and one MiniBrowser session with a `width` × `height` window. The
 * session's methods are thin wrappers of WebDriver commands; `run` and `until` execute
 * functions in the current browsing context (a page or, after `frame`, an iframe).
 */
export async function webkitSession({ width = 1200, height = 800 } = {}) {
  const driverBin = webDriverBinary();
  if (!driverBin) throw new Error('no WebKitWebDriver: apt-get install webkit2gtk-driver (CI installs it)');
  const binary = miniBrowser();
  if (!binary) throw new Error('no MiniBrowser: apt-get install webkit2gtk-driver (CI installs it)');
  const port = await freePort();
  const driver = spawn(driverBin, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let driverLog = '';
  driver.stderr.on('data', (d) => {
    driverLog = (driverLog + d).slice(-4000);
  });
  const root = `http://127.0.0.1:${port}`;
  async function call(method, path, body) {
    const r = await fetch(root + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const j = await r.json();
    if (j.value && j.value.error) {
      const e = new Error(`${method} ${path}: ${j.value.error}: ${j.value.message}`);
      e.webdriver = j.value.error;
      throw e;
    }
    return j.value;
  }
  let created;
  for (let i = 0; i < 100 && !created; i++) {
    try {
      created = await call('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            browserName: 'MiniBrowser',
            'webkitgtk:browserOptions': { binary, args: ['--automation'] },
            // An alert left open fails the next command ("unexpected alert open").
            unhandledPromptBehavior: 'dismiss and notify',
          },
        },
      });
    } catch (e) {
      if (!/fetch failed|ECONNREFUSED/.test(String(e.cause ?? e))) throw e;
      await sleep(50);
    }
  }
  if (!created) {
    driver.kill();
    throw new Error(`WebKitWebDriver did not start: ${driverLog}`);
  }
  const s = `/session/${created.sessionId}`;
  await call('POST', `${s}/timeouts`, { script: 90000, pageLoad: 60000, implicit: 0 });
  await call('POST', `${s}/window/rect`, { width, height });

  /** Runs `fn` (a function, sent as source) in the page with `args`; returns its awaited result. */
  async function run(fn, ...args) {
    const r = await call('POST', `${s}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn}).apply(null, Array.from(arguments).slice(0, -1)))
          .then((v) => done({ v }), (e) => done({ thrown: String(e && e.stack || e) }));`,
      args,
    });
    if (r && 'thrown' in r) throw new Error(`in the page: ${r.thrown}`);
    return r?.v;
  }

  return {
    capabilities: created.capabilities,
    call,
    run,
    /**
     * Polls `fn(...args)` in the page every 20 ms (one WebDriver round trip, the loop runs in
     * the page) until it returns something truthy; returns that.
     */
    async until(fn, { args = [], timeout = 60000, what = String(fn) } = {}) {
      const r = await run(
        `(args, timeout) => new Promise((resolve) => {
          const f = (${fn});
          const end = performance.now() + timeout;
          const tick = () => {
            let v;
            try {
              v = f(...args);
            } catch {
              v = undefined;
            }
            if (v) resolve({ v });
            else if (performance.now() > end) resolve({ timedOut: true });
            else setTimeout(tick, 20);
          };
          tick();
        })`,
        args,
        timeout,
      );
      if (!r || r.timedOut) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      return r.v;
    },
    goto: (url) => call('POST', `${s}/url`, { url }),
    /** The element reference (`{ [ELEMENT]: id }`) of the first match of `css`. */
    find: (css) => call('POST', `${s}/element`, { using: 'css selector', value: css }),
    /** Types `text` into `element` (WebDriver key codes: '\uE007' is Enter). */
    type: (element, text) => call('POST', `${s}/element/${element[ELEMENT]}/value`, { text }),
    /** Base64 PNG of `element` as drawn. */
    screenshot: (element) => call('GET', `${s}/element/${element[ELEMENT]}/screenshot`),
    /** Enters the iframe `element` (a reference from `find`), or back to the page with null. */
    frame: (element) => call('POST', `${s}/frame`, { id: element }),
    /** The text of the open user prompt (alert, confirm), or null when none is open. */
    async alertText() {
      try {
        return await call('GET', `${s}/alert/text`);
      } catch (e) {
        if (e.webdriver === 'no such alert') return null;
        throw e;
      }
    },
    async close() {
      await call('DELETE', s).catch(() => {});
      driver.kill();
    },
  };
}
