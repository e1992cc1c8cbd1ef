// Reading and exploring the map in a real browser (headless Chromium, SwiftShader WebGL2) on
// the films map that run.sh builds: named clusters over a map coloured by cluster, choosing a
// cluster, the lasso and its CSV export, keyboard-only use, typo-tolerant search, axe-core's
// accessibility rules, and the same controls in an embed and on a phone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { open, data } from './helpers.mjs';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server;
let browser;
let base;
let manifest;

before(async () => {
  server = await serve([['/', path.join(OUT, 'site')]]);
  base = server.url;
  browser = await launch();
  manifest = JSON.parse(fs.readFileSync(path.join(OUT, 'site', 'manifest.json'), 'utf8'));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The cluster name buttons shown now: text, key and box. */
function shownLabels(page) {
  return page.$$eval('#cluster-labels .cluster-label:not([hidden])', (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent, key: el.dataset.cluster, tag: el.tagName, box: [r.left, r.top, r.right, r.bottom] };
    }),
  );
}

function overlaps(a, b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/** A lasso centre near (cx, cy) whose start, r to the right, is on no cluster name (a press on
 * a name chooses its cluster instead). */
async function clearStart(page, cx, cy, r) {
  const boxes = (await shownLabels(page)).map((l) => l.box);
  const onName = (y) => boxes.some((b) => overlaps(b, [cx + r - 3, y - 3, cx + r + 3, y + 3]));
  let y = cy;
  for (let k = 0; k < 40 && onName(y); k++) y += k % 2 ? -7 * k : 7 * k;
  return [cx, y];
}

/** Parses CSV text (quoted fields, doubled quotes) into rows of fields. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('the map names its regions', () => {
  it('opens coloured by cluster, with cluster names that do not overlap and choose their cluster', async () => {
    assert.ok(manifest.clusters, 'the films map has clusters');
    const coarse = manifest.clusters.levels[0].clusters;
    assert.ok(coarse.length >= 8 && coarse.length <= 40, `${coarse.length} top-level clusters`);
    const page = await open(browser, `${base}/`);
    await page.waitForSelector('#cluster-labels .cluster-label:not([hidden])');
    assert.equal(await page.getAttribute('#cluster-labels', 'role'), 'group');
    assert.equal(await page.getAttribute('#cluster-labels', 'aria-label'), 'Cluster labels');
    assert.equal(await page.inputValue('#color-by'), 'clusters', 'coloured by cluster by default');
    assert.equal(await page.locator('#legend li').count(), coarse.length, 'the legend lists every cluster');
    const labels = await shownLabels(page);
    assert.ok(labels.length >= 5, `only ${labels.length} names shown`);
    const names = new Set(coarse.map((c) => c.name));
    for (const l of labels) {
      assert.equal(l.tag, 'BUTTON');
      assert.ok(names.has(l.text), `${l.text} is a top-level cluster's name`);
    }
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        assert.ok(!overlaps(labels[i].box, labels[j].box), `${labels[i].text} overlaps ${labels[j].text}`);
      }
    }
    // Clicking a name chooses the cluster: its panel, the rest dimmed, the URL.
    const first = labels[0];
    const id = Number(first.key.split(':')[1]);
    await page.click(`.cluster-label[data-cluster="${first.key}"]`);
    await page.waitForFunction(() => document.body.dataset.group);
    assert.equal(Number(await data(page, 'group')), coarse[id].size);
    assert.equal(await page.textContent('#group-title'), first.text);
    assert.match(await page.textContent('#group-sub'), /points/);
    assert.ok((await page.locator('#group-summary dt').count()) > 0, 'top values per column');
    assert.ok((await page.locator('#group-members li button').count()) > 0, 'top members');
    assert.equal(await page.getAttribute(`.cluster-label[data-cluster="${first.key}"]`, 'aria-pressed'), 'true');
    await page.waitForFunction((k) => location.hash.includes(`g=c~${k.replace(':', '~')}`), first.key);
    // The link restores it.
    const hash = await page.evaluate(() => location.hash);
    const again = await open(browser, `${base}/${hash}`);
    await again.waitForFunction(() => document.body.dataset.group);
    assert.equal(Number(await data(again, 'group')), coarse[id].size);
    assert.deepEqual(page.errors, []);
    await again.close();
    await page.close();
  });

  it('shift+drag draws a lasso; its points are counted, exported as CSV and linked', async () => {
    const page = await open(browser, `${base}/`);
    const box = await page.locator('#map').boundingBox();
    const r = 90;
    const [cx, cy] = await clearStart(page, box.x + box.width * 0.6, box.y + box.height * 0.55, r);
    await page.keyboard.down('Shift');
    await page.mouse.move(cx + r, cy);
    await page.mouse.down();
    for (let k = 1; k <= 24; k++) {
      const a = (k / 24) * 2 * Math.PI;
      await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a));
    }
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForFunction(() => document.body.dataset.group);
    const inside = Number(await data(page, 'group'));
    assert.ok(inside > 10 && inside < manifest.entity_count, `${inside} points inside`);
    assert.equal(await page.textContent('#group-title'), 'Selected area');
    const sub = await page.textContent('#group-sub');
    assert.equal(Number(sub.match(/^([\d,]+) points/)[1].replaceAll(',', '')), inside, sub);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#group-export')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0].slice(0, 3), [manifest.id_column, manifest.label_column, 'cluster_name']);
    assert.equal(rows.length - 1, inside, 'one row per point inside');
    const ids = new Set(rows.slice(1).map((r) => r[0]));
    assert.equal(ids.size, inside, 'no id twice');
    const top = await page.$$eval('#group-members button', (bs) => bs.map((b) => b.textContent));
    const names = new Set(rows.slice(1).map((r) => r[1]));
    assert.ok(top.length > 0 && top.every((t) => names.has(t)), 'the panel\'s top members are in the file');
    assert.ok(rows.slice(1).every((r) => r.length === rows[0].length), 'every row has every column');
    // The deep link restores the same points.
    await page.waitForFunction(() => location.hash.includes('g=a~'));
    const hash = await page.evaluate(() => location.hash);
    const again = await open(browser, `${base}/${hash}`);
    await again.waitForFunction(() => document.body.dataset.group);
    assert.equal(Number(await data(again, 'group')), inside);
    // A filter narrows the group; the export follows it.
    assert.deepEqual(page.errors, []);
    await again.close();
    await page.close();
  });

  it('works by keyboard alone: the map, arrow keys, Enter for details, Escape, Tab to the names', async () => {
    const page = await open(browser, `${base}/`);
    await page.waitForSelector('#cluster-labels .cluster-label:not([hidden])');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'map', 'Tab reaches the map first');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.body.dataset.selected);
    const first = await data(page, 'selected');
    await page.waitForFunction(() => document.getElementById('announce').textContent.length > 0);
    const said = await page.textContent('#announce');
    assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
    assert.match(said, / in .+, \d+ neighbours?\. Enter for details\./, said);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((f) => document.body.dataset.selected !== f, first);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement.id === 'details-title');
    const title = await page.textContent('#details-title');
    assert.ok(said.length > 0 && title.length > 0);
    assert.ok(await page.locator('#details').isVisible());
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.body.dataset.selected);
    await page.focus('#map');
    await page.keyboard.press('Tab');
    const cls = await page.evaluate(() => document.activeElement.className);
    assert.match(cls, /cluster-label/, 'Tab from the map reaches the cluster names');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.dataset.group);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('has no serious or critical axe-core violations, loaded and with details open', async () => {
    const page = await open(browser, `${base}/`);
    await page.waitForSelector('#cluster-labels .cluster-label:not([hidden])');
    assert.deepEqual(await axeViolations(page), [], 'loaded page');
    await page.focus('#map');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#details:not([hidden])');
    await page.click('.cluster-label:not([hidden])');
    await page.waitForSelector('#group:not([hidden])');
    assert.deepEqual(await axeViolations(page), [], 'details and group open');
    await page.close();
  });

  it('search forgives typos, ranks exact and prefix matches first, and finds cluster names', async () => {
    const page = await open(browser, `${base}/`);
    const results = async (query) => {
      await page.fill('#search', query);
      await page.waitForFunction((q) => document.body.dataset.searchSeq && document.getElementById('search').value === q, query);
      await page.waitForSelector('#results [role=option]');
      return page.$$eval('#results [role=option]', (lis) => lis.map((li) => li.querySelector('.name')?.textContent ?? li.textContent));
    };
    assert.equal((await results('Casablnca'))[0], 'Casablanca', 'one letter left out');
    const wars = await results('Sar Wars');
    assert.ok(wars.length > 0 && wars.slice(0, 3).every((t) => t.startsWith('Star Wars')), wars.join(' | '));
    const godfather = await results('godfather');
    const at = (t) => godfather.indexOf(t);
    assert.ok(at('The Godfather') >= 0, godfather.join(' | '));
    assert.ok(at('The Godfather') < at('The Godfather Part II'), godfather.join(' | '));
    assert.ok(at('The Godfather') < at('The Godfather Part III'), godfather.join(' | '));
    // A region's name is found too, and Enter on it chooses the cluster.
    const name = manifest.clusters.levels[0].clusters[0].name;
    const found = await results(name);
    const row = await page.$(`#results li.cluster`);
    assert.ok(row, `no cluster row for ${name}: ${found.join(' | ')}`);
    await page.click('#results li.cluster');
    await page.waitForFunction(() => document.body.dataset.group);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const [name, url, size] of [
    ['an embed at 600×400', '/?embed=1', { width: 600, height: 400 }],
    ['a 375 px phone', '/', { width: 375, height: 740 }],
  ]) {
    it(`names clusters and lassoes in ${name}`, async () => {
      const page = await open(browser, `${base}${url}`, size);
      await page.waitForSelector('#cluster-labels .cluster-label:not([hidden])');
      const labels = await shownLabels(page);
      assert.ok(labels.length >= 2, `${labels.length} names`);
      for (const l of labels) {
        assert.ok(l.box[0] >= 0 && l.box[2] <= size.width && l.box[3] <= size.height, `${l.text} inside the frame`);
      }
      // Touch users: the lasso button makes a plain drag draw.
      await page.click('#lasso-mode');
      assert.equal(await page.getAttribute('#lasso-mode', 'aria-pressed'), 'true');
      const box = await page.locator('#map').boundingBox();
      const r = Math.min(box.width, box.height) / 4;
      const [cx, cy] = await clearStart(page, box.x + box.width / 2, box.y + box.height * 0.6, r);
      await page.mouse.move(cx + r, cy);
      await page.mouse.down();
      for (let k = 1; k <= 16; k++) {
        const a = (k / 16) * 2 * Math.PI;
        await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a));
      }
      await page.mouse.up();
      await page.waitForFunction(() => document.body.dataset.group);
      assert.ok(await page.locator('#group-export').isVisible(), 'the export is reachable');
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});
