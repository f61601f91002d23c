// Shared helpers of the duty console: the session state, translation, DOM building,
// the JSON API client and time formatting in the organisation's zone (not the
// browser's: every duty room must read the same clock). Plain ES module, no build step.
import { I18N } from '/static/i18n.js';

export const state = {
  lang: localStorage.getItem('pingan.lang') || 'zh',
  csrf: '',
  user: '',
  role: '',
  timeZone: 'Asia/Shanghai',
  permissions: new Set(),
  events: null,
};

export const $ = (sel, root = document) => root.querySelector(sel);

export function t(key) {
  return I18N[state.lang][key] ?? I18N.zh[key] ?? key;
}

// A translated label for a value of an enumeration ("k_missing", "cat_fire", ...);
// unknown values show as they are.
export function label(prefix, value) {
  if (value === null || value === undefined || value === '') return '';
  const key = prefix + value;
  return I18N[state.lang][key] ?? I18N.zh[key] ?? String(value);
}

export function can(permission) {
  return state.permissions.has(permission);
}

// el('a', {href: '#x', class: 'y'}, 'text', child, ...): never innerHTML, so text from
// the server is never parsed as markup.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  // Any depth: [link, ' '] pairs inside a list once appended as their text (the href).
  for (const c of children.flat(Infinity)) node.append(c === null || c === undefined ? '' : c);
  return node;
}

export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const res = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new ApiError((data.error && data.error.message) || res.statusText, res.status,
      data.error && data.error.code);
  }
  return data;
}

// The daemon's clock ({clock: 'drill'|..., now, offset}): during a drill its simulated
// time, which every "now" a page shows or starts from must be, never the browser's. Asked
// once per sign-in (fresh: true), then kept as an offset from the browser's clock.
let daemonClockAt = null;
export function daemonClock(fresh = false) {
  if (!daemonClockAt || fresh) {
    daemonClockAt = api('GET', '/clock').then((c) => ({ ...c, offset: Date.parse(c.now) - Date.now() }));
    daemonClockAt.catch(() => { daemonClockAt = null; });
  }
  return daemonClockAt;
}

// The daemon's "now" as a Date.
export async function daemonNow() {
  const c = await daemonClock();
  return new Date(Date.now() + c.offset);
}

// Renders the current page again through the router after a change was answered (the
// answer comes once the change is stored). Through the router, so that a refresh that
// started earlier and answers later cannot put its older page over this one.
export const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

function format(iso, options) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB',
    { timeZone: state.timeZone, hour12: false, ...options });
}

// "10-01 16:00" in the organisation's zone.
export function time(iso) {
  return format(iso, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

export function clock(iso) {
  return format(iso, { hour: '2-digit', minute: '2-digit' });
}

export function fullTime(iso) {
  return format(iso, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', second: '2-digit' });
}

// Milliseconds the zone is ahead of UTC at instant `ms`.
function zoneOffset(ms, zone) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    second: 'numeric' }).formatToParts(new Date(ms));
  const v = Object.fromEntries(parts.map((p) => [p.type, Number(p.value)]));
  return Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second) -
    Math.floor(ms / 1000) * 1000;
}

// The UTC instant (ISO) of a wall-clock "YYYY-MM-DDTHH:MM" in the organisation's zone.
export function zonedToIso(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
  if (!m) return '';
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let utc = wall - zoneOffset(wall, state.timeZone);
  utc = wall - zoneOffset(utc, state.timeZone);  // settle across a DST change
  return new Date(utc).toISOString();
}

// "YYYY-MM-DDTHH:MM" in the organisation's zone for an instant (for datetime inputs).
export function isoToZoned(iso) {
  const ms = new Date(iso).getTime();
  return new Date(ms + zoneOffset(ms, state.timeZone)).toISOString().slice(0, 16);
}

// A small table: columns [{key, title, cell?, class?}], rows of objects. A column's class
// goes on its header too (numbers align right under a right-aligned title), and each
// cell carries its column's title (data-label): on a phone the rows become cards that
// label every value (style.css).
export function table(columns, rows, empty) {
  if (!rows || rows.length === 0) return el('p', { class: 'muted' }, empty || t('none'));
  return el('div', { class: 'scroll' }, el('table', {},
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', { class: c.class }, c.title)))),
    el('tbody', {}, rows.map((r) => el('tr', {},
      columns.map((c) => el('td', { class: c.class, 'data-label': c.title },
        c.cell ? c.cell(r) : (r[c.key] ?? ''))))))));
}

// A form that posts to the API and reports errors in itself. `fields` are read from the
// form by name; `required` names those that must not be empty.
export function actionForm({ id, title, fields, required = [], submit, onDone }) {
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { id, class: 'card' }, el('h3', {}, title), ...fields,
    el('button', { type: 'submit' }, submit || title), error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const node of form.querySelectorAll('[name]')) {
      const v = node.value.trim();
      if (v !== '') body[node.name] = v;
    }
    for (const name of required) {
      if (!body[name]) {
        error.textContent = t('required') + ': ' + t('f_' + name);
        return;
      }
    }
    error.textContent = '';
    try {
      await onDone(body);
      form.reset();
    } catch (e) {
      error.textContent = e.message;
    }
  });
  return form;
}

export function field(name, input) {
  return el('label', {}, el('span', {}, t('f_' + name)), input);
}

export function textInput(name, attrs = {}) {
  return field(name, el('input', { name, ...attrs }));
}

export function textArea(name, attrs = {}) {
  return field(name, el('textarea', { name, ...attrs }));
}

export function select(name, options) {
  return field(name, el('select', { name },
    options.map(([value, text]) => el('option', { value }, text))));
}

// A view's frame: <section id="view-NAME" class="view"> with a heading.
export function section(name, title, ...children) {
  return el('section', { id: 'view-' + name, class: 'view' },
    title ? el('h2', {}, title) : null, ...children);
}

export function severityClass(item) {
  return 'sev-' + (item.severity || item.kind || 'none');
}
