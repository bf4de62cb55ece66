/**
 * The dashboard page at /_emulator/: plain HTML and JavaScript, no build step, no framework. It reads
 * the control plane's JSON (api/view, api/calls, api/faults, api/clock), refreshes when the event
 * stream (api/events) says something changed — and every two seconds while the clock runs, so progress
 * moves — and builds every element with textContent: record fields are whatever a client sent.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Qianfan console emulator</title>
<style>
  :root { color-scheme: light; --line: #d8dde6; --muted: #5b6472; --ok: #1d7a3a; --run: #1f5fbf; --bad: #b3261e; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; background: #f5f7fa; }
  header { display: flex; gap: 24px; align-items: baseline; padding: 12px 20px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; }
  header h1 { font-size: 18px; margin: 0; }
  header .meta { color: var(--muted); }
  #live.off { color: var(--bad); }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px 20px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; margin-bottom: 16px; overflow-x: auto; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  h3 { font-size: 13px; margin: 14px 0 4px; color: var(--muted); font-family: ui-monospace, monospace; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-weight: 600; color: var(--muted); font-size: 12px; }
  td.mono, .mono { font-family: ui-monospace, monospace; font-size: 12.5px; }
  tr.child td:first-child { padding-left: 22px; }
  .kind { color: var(--muted); font-size: 12px; }
  .badge { display: inline-block; white-space: nowrap; padding: 0 7px; border-radius: 9px; font-size: 12px; background: #eceff3; }
  .badge.ok { background: #dcf3e3; color: var(--ok); } .badge.run { background: #dfe9fb; color: var(--run); } .badge.bad { background: #fbe1df; color: var(--bad); }
  .bar { width: 90px; height: 8px; background: #eceff3; border-radius: 4px; display: inline-block; vertical-align: middle; margin-right: 6px; }
  .bar span { display: block; height: 100%; background: var(--run); border-radius: 4px; }
  details pre { white-space: pre-wrap; word-break: break-all; max-height: 220px; overflow: auto; background: #f5f7fa; padding: 6px; margin: 4px 0; }
  .empty { color: var(--muted); font-style: italic; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header><h1>Qianfan console emulator</h1><span class="meta" id="clock"></span><span class="meta" id="live">connecting…</span></header>
<main>
  <div><section><h2>Resources</h2><div id="resources"></div></section></div>
  <div>
    <section><h2>Active faults</h2><div id="faults"></div></section>
    <section><h2>Recent calls</h2><div id="calls"></div></section>
  </div>
</main>
<script>
'use strict';
const el = (tag, attrs, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
  return node;
};
const text = (value) => (value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const tone = (status) => {
  const s = text(status).toLowerCase();
  if (/(done|succe|serving|finish|complete|ready|active|available)/.test(s)) return 'badge ok';
  if (/(fail|error|stop|cancel|deactiv|invalid|expired)/.test(s)) return 'badge bad';
  if (s) return 'badge run';
  return 'badge';
};
const badge = (status) => (status == null ? '' : el('span', { class: tone(status) }, text(status)));
const progress = (value) => {
  if (value == null) return '';
  const percent = Math.max(0, Math.min(100, parseFloat(text(value)) || 0));
  const bar = el('span', { class: 'bar' }, el('span'));
  bar.firstChild.style.width = percent + '%';
  return el('span', {}, bar, text(value));
};
const details = (label, value) => el('details', {}, el('summary', {}, label), el('pre', { class: 'mono' }, JSON.stringify(value, null, 2)));
const table = (head, rows) => el('table', {}, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));

function recordRow(record, child) {
  return el('tr', { class: child ? 'child' : '', 'data-id': record.id, 'data-resource': record.resource },
    el('td', { class: 'mono' }, child ? '\\u21b3 ' : '', record.id, child ? el('div', { class: 'kind' }, record.resource) : ''),
    el('td', {}, text(record.name)), el('td', {}, badge(record.status)), el('td', {}, progress(record.progress)),
    el('td', {}, details('fields', record.fields)));
}

function renderResources(view) {
  const all = Object.values(view.routes).flatMap((resources) => Object.values(resources).flat());
  const key = (resource, id) => resource + '/' + id;
  const present = new Set(all.map((r) => key(r.resource, r.id)));
  const children = new Map();
  for (const record of all) {
    if (!record.parent || !present.has(key(record.parent.resource, record.parent.id))) continue;
    const parentKey = key(record.parent.resource, record.parent.id);
    if (!children.has(parentKey)) children.set(parentKey, []);
    children.get(parentKey).push(record);
  }
  const rowsOf = (record, child) => [recordRow(record, child), ...(children.get(key(record.resource, record.id)) || []).flatMap((c) => rowsOf(c, true))];
  const out = [];
  for (const route of Object.keys(view.routes).sort()) {
    const blocks = [];
    for (const [resource, records] of Object.entries(view.routes[route])) {
      const top = records.filter((r) => !r.parent || !present.has(key(r.parent.resource, r.parent.id)));
      if (top.length === 0) continue;
      blocks.push(el('h3', {}, route + ' \\u00b7 ' + resource + ' (' + records.length + ')'), table(['id', 'name', 'status', 'progress', ''], top.flatMap((r) => rowsOf(r, false))));
    }
    out.push(el('div', { 'data-route': route }, ...blocks));
  }
  document.getElementById('resources').replaceChildren(...(out.length ? out : [el('p', { class: 'empty' }, 'No records yet: create something through the API.')]));
}

function renderCalls(calls) {
  const rows = calls.slice().reverse().map((call) => el('tr', { 'data-request-id': call.requestId },
    el('td', { class: 'mono' }, text(call.at).slice(11, 19)),
    el('td', {}, el('div', { class: 'kind' }, call.route), el('span', { class: 'mono' }, call.action), call.body === undefined ? '' : details('body', call.body)),
    el('td', {}, el('span', { class: call.status == null ? 'badge bad' : call.status < 400 ? 'badge ok' : 'badge bad' }, call.status == null ? 'dropped' : text(call.status))),
    el('td', {}, call.signature === 'valid' ? 'valid' : el('span', { class: 'badge bad' }, text(call.signature))),
    el('td', { class: 'mono' }, text(call.fault))));
  document.getElementById('calls').replaceChildren(rows.length ? table(['time', 'action', 'status', 'signature', 'fault'], rows) : el('p', { class: 'empty' }, 'No calls yet.'));
}

function renderFaults(faults) {
  const rows = faults.map((f) => el('tr', {}, el('td', { class: 'mono' }, f.spec), el('td', {}, f.fired + ' of ' + f.seen + ' calls')));
  document.getElementById('faults').replaceChildren(rows.length ? table(['spec', 'injected'], rows) : el('p', { class: 'empty' }, 'None.'));
}

async function get(path) {
  const response = await fetch('api/' + path, { cache: 'no-store' });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}

let running = null;
let again = false;
let clockRuns = true;
async function refresh() {
  if (running) { again = true; return running; }
  running = (async () => {
    try {
      const [view, calls, faults, clock] = await Promise.all([get('view'), get('calls?limit=50'), get('faults'), get('clock')]);
      renderResources(view); renderCalls(calls.calls); renderFaults(faults.faults);
      clockRuns = clock.speed > 0;
      document.getElementById('clock').textContent = 'emulator time ' + clock.now.replace('T', ' ').slice(0, 19) + ' UTC \\u00b7 speed ' + clock.speed + '\\u00d7';
    } catch (error) {
      document.getElementById('live').textContent = 'error: ' + error.message;
    }
  })();
  await running;
  running = null;
  if (again) { again = false; refresh(); }
}

const events = new EventSource('api/events');
const live = document.getElementById('live');
events.onopen = () => { live.textContent = 'live'; live.className = 'meta'; refresh(); };
events.onmessage = () => refresh();
events.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'meta off'; };
setInterval(() => { if (clockRuns) refresh(); }, 2000);
refresh();
</script>
</body>
</html>
`;
/** Its length, for the answer's Content-Length. */
export const DASHBOARD_BYTES = Buffer.byteLength(DASHBOARD_HTML);
