// SPDX-License-Identifier: MIT
// The page of `brink serve`: plain JavaScript, no library, talks only to its own server.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { version: '', scenario: null, current: null, previous: null, source: null, sweep: null, forecast: null, bounds: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function getJSON(url, options) {
  const r = await fetch(url, options);
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: 'unreadable answer (' + r.status + ')' }; }
  return { status: r.status, body, retryAfter: r.headers.get('Retry-After') };
}

function pct(v) { return v === null || v === undefined ? 'n/a' : (100 * v).toFixed(2); }
function num(v) { return v === null || v === undefined ? 'n/a' : v.toFixed(2); }
function fmtPrior(p) {
  const f = (x) => (x === null ? '∞' : String(+x.toPrecision(4)));
  switch (p.dist) {
    case 'constant': return 'constant ' + f(p.a);
    case 'uniform': return 'uniform [' + f(p.lo) + ', ' + f(p.hi) + ']';
    case 'normal': return 'normal(mean ' + f(p.a) + ', sd ' + f(p.b) + ')';
    case 'truncnormal': return 'truncnormal(mean ' + f(p.a) + ', sd ' + f(p.b) + ') on [' + f(p.lo) + ', ' + f(p.hi) + ']';
    case 'beta': return 'beta(' + f(p.a) + ', ' + f(p.b) + '), mean ' + f(p.mean);
    default: return p.dist + ', mean ' + f(p.mean);
  }
}

// ---- The inputs <-> the URL (scenario, overrides, policies, runs, seed, version, sweep, forecast)

function inputs() {
  const overrides = [];
  for (const input of document.querySelectorAll('#param-rows input')) {
    if (input.value.trim() !== '') overrides.push('params.' + input.dataset.name + '=' + input.value.trim());
  }
  const policies = [...document.querySelectorAll('#policies input:checked')].map((c) => c.value);
  return {
    scenario: $('scenario').value, overrides, policies,
    runs: Number($('runs').value), seed: Number($('seed').value),
  };
}

// The sweep control's request: the inputs above plus {param, lo, hi, points}; an override of
// the swept parameter is left out (each point sets it). null, with a message, when not numbers.
function sweepInputs() {
  const req = inputs();
  const param = $('sweep-param').value;
  const lo = Number($('sweep-lo').value.trim()), hi = Number($('sweep-hi').value.trim());
  const points = Number($('sweep-points').value);
  if (!param || $('sweep-lo').value.trim() === '' || $('sweep-hi').value.trim() === '' ||
      !Number.isFinite(lo) || !Number.isFinite(hi)) {
    setStatus('sweep: "from" and "to" must be numbers', true);
    return null;
  }
  req.overrides = req.overrides.filter((o) => !o.startsWith('params.' + param + '='));
  req.sweep = { param, lo, hi, points };
  return req;
}

// The forecast control's request: the inputs above plus {origin, horizon, particles,
// replicates}. null, with a message, when the origin is not a date the server accepts.
function forecastInputs() {
  const req = inputs();
  const origin = $('forecast-origin').value;
  const b = state.bounds;
  if (!b || !/^\d{4}-\d{2}-\d{2}$/.test(origin) || origin < b.first_origin || origin > b.last_origin) {
    setStatus('forecast: the origin must be a Monday from ' + (b ? b.first_origin + ' to ' + b.last_origin : 'the history'), true);
    return null;
  }
  req.forecast = {
    origin, horizon: Number($('forecast-horizon').value),
    particles: Number($('forecast-particles').value), replicates: Number($('forecast-replicates').value),
  };
  return req;
}

function toHash(req) {
  const q = new URLSearchParams();
  q.set('v', state.version);
  q.set('scenario', req.scenario);
  for (const o of req.overrides) q.append('set', o);
  q.set('policies', req.policies.join(','));
  q.set('runs', String(req.runs));
  q.set('seed', String(req.seed));
  // Numbers as JavaScript writes them (the shortest text that reads back the same double).
  if (req.sweep) q.set('sweep', [req.sweep.param, req.sweep.lo, req.sweep.hi, req.sweep.points].join(':'));
  const f = req.forecast;
  if (f) q.set('forecast', [f.origin, f.horizon, f.particles, f.replicates].join(':'));
  return '#' + q.toString();
}

function fromHash() {
  if (location.hash.length < 2) return null;
  const q = new URLSearchParams(location.hash.slice(1));
  const preset = {
    version: q.get('v') || '', scenario: q.get('scenario') || '', overrides: q.getAll('set'),
    policies: (q.get('policies') || '').split(',').filter((x) => x),
    runs: Number(q.get('runs') || 2000), seed: Number(q.get('seed') || 1), sweep: null, forecast: null,
  };
  const f = /^(\d{4}-\d{2}-\d{2}):([0-9]+):([0-9]+):([0-9]+)$/.exec(q.get('forecast') || '');
  if (f) preset.forecast = { origin: f[1], horizon: Number(f[2]), particles: Number(f[3]), replicates: Number(f[4]) };
  const m = /^([^:]+):([^:]+):([^:]+):([0-9]+)$/.exec(q.get('sweep') || '');
  if (m) preset.sweep = { param: m[1], lo: Number(m[2]), hi: Number(m[3]), points: Number(m[4]) };
  return preset;
}

// ---- Scenario and parameter panel ----------------------------------------------------------

// A sweep's default range: the prior's support when it is bounded, else its mean +- 2 sd (about
// the 2.5% and 97.5% quantiles of a normal), else around the value.
function defaultRange(p) {
  const r = (x) => +x.toPrecision(4);
  if (p.lo !== null && p.hi !== null && p.lo < p.hi) return [r(p.lo), r(p.hi)];
  if (p.dist === 'normal' || p.dist === 'truncnormal') {
    const lo = p.lo === null ? p.a - 2 * p.b : Math.max(p.lo, p.a - 2 * p.b);
    const hi = p.hi === null ? p.a + 2 * p.b : Math.min(p.hi, p.a + 2 * p.b);
    return [r(lo), r(hi)];
  }
  const m = p.mean !== null ? p.mean : p.a;
  return m ? [r(Math.min(m / 2, m * 1.5)), r(Math.max(m / 2, m * 1.5))] : [-1, 1];
}

// The server allows points x runs per policy up to its --max-runs.
function sweepBudget() {
  if (!state.scenario) return;
  const points = Number($('sweep-points').value), runs = Number($('runs').value);
  const over = points * runs > state.scenario.max_runs;
  $('sweep-budget').textContent = points + ' points x ' + runs + ' runs = ' + points * runs +
    ' runs per policy; this server allows ' + state.scenario.max_runs +
    (over ? ': lower the runs to ' + Math.floor(state.scenario.max_runs / Math.max(points, 1)) + ' or fewer' : '');
  $('sweep-budget').className = over ? 'error' : 'note';
}

function setSweepRange() {
  const p = state.scenario && state.scenario.params.find((q) => q.name === $('sweep-param').value);
  if (!p) return;
  const [lo, hi] = defaultRange(p);
  $('sweep-lo').value = String(lo);
  $('sweep-hi').value = String(hi);
}

function fillSweep(params, preset) {
  const select = $('sweep-param');
  select.replaceChildren();
  for (const p of params) select.append(el('option', { value: p.name, title: p.doc }, p.name + (p.unit ? ' (' + p.unit + ')' : '')));
  const swept = preset && preset.sweep && params.find((p) => p.name === preset.sweep.param);
  const first = params.find((p) => p.dist !== 'constant') || params[0];
  if (swept) {
    select.value = swept.name;
    $('sweep-lo').value = String(preset.sweep.lo);
    $('sweep-hi').value = String(preset.sweep.hi);
    $('sweep-points').value = String(preset.sweep.points);
  } else if (first) {
    select.value = first.name;
    setSweepRange();
  }
  $('run-sweep').disabled = params.length === 0;
  sweepBudget();
}

async function loadScenario(name, preset) {
  const { status, body } = await getJSON('/api/scenario?name=' + encodeURIComponent(name));
  if (status !== 200) { setStatus(body.error, true); return; }
  state.scenario = body;
  $('scenario-name').textContent = body.name + ' (' + body.params.length + ' parameters, ' +
    body.policies.length + ' policies; at most ' + body.max_runs + ' runs per policy)';
  $('runs').max = body.max_runs;
  const pol = $('policies');
  pol.replaceChildren(el('legend', {}, 'Policies'));
  for (const p of body.policies) {
    const box = el('input', { type: 'checkbox', value: p.name });
    box.checked = !preset || preset.policies.length === 0 || preset.policies.includes(p.name);
    pol.append(el('label', { title: p.description }, box, ' ' + p.name));
  }
  const rows = $('param-rows');
  rows.replaceChildren();
  const given = {};
  for (const o of (preset ? preset.overrides : [])) {
    const m = /^params\.([^=]+)=(.*)$/.exec(o);
    if (m) given[m[1]] = m[2];
  }
  for (const p of body.params) {
    const input = el('input', { type: 'text', inputmode: 'decimal', placeholder: String(+p.mean.toPrecision(4)),
      'data-name': p.name, 'aria-label': 'override ' + p.name });
    if (given[p.name] !== undefined) input.value = given[p.name];
    const row = el('tr', { title: p.doc }, el('td', {}, p.name), el('td', {}, fmtPrior(p)), el('td', {}, input), el('td', {}, p.unit));
    const mark = () => row.classList.toggle('changed', input.value.trim() !== '');
    input.addEventListener('input', mark);
    mark();
    rows.append(row);
  }
  fillSweep(body.params, preset);
}

// ---- Running: submit, follow the events, fetch the result ----------------------------------

function setStatus(text, bad) {
  $('status').textContent = text;
  $('status').className = bad ? 'error' : '';
}

function busy(on) {
  for (const id of ['run', 'run-sweep', 'run-forecast', 'run-editor']) $(id).disabled = on;
}

// A request with "sweep" ends in the sweep's chart and table, any other in the comparison's.
async function submit(request, shareable) {
  if (state.source) { state.source.close(); state.source = null; }
  busy(true);
  setStatus('submitting…');
  const { status, body, retryAfter } = await getJSON('/api/jobs', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request),
  });
  if (status === 429) {
    setStatus('the server is busy; retrying in ' + (retryAfter || 2) + ' s');
    setTimeout(() => submit(request, shareable), 1000 * Number(retryAfter || 2));
    return;
  }
  if (status !== 200) {
    busy(false);
    const where = (body.errors || []).map((d) => ' (line ' + d.line + ', column ' + d.col + ')').join('');
    setStatus(body.error + where, true);
    return;
  }
  if (shareable) history.replaceState(null, '', toHash(request));
  const show = request.sweep ? showSweep : request.forecast ? showForecast : showResult;
  if (body.cached) { await show(body.key, request, shareable); return; }
  const bar = $('progress');
  bar.hidden = false;
  bar.value = 0;
  const source = new EventSource('/api/jobs/' + body.key + '/events');
  state.source = source;
  source.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    bar.max = p.total;
    bar.value = p.done;
    // A forecast: the filter's weeks x filters, then the runs of every policy.
    if (p.phase === 'filter') setStatus(p.state + ': filtering the record, ' + p.done + ' of ' + p.filter_total + ' filter weeks');
    else if (p.phase === 'forecast') setStatus(p.state + ': forecast, ' + (p.done - p.filter_total) + ' of ' + (p.total - p.filter_total) + ' runs');
    else setStatus(p.state + ': ' + p.done + ' of ' + p.total + ' runs');
  });
  source.addEventListener('done', () => { source.close(); state.source = null; show(body.key, request, shareable); });
  source.addEventListener('failed', (e) => {
    source.close(); state.source = null;
    busy(false); bar.hidden = true;
    setStatus(JSON.parse(e.data).error, true);
  });
}

async function showResult(key, request, shareable) {
  const { status, body } = await getJSON('/api/results/' + key + '.json');
  busy(false);
  $('progress').hidden = true;
  if (status !== 200) { setStatus(body.error, true); return; }
  if (state.current && state.current.key !== key) state.previous = state.current;
  state.current = { key, result: body, request };
  setStatus('done: ' + body.runs + ' runs per policy, seed ' + body.seed + ' (key ' + key + ')');
  renderTable();
  renderCharts();
  const links = $('downloads');
  links.replaceChildren('Download: ');
  for (const [ext, label] of [['json', 'JSON'], ['csv', 'CSV'], ['html', 'HTML report']]) {
    links.append(el('a', { href: '/api/results/' + key + '.' + ext, download: 'brink-' + key + '.' + ext }, label), ' ');
  }
  const share = $('share');
  share.replaceChildren();
  if (shareable) share.append('Share: ', el('a', { id: 'share-link', href: location.href }, 'link to this result'));
  else share.append('Results of the editor are not shareable by link (download the JSON).');
}

const columns = [
  ['P(armed conflict) %', (p) => p.p_armed_conflict, pct],
  ['P(armed clash) %', (p) => p.p_clash, pct],
  ['provocations per run (count)', (p) => p.provocations, num],
  ['P(talks) %', (p) => p.p_talks, pct],
];

function cell(est, fmt, ghost) {
  const td = el('td', { 'data-mean': String(est.mean) }, fmt(est.mean), el('br'), '[' + fmt(est.lo) + ', ' + fmt(est.hi) + ']');
  if (ghost) td.append(el('span', { class: 'ghost' }, 'prev ' + fmt(ghost.mean) + ' [' + fmt(ghost.lo) + ', ' + fmt(ghost.hi) + ']'));
  return td;
}

function renderTable() {
  const r = state.current.result;
  const prev = state.previous && state.previous.result;
  const head = $('results').tHead;
  head.replaceChildren(el('tr', {}, el('th', {}, 'policy (' + r.runs + ' runs, seed ' + r.seed + ')'),
    ...columns.map((c) => el('th', {}, c[0]))));
  const body = $('results').tBodies[0];
  body.replaceChildren();
  for (const p of r.policies) {
    const g = prev && prev.seed === r.seed ? prev.policies.find((q) => q.name === p.name) : null;
    body.append(el('tr', { 'data-policy': p.name }, el('td', {}, p.name),
      ...columns.map((c) => cell(c[1](p), c[2], g ? c[1](g) : null))));
  }
}

function renderCharts() {
  const charts = $('charts');
  charts.replaceChildren();
  for (const kind of ['conflict', 'tension', 'provocations']) {
    const pair = el('div', { class: 'pair' });
    pair.append(el('img', { class: 'current', src: '/api/results/' + state.current.key + '/' + kind + '.svg', alt: kind + ' chart' }));
    if (state.previous) {
      pair.append(el('img', { class: 'ghost-chart', src: '/api/results/' + state.previous.key + '/' + kind + '.svg', alt: 'previous ' + kind + ' chart' }));
    }
    charts.append(el('figure', { 'data-kind': kind }, pair));
  }
}

// ---- The sweep: P(armed conflict) against the parameter, a line and band per policy ----------

async function showSweep(key, request, shareable) {
  const { status, body } = await getJSON('/api/results/' + key + '.json');
  busy(false);
  $('progress').hidden = true;
  if (status !== 200) { setStatus(body.error, true); return; }
  state.sweep = { key, result: body, request };
  const param = body.parameters[0].path.replace(/^params\./, '');
  const text = 'sweep of ' + param + ': ' + body.points.length + ' points, ' + body.runs +
    ' runs per policy and point, seed ' + body.seed + ' (key ' + key + ')';
  setStatus('done: ' + text);
  $('sweep-output').hidden = false;
  $('sweep-status').textContent = text;
  $('sweep-chart').replaceChildren(el('img', { src: '/api/results/' + key + '/sweep.svg',
    alt: 'P(armed conflict) against ' + param + ', a line and band per policy' }),
  el('figcaption', {}, 'P(armed conflict) against ' + param + ' with ' + Math.round(100 * body.confidence) + '% intervals'));
  const head = $('sweep-table').tHead;
  head.replaceChildren(el('tr', {}, el('th', {}, param),
    ...body.policies.map((p) => el('th', {}, p + ': P(armed conflict) %'))));
  const rows = $('sweep-table').tBodies[0];
  rows.replaceChildren();
  for (const point of body.points) {
    rows.append(el('tr', { 'data-value': String(point.values[0]) }, el('td', {}, String(point.values[0])),
      ...body.policies.map((p) => {
        const e = point.series[p].p_armed_conflict;
        return cell({ mean: e.mean, lo: e.lower, hi: e.upper }, pct, null);
      })));
  }
  const links = $('sweep-downloads');
  links.replaceChildren('Download: ');
  for (const [ext, label] of [['.json', 'JSON'], ['.csv', 'CSV'], ['/sweep.svg', 'chart (SVG)'], ['.html', 'HTML page']]) {
    const name = 'brink-sweep-' + key + (ext === '/sweep.svg' ? '.svg' : ext);
    links.append(el('a', { href: '/api/results/' + key + ext, download: name }, label), ' ');
  }
  const share = $('sweep-share');
  share.replaceChildren();
  if (shareable) share.append('Share: ', el('a', { id: 'sweep-share-link', href: location.href }, 'link to this sweep'));
  $('sweep-output').scrollIntoView({ block: 'nearest' });
}

// ---- The forecast from the record: a row per policy, the filter's summary ----------------------

function fixed(v, d) { return v === null || v === undefined ? 'n/a' : v.toFixed(d); }

async function showForecast(key, request, shareable) {
  const { status, body } = await getJSON('/api/results/' + key + '.json');
  busy(false);
  $('progress').hidden = true;
  if (status !== 200) { setStatus(body.error, true); return; }
  const r = body.forecast_compare;
  state.forecast = { key, result: r, request };
  const text = 'forecast of ' + r.policies.length + ' policies from ' + r.origin + ' for ' + r.steps +
    ' weeks: ' + r.runs + ' runs per policy, seed ' + r.seed + ', common random numbers (key ' + key + ')';
  setStatus('done: ' + text);
  $('forecast-output').hidden = false;
  $('forecast-status').textContent = text;
  const f = r.filter;
  $('forecast-filter').textContent = f ? 'The record before ' + r.origin + ': ' + f.weeks + ' weeks filtered, log-likelihood ' +
    fixed(f.loglik, 1) + ' nats (Monte Carlo standard error ' + fixed(f.loglik_se, 1) + ' nats; ' + f.replicates +
    ' filters of ' + f.particles + ' particles). P(the behavioural actor, DPRK in the Korean history, is the greedy type | the record): ' +
    fixed(f.p_greedy, 3) + ', Monte Carlo standard error ' + fixed(f.p_greedy_se, 3) + ' over ' + f.replicates + ' filters.' : '';
  const head = $('forecast-table').tHead;
  head.replaceChildren(el('tr', {}, el('th', {}, 'policy (' + r.runs + ' runs, seed ' + r.seed + ')'),
    el('th', {}, 'P(armed conflict within ' + r.steps + ' weeks) % [95% CI]'),
    el('th', {}, 'difference vs ' + r.baseline + ', percentage points [95% CI]'),
    el('th', {}, 'weeks with BM launches'), el('th', {}, 'weeks with ICBM launches'),
    el('th', {}, 'nuclear tests (count)'), el('th', {}, 'weeks with clashes')));
  const rows = $('forecast-table').tBodies[0];
  rows.replaceChildren();
  const signed = (v) => (v >= 0 ? '+' : '') + (100 * v).toFixed(2);
  for (const p of r.policies) {
    const a = p.armed_conflict, m = p.horizon_means;
    const base = p.policy === r.baseline;
    const lo = a.diff - 1.96 * a.diff_se, hi = a.diff + 1.96 * a.diff_se;
    rows.append(el('tr', { 'data-policy': p.policy, class: base ? 'baseline' : '' }, el('td', {}, p.policy),
      el('td', { 'data-mean': String(a.p) }, pct(a.p), el('br'), '[' + pct(a.lo) + ', ' + pct(a.hi) + ']'),
      base ? el('td', { 'data-mean': String(a.diff) }, '(baseline)')
        : el('td', { 'data-mean': String(a.diff) }, signed(a.diff), el('br'), '[' + signed(lo) + ', ' + signed(hi) + ']'),
      el('td', { 'data-mean': String(m.bm_launch_days) }, num(m.bm_launch_days)),
      el('td', { 'data-mean': String(m.icbm_launch_days) }, num(m.icbm_launch_days)),
      el('td', { 'data-mean': String(m.nuclear_tests) }, fixed(m.nuclear_tests, 3)),
      el('td', { 'data-mean': String(m.clash_days) }, fixed(m.clash_days, 3))));
  }
  $('forecast-legend').textContent = 'P(armed conflict): share of the ' + r.runs + ' runs in which armed conflict begins within ' +
    r.steps + ' weeks of ' + r.origin + ' (Wilson 95% interval); difference: paired over runs (run r of every policy starts from the same ' +
    'particle and stream), normal 95% interval; the other columns: mean per run over the ' + r.steps + ' weeks.';
  const links = $('forecast-downloads');
  links.replaceChildren('Download: ');
  for (const [ext, label] of [['json', 'JSON'], ['txt', 'text table']]) {
    links.append(el('a', { href: '/api/results/' + key + '.' + ext, download: 'brink-forecast-' + key + '.' + ext }, label), ' ');
  }
  const share = $('forecast-share');
  share.replaceChildren();
  if (shareable) share.append('Share: ', el('a', { id: 'forecast-share-link', href: location.href }, 'link to this forecast'));
  $('forecast-output').scrollIntoView({ block: 'nearest' });
}

// The forecast box, shown when the server has a history (its bounds come with the scenario list).
function fillForecast(bounds, preset) {
  state.bounds = bounds;
  $('forecast').hidden = !bounds;
  if (!bounds) return;
  const origin = $('forecast-origin');
  origin.min = bounds.first_origin;
  origin.max = bounds.last_origin;
  origin.value = bounds.last_origin;
  $('forecast-horizon').max = bounds.max_horizon;
  $('forecast-particles').max = bounds.max_particles;
  $('forecast-particles').value = bounds.particles;
  $('forecast-replicates').max = bounds.max_replicates;
  $('forecast-replicates').value = bounds.replicates;
  const f = preset && preset.forecast;
  if (f) {
    origin.value = f.origin;
    $('forecast-horizon').value = String(f.horizon);
    $('forecast-particles').value = String(f.particles);
    $('forecast-replicates').value = String(f.replicates);
  }
}

// ---- The editor -----------------------------------------------------------------------------

function updateGutter(bad) {
  const n = $('editor').value.split('\n').length;
  const g = $('gutter');
  g.replaceChildren();
  for (let i = 1; i <= n; i++) {
    g.append(el('span', bad && bad.has(i) ? { class: 'bad' } : {}, String(i)), '\n');
  }
}

function selectLine(line) {
  const ta = $('editor');
  const lines = ta.value.split('\n');
  let start = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
  ta.focus();
  ta.setSelectionRange(start, start + (lines[line - 1] || '').length);
}

async function checkEditor() {
  const { status, body } = await getJSON('/api/check', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ yaml: $('editor').value }),
  });
  const list = $('editor-errors');
  list.replaceChildren();
  if (status === 200) { list.append(el('li', {}, 'no error: ' + body.policies + ' policies, ' + body.params + ' parameters')); updateGutter(null); return true; }
  const bad = new Set();
  const errors = body.errors && body.errors.length ? body.errors : [{ line: 0, col: 0, message: body.error }];
  for (const d of errors) {
    bad.add(d.line);
    const li = el('li', { class: 'error', 'data-line': String(d.line), 'data-col': String(d.col) }, 'line ' + d.line + ', column ' + d.col + ': ' + d.message);
    li.addEventListener('click', () => selectLine(d.line));
    list.append(li);
  }
  updateGutter(bad);
  return false;
}

// ---- Start ----------------------------------------------------------------------------------

async function start() {
  const { body } = await getJSON('/api/scenarios');
  state.version = body.version;
  $('version').textContent = body.version;
  for (const name of body.scenarios) $('scenario').append(el('option', { value: name }, name));
  const preset = fromHash();
  if (preset && preset.version && preset.version !== state.version) {
    setStatus('this link was made with brink ' + preset.version + '; this server runs ' + state.version + ': numbers may differ', true);
  }
  const first = preset && body.scenarios.includes(preset.scenario) ? preset.scenario
    : body.scenarios.includes('2022.yaml') ? '2022.yaml' : body.scenarios[0];
  $('scenario').value = first;
  if (preset) { $('runs').value = preset.runs; $('seed').value = preset.seed; }
  fillForecast(body.forecast || null, preset);
  await loadScenario(first, preset);
  $('scenario').addEventListener('change', () => loadScenario($('scenario').value, null));
  $('run').addEventListener('click', () => submit(inputs(), true));
  $('sweep-param').addEventListener('change', setSweepRange);
  $('sweep-points').addEventListener('input', sweepBudget);
  $('runs').addEventListener('input', sweepBudget);
  $('run-sweep').addEventListener('click', () => {
    const req = sweepInputs();
    if (req) submit(req, true);
  });
  $('editor').addEventListener('input', () => updateGutter(null));
  $('editor').addEventListener('scroll', () => { $('gutter').scrollTop = $('editor').scrollTop; });
  $('upload').addEventListener('change', async () => {
    const f = $('upload').files[0];
    if (f) { $('editor').value = await f.text(); updateGutter(null); }
  });
  $('run-forecast').addEventListener('click', () => {
    const req = forecastInputs();
    if (req) submit(req, true);
  });
  $('check').addEventListener('click', checkEditor);
  $('run-editor').addEventListener('click', async () => {
    if (!(await checkEditor())) return;
    const req = inputs();
    submit({ yaml: $('editor').value, runs: req.runs, seed: req.seed }, false);
  });
  updateGutter(null);
  if (preset && preset.sweep) {
    const req = sweepInputs();
    if (req) submit(req, true);
  } else if (preset && preset.forecast && state.bounds) {
    const req = forecastInputs();
    if (req) submit(req, true);
  } else if (preset && preset.forecast) {
    setStatus('this link is a forecast from the record, and this server has no history (brink serve --history)', true);
  } else if (preset) submit(inputs(), true);
}

start();
