// SPDX-License-Identifier: MIT
// Browser test of `brink serve`: Debian's chromium driven by playwright-core. Loads the page,
// runs, changes a parameter and runs again (the table and the charts change, the previous
// result stays as a ghost), opens the share link (the same numbers), sweeps one parameter (the
// chart and table; its share link gives the same bytes), forecasts from the record (the table
// per policy and the filter's summary; its share link gives the same numbers and bytes), and
// checks the editor's inline error
// for a broken YAML. Charts are checked for non-blank pixels; every request the
// browser makes must go to the server under test.
// usage: node serve.test.js URL CHROMIUM OUTDIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const [url, executablePath, outDir] = process.argv.slice(2);
let failed = 0, passed = 0;
function ok(name, cond, detail) {
  if (cond) passed++;
  else { failed++; console.log('FAILED: ' + name + (detail !== undefined ? ' (' + detail + ')' : '')); }
}

// Coloured (non-grey) pixels of every chart image, drawn on a canvas in the page.
async function chartPixels(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((img) => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, gg, b] = [d[i], d[i + 1], d[i + 2]];
      if (Math.max(r, gg, b) - Math.min(r, gg, b) > 40) coloured++;
    }
    return { w: c.width, h: c.height, coloured };
  }), selector || '#charts img.current');
}

async function sweepMeans(page) {
  return page.evaluate(() => [...document.querySelectorAll('#sweep-table tbody tr')].map((tr) =>
    [Number(tr.dataset.value), ...[...tr.querySelectorAll('td[data-mean]')].map((td) => Number(td.dataset.mean))]));
}

async function waitSweep(page, previousStatus) {
  await until(page, (prev) => {
    const s = document.getElementById('sweep-status').textContent;
    const img = document.querySelector('#sweep-chart img');
    return s !== '' && s !== prev && img && img.complete && img.naturalWidth > 0 &&
      document.getElementById('status').textContent.startsWith('done: sweep');
  }, previousStatus, 60000);
  return page.$eval('#sweep-status', (e) => e.textContent);
}

async function waitForecast(page, previousStatus) {
  await until(page, (prev) => {
    const s = document.getElementById('forecast-status').textContent;
    return s !== '' && s !== prev && document.getElementById('status').textContent.startsWith('done: forecast');
  }, previousStatus, 60000);
  return page.$eval('#forecast-status', (e) => e.textContent);
}

async function forecastRows(page) {
  return page.evaluate(() => [...document.querySelectorAll('#forecast-table tbody tr')].map((tr) =>
    [tr.dataset.policy, ...[...tr.querySelectorAll('td[data-mean]')].map((td) => Number(td.dataset.mean))]));
}

async function tableMeans(page) {
  return page.evaluate(() => [...document.querySelectorAll('#results tbody tr')].map((tr) =>
    [tr.dataset.policy, ...[...tr.querySelectorAll('td[data-mean]')].map((td) => Number(td.dataset.mean))]));
}

// Polls fn in the page (page.waitForFunction evaluates strings, which the page's CSP forbids).
async function until(page, fn, arg, timeout) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + fn.toString().slice(0, 80));
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitResult(page, previousStatus) {
  await until(page, (prev) => {
    const s = document.getElementById('status').textContent;
    return s.startsWith('done') && s !== prev && document.querySelectorAll('#charts img.current').length === 3 &&
      [...document.querySelectorAll('#charts img')].every((i) => i.complete && i.naturalWidth > 0);
  }, previousStatus, 60000);
  return page.$eval('#status', (e) => e.textContent);
}

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const origin = new URL(url).origin;
  const foreign = [];
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const watch = (p) => {
    p.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
    p.on('pageerror', (e) => { failed++; console.log('FAILED: page error: ' + e.message); });
  };
  watch(page);
  try {
    await page.goto(url + '/');
    await page.waitForSelector('#param-rows input[data-name="dprk_greed"]');
    ok('version shown', /\d+\.\d+\.\d+/.test(await page.$eval('#version', (e) => e.textContent)));
    ok('policies listed', (await page.$$('#policies input[type=checkbox]')).length >= 2);
    // Run 1: the scenario's priors.
    await page.fill('#runs', '600');
    await page.fill('#seed', '3');
    await page.click('#run');
    let status = await waitResult(page, '');
    const first = await tableMeans(page);
    ok('table has a row per policy', first.length >= 2, first.length);
    ok('table cells are numbers', first.every((r) => r.slice(1).every((v) => Number.isFinite(v))));
    ok('run count and seed shown', /600 runs per policy, seed 3/.test(status), status);
    const px1 = await chartPixels(page);
    ok('three charts', px1.length === 3, px1.length);
    for (const [i, p] of px1.entries()) ok('chart ' + i + ' not blank', p.w > 100 && p.coloured > 500, JSON.stringify(p));
    await page.screenshot({ path: path.join(outDir, 'serve-run1.png'), fullPage: true });
    const conflict1 = await page.$eval('#charts img.current', (i) => i.src);
    // Run 2: a parameter changed; the table and charts change; the ghost shows run 1.
    await page.fill('#param-rows input[data-name="dprk_greed"]', '0.95');
    await page.click('#run');
    status = await waitResult(page, status);
    const second = await tableMeans(page);
    ok('numbers changed with dprk_greed=0.95', JSON.stringify(first) !== JSON.stringify(second));
    ok('chart changed', conflict1 !== await page.$eval('#charts img.current', (i) => i.src));
    ok('ghost values in the table', (await page.$$('#results .ghost')).length >= 2);
    ok('ghost charts', (await page.$$('#charts img.ghost-chart')).length === 3);
    const ghostFirst = await page.$eval('#results tbody tr td .ghost', (e) => e.textContent);
    ok('ghost is run 1', ghostFirst.includes((100 * first[0][1]).toFixed(2)), ghostFirst);
    for (const [i, p] of (await chartPixels(page)).entries()) ok('run 2 chart ' + i + ' not blank', p.coloured > 500, JSON.stringify(p));
    await page.screenshot({ path: path.join(outDir, 'serve-run2.png'), fullPage: true });
    // Share link: a new page reproduces run 2 exactly.
    const link = await page.$eval('#share-link', (a) => a.href);
    ok('link encodes the inputs', /scenario=2022\.yaml/.test(link) && /set=params\.dprk_greed%3D0\.95/.test(link) &&
      /runs=600/.test(link) && /seed=3/.test(link) && /v=\d/.test(link), link);
    const shared = await browser.newPage();
    watch(shared);
    await shared.goto(link);
    await waitResult(shared, '');
    ok('share link gives the same numbers', JSON.stringify(await tableMeans(shared)) === JSON.stringify(second));
    ok('share link restores the override', (await shared.$eval('#param-rows input[data-name="dprk_greed"]', (e) => e.value)) === '0.95');
    // Sweep one parameter: the range defaults to the prior's support (dprk_greed: beta, [0, 1]).
    await page.selectOption('#sweep-param', 'dprk_greed');
    ok('sweep range defaults to the support', (await page.inputValue('#sweep-lo')) === '0' &&
      (await page.inputValue('#sweep-hi')) === '1');
    // 5 points x 600 runs is over this server's --max-runs 2000: said before and after asking.
    await page.fill('#sweep-points', '5');
    ok('sweep budget warns', /lower the runs to 400/.test(await page.$eval('#sweep-budget', (e) => e.textContent)));
    await page.click('#run-sweep');
    await until(page, () => /over --max-runs 2000/.test(document.getElementById('status').textContent), null, 10000);
    ok('too large a sweep is refused with its reason', true);
    await page.fill('#sweep-lo', '0.1');
    await page.fill('#sweep-hi', '0.9');
    await page.fill('#sweep-points', '3');
    await page.click('#run-sweep');
    const sweepStatus = await waitSweep(page, '');
    ok('sweep status names runs and seed', /3 points, 600 runs per policy and point, seed 3/.test(sweepStatus), sweepStatus);
    const sweep = await sweepMeans(page);
    ok('sweep table: a row per point', sweep.length === 3 && sweep.map((r) => r[0]).join() === '0.1,0.5,0.9', JSON.stringify(sweep));
    ok('sweep table: a number per policy', sweep.every((r) => r.length === first.length + 1 && r.slice(1).every((v) => v >= 0 && v <= 1)));
    // The comparison above had dprk_greed=0.95; the sweep sets it at each point instead.
    ok('sweep link leaves out the swept override', !/set=params\.dprk_greed/.test(await page.evaluate(() => location.hash)));
    const spx = await chartPixels(page, '#sweep-chart img');
    ok('sweep chart not blank', spx.length === 1 && spx[0].w > 100 && spx[0].coloured > 500, JSON.stringify(spx));
    await page.screenshot({ path: path.join(outDir, 'serve-sweep.png'), fullPage: true });
    const sweepLink = await page.$eval('#sweep-share-link', (a) => a.href);
    ok('sweep link encodes the sweep', /sweep=dprk_greed%3A0\.1%3A0\.9%3A3/.test(sweepLink) && /runs=600/.test(sweepLink), sweepLink);
    const sweepJson = await page.evaluate(async () => (await fetch(document.querySelector('#sweep-downloads a').getAttribute('href'))).text());
    const sharedSweep = await browser.newPage();
    watch(sharedSweep);
    await sharedSweep.goto(sweepLink);
    await waitSweep(sharedSweep, '');
    ok('sweep link gives the same numbers', JSON.stringify(await sweepMeans(sharedSweep)) === JSON.stringify(sweep));
    const sharedJson = await sharedSweep.evaluate(async () => (await fetch(document.querySelector('#sweep-downloads a').getAttribute('href'))).text());
    ok('sweep link gives the same bytes', sharedJson.length > 100 && sharedJson === sweepJson);
    ok('sweep link restores the control', (await sharedSweep.inputValue('#sweep-param')) === 'dprk_greed' &&
      (await sharedSweep.inputValue('#sweep-points')) === '3');
    const sweepHrefs = await page.$$eval('#sweep-downloads a', (as) => as.map((a) => a.getAttribute('href')));
    ok('sweep downloads', sweepHrefs.length === 4 && sweepHrefs.every((h) => /^\/api\/results\/[0-9a-f]{16}(\.json|\.csv|\.html|\/sweep\.svg)$/.test(h)), sweepHrefs.join(' '));
    // Forecast from the record (this server has the Korean history): the box, a table per policy.
    ok('forecast box shown', await page.$eval('#forecast', (e) => !e.hidden));
    ok('forecast origin defaults to 2022-11-07', (await page.inputValue('#forecast-origin')) === '2022-11-07');
    await page.fill('#forecast-horizon', '52');
    await page.fill('#forecast-particles', '40');
    await page.fill('#forecast-replicates', '2');
    await page.click('#run-forecast');
    const fStatus = await waitForecast(page, '');
    ok('forecast status names origin, horizon, runs and seed', /from 2022-11-07 for 52 weeks: 600 runs per policy, seed 3/.test(fStatus), fStatus);
    const frows = await forecastRows(page);
    ok('forecast table: a row per policy', frows.length === first.length, JSON.stringify(frows));
    ok('forecast table: six numbers per row', frows.every((r) => r.length === 7 && r.slice(1).every((v) => Number.isFinite(v))));
    ok('forecast table: P(armed conflict) in [0, 1]', frows.every((r) => r[1] >= 0 && r[1] <= 1));
    ok('forecast table: the baseline marked', (await page.$$('#forecast-table tr.baseline')).length === 1);
    const ftext = await page.$eval('#forecast-filter', (e) => e.textContent);
    ok('filter summary with units and errors', /log-likelihood -\d+\.\d nats \(Monte Carlo standard error \d+\.\d nats; 2 filters of 40 particles\)/.test(ftext) &&
      /greedy type \| the record\): \d\.\d{3}, Monte Carlo standard error \d\.\d{3} over 2 filters/.test(ftext), ftext);
    await page.screenshot({ path: path.join(outDir, 'serve-forecast.png'), fullPage: true });
    const fLink = await page.$eval('#forecast-share-link', (a) => a.href);
    ok('forecast link encodes the forecast', /forecast=2022-11-07%3A52%3A40%3A2/.test(fLink) && /runs=600/.test(fLink), fLink);
    const fHrefs = await page.$$eval('#forecast-downloads a', (as) => as.map((a) => a.getAttribute('href')));
    ok('forecast downloads', fHrefs.length === 2 && fHrefs.every((h) => /^\/api\/results\/[0-9a-f]{16}\.(json|txt)$/.test(h)), fHrefs.join(' '));
    const fJson = await page.evaluate(async () => (await fetch(document.querySelector('#forecast-downloads a').getAttribute('href'))).text());
    const sharedForecast = await browser.newPage();
    watch(sharedForecast);
    await sharedForecast.goto(fLink);
    await waitForecast(sharedForecast, '');
    ok('forecast link gives the same numbers', JSON.stringify(await forecastRows(sharedForecast)) === JSON.stringify(frows));
    const fShared = await sharedForecast.evaluate(async () => (await fetch(document.querySelector('#forecast-downloads a').getAttribute('href'))).text());
    ok('forecast link gives the same bytes', fJson.length > 100 && fShared === fJson);
    ok('forecast link restores the control', (await sharedForecast.inputValue('#forecast-particles')) === '40' &&
      (await sharedForecast.inputValue('#forecast-horizon')) === '52');
    // Downloads point at the result.
    const hrefs = await page.$$eval('#downloads a', (as) => as.map((a) => a.getAttribute('href')));
    ok('three downloads', hrefs.length === 3 && hrefs.every((h) => /^\/api\/results\/[0-9a-f]{16}\.(json|csv|html)$/.test(h)), hrefs.join(' '));
    // The editor: a broken YAML (an unclosed flow sequence on line 4) gets an inline error.
    await page.fill('#editor', 'brink: 1\nname: broken\ntime: {step: week, horizon: 10}\nparams:\n  a: {dist: beta, a: [1, 2\n');
    await page.click('#check');
    await page.waitForSelector('#editor-errors li.error', { timeout: 10000 });
    const err = await page.$eval('#editor-errors li.error', (e) => ({ line: Number(e.dataset.line), col: Number(e.dataset.col), text: e.textContent }));
    ok('inline error has line and column', err.line >= 4 && err.line <= 6 && err.col >= 1, JSON.stringify(err));
    ok('gutter marks the line', (await page.$$('#gutter .bad')).length >= 1);
    // An unknown key is reported where it is written.
    await page.fill('#editor', 'brink: 1\nname: x\nbogus_key: 3\n');
    await page.click('#check');
    await until(page, () => /bogus_key/.test(document.getElementById('editor-errors').textContent), null, 10000);
    const err2 = await page.$eval('#editor-errors li.error', (e) => ({ line: Number(e.dataset.line), col: Number(e.dataset.col) }));
    ok('unknown key at line 3, column 1', err2.line === 3 && err2.col === 1, JSON.stringify(err2));
    await page.screenshot({ path: path.join(outDir, 'serve-editor.png'), fullPage: true });
  } catch (e) {
    failed++;
    console.log('FAILED: ' + e.message);
  }
  ok('no request outside the server', foreign.length === 0, foreign.join(' '));
  await browser.close();
  console.log('serve.test.js: ' + passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})();
