// Period statistics (统计, /stats): for a period and a unit, per day and per unit how
// the schools reported, the schools repeatedly late or missing (the 通报 list), incidents
// by category and severity and how quickly alerts were handled; SVG bar charts, the
// CSV and XLSX exports of the same figures, and a print view for filing upward.
// Route: #stats/<from>/<to>[/<unit>]. Figures come from GET /api/v1/stats as they are.
import { api, el, query, section, t, label, fullTime, state, daemonNow } from '/static/lib.js';

const COUNTS = ['owed', 'on_time', 'late', 'missing', 'excused', 'pending'];
const BARS = ['on_time', 'late', 'missing', 'excused', 'pending'];  // stacked, bottom first
const SVG = 'http://www.w3.org/2000/svg';

// "YYYY-MM-DD" of `now` in the organisation's zone, moved by `days`.
function localDate(now, days = 0) {
  const d = new Date(now.getTime() + days * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: state.timeZone }).format(d);
}

const percent = (rate) => (rate === null || rate === undefined ? '—' : (rate * 100).toFixed(1) + '%');
const minutes = (m) => (m === null || m === undefined ? '—' : m + ' ' + t('min'));

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

// Stacked bars, one per row (a day or a unit): the counts of BARS on a shared scale.
function stackedChart(id, rows, labelOf) {
  const width = Math.max(320, rows.length * 28 + 40);
  const height = 180;
  const top = Math.max(1, ...rows.map((r) => BARS.reduce((s, k) => s + (r[k] || 0), 0)));
  const chart = svg('svg', { id, class: 'chart', viewBox: `0 0 ${width} ${height + 30}`,
    role: 'img', 'aria-label': t('stats_chart') });
  const step = (width - 40) / Math.max(1, rows.length);
  rows.forEach((r, i) => {
    let y = height;
    for (const k of BARS) {
      const h = ((r[k] || 0) / top) * (height - 10);
      if (h > 0) {
        y -= h;
        chart.append(svg('rect', { class: 'bar ' + k, x: 30 + i * step + 2, y,
          width: Math.max(2, step - 4), height: h }, svg('title', {}, `${labelOf(r)} ${t(k)} ${r[k]}`)));
      }
    }
    if (rows.length <= 31) {
      chart.append(svg('text', { x: 30 + i * step + step / 2, y: height + 14, 'text-anchor': 'middle',
        class: 'axis' }, labelOf(r)));
    }
  });
  chart.append(svg('text', { x: 2, y: 12, class: 'axis' }, String(top)));
  chart.append(svg('line', { x1: 28, y1: height, x2: width, y2: height, class: 'axis-line' }));
  return chart;
}

function legend() {
  return el('p', { class: 'legend' }, BARS.map((k) => el('span', { class: 'key ' + k }, t(k))));
}

// A table whose rows and cells say what they hold (data-key, data-col): the browser
// test and anyone copying figures read them so.
function figures(id, columns, rows, keyOf) {
  if (!rows.length) return el('p', { class: 'muted', id }, t('none'));
  return el('div', { class: 'scroll' }, el('table', { id, class: 'figures' },
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c.title)))),
    el('tbody', {}, rows.map((r) => el('tr', { 'data-key': keyOf(r) },
      columns.map((c) => el('td', { 'data-col': c.key, class: c.num ? 'num' : '' },
        c.cell ? c.cell(r) : String(r[c.key] ?? ''))))))));
}

const countColumns = () => [
  ...COUNTS.map((k) => ({ key: k, title: t(k), num: true })),
  { key: 'on_time_rate', title: t('on_time_rate'), num: true, cell: (r) => percent(r.on_time_rate) },
];

function handlingRows(s) {
  return [...['missing', 'late', 'incident'].map((k) => ({ kind: k, ...s.alerts[k] })),
    { kind: 'incident_case', ...s.incidents }];
}

function filters(from, to, unit, repeat) {
  const input = (name, type, value) => {
    const node = el('input', { name, type, value });
    node.defaultValue = value;
    return node;
  };
  const f = input('from', 'date', from);
  const u = input('to', 'date', to);
  const un = input('unit', 'text', unit);
  un.placeholder = t('whole_org');
  const rd = input('repeat_days', 'number', String(repeat));
  rd.min = '1';
  const params = () => query({ from: f.value, to: u.value, unit: un.value.trim(),
    repeat_days: rd.value === '2' ? '' : rd.value });
  const go = (e) => {
    e.preventDefault();
    repeatDays = Number(rd.value) || 2;
    location.hash = '#stats/' + [f.value, u.value, un.value.trim()].filter(Boolean)
      .map(encodeURIComponent).join('/');
  };
  return el('form', { class: 'filters no-print', id: 'stats-form', onsubmit: go },
    el('label', {}, el('span', {}, t('stats_from')), f),
    el('label', {}, el('span', {}, t('stats_to')), u),
    el('label', {}, el('span', {}, t('unit')), un),
    el('label', {}, el('span', {}, t('repeat_days')), rd),
    el('button', { type: 'submit' }, t('stats_show')),
    el('a', { class: 'button', id: 'export-xlsx', href: '/api/v1/export/stats.xlsx' + params() }, t('export_xlsx')),
    el('a', { class: 'button', id: 'export-csv', href: '/api/v1/export/stats.csv' + params() }, t('export_csv')),
    el('button', { type: 'button', onclick: () => window.print() }, t('print')));
}

let repeatDays = 2;

export async function renderStats(params) {
  // The last seven days by the daemon's clock (a drill's days during a drill).
  const now = params[0] && params[1] ? null : await daemonNow();
  const from = params[0] || localDate(now, -6);
  const to = params[1] || localDate(now, 0);
  const unit = params[2] || '';
  const s = await api('GET', '/stats' + query({ from, to, unit,
    repeat_days: repeatDays === 2 ? '' : repeatDays }));
  const total = el('dl', { class: 'counts', id: 'stats-total' },
    [...COUNTS, 'on_time_rate'].map((k) => el('div', { class: 'count ' + k, 'data-count': k },
      el('dt', {}, t(k)), el('dd', {}, k === 'on_time_rate' ? percent(s.total[k]) : String(s.total[k])))));
  const dayLabel = (d) => d.date.slice(5);
  const byCategory = Object.entries(s.incidents.by_category).map(([k, n]) => ({ k, n }));
  const bySeverity = Object.entries(s.incidents.by_severity).map(([k, n]) => ({ k, n }));
  return section('stats', t('stats_title'),
    filters(from, to, unit, s.repeat_days),
    el('p', { class: 'print-head' }, el('strong', {}, s.unit.name || t('whole_org')), ' · ',
      s.from, ' – ', s.to, ' · ', t('computed_at'), ' ', fullTime(s.computed_at)),
    el('div', { class: 'card' }, total),
    el('h3', {}, t('per_day')), legend(), stackedChart('chart-days', s.days, dayLabel),
    figures('stats-days', [{ key: 'date', title: t('date') }, ...countColumns()], s.days, (d) => d.date),
    el('h3', {}, t('per_unit')),
    s.units.length ? stackedChart('chart-units', s.units, (u) => u.name || u.id || '—') : '',
    figures('stats-units', [{ key: 'name', title: t('unit'), cell: (u) => u.name || u.id || t('not_listed') },
      ...countColumns()], s.units, (u) => u.id),
    el('h3', {}, t('repeated_title').replace('{n}', s.repeat_days)),
    figures('stats-repeated', [
      { key: 'name', title: t('school'), cell: (r) => el('a', { href: '#school/' + encodeURIComponent(r.school_id) },
        r.name || r.school_id) },
      { key: 'district', title: t('district') },
      { key: 'late_days', title: t('late_days'), num: true },
      { key: 'missing_days', title: t('missing_days'), num: true },
      { key: 'days', title: t('bad_days'), num: true },
    ], s.repeated, (r) => r.school_id),
    el('h3', {}, t('handling_title')),
    figures('stats-alerts', [
      { key: 'kind', title: t('kind'), cell: (r) => t('h_kind_' + r.kind) },
      { key: 'raised', title: t('raised'), num: true },
      { key: 'open', title: t('unresolved'), num: true },
      { key: 'median_ack_minutes', title: t('median_ack'), num: true, cell: (r) => minutes(r.median_ack_minutes) },
      { key: 'median_close_minutes', title: t('median_close'), num: true, cell: (r) => minutes(r.median_close_minutes) },
    ], handlingRows(s), (r) => r.kind),
    el('h3', {}, t('incidents_title')),
    el('div', { class: 'two-col' },
      figures('stats-categories', [{ key: 'k', title: t('category'), cell: (r) => label('cat_', r.k) },
        { key: 'n', title: t('count'), num: true }], byCategory, (r) => r.k),
      figures('stats-severities', [{ key: 'k', title: t('severity') },
        { key: 'n', title: t('count'), num: true }], bySeverity, (r) => r.k)));
}
