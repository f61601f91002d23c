// The board (看板): today's reporting windows with counts for the viewed unit and one
// row per child unit to drill into, and the school list behind any count; plus the
// "big screen" (大屏) variant for the duty room's wall.
import { api, el, query, section, t, time, clock, label, table, fullTime } from '/static/lib.js';

const COUNTS = ['schools', 'on_time', 'late', 'missing', 'outstanding', 'excused', 'incidents'];
const DRILLABLE = new Set(['on_time', 'late', 'missing', 'outstanding', 'excused']);

function deadlineText(w) {
  const local = w.deadline_local || clock(w.deadline);
  return t('deadline') + ' ' + local + (w.time_zone ? ' (' + w.time_zone + ')' : '');
}

function schoolList(w, unit, status) {
  const box = el('div', { class: 'drill', 'data-drill': status });
  box.append(el('p', { class: 'muted' }, t('loading')));
  api('GET', '/board/schools' + query({ window: w.window_id, requirement: w.requirement_id,
    unit, status })).then((rows) => {
    box.replaceChildren(el('h4', {}, t(status)), table([
      { title: t('school'), cell: (r) => el('a', { href: '#school/' + encodeURIComponent(r.school_id) },
        r.school_name || r.school_id) },
      { title: t('parent'), key: 'parent_name' },
      { title: t('received_at'), cell: (r) => time(r.received_at) },
      { title: t('lateness'), cell: (r) => r.lateness_minutes ? r.lateness_minutes + ' ' + t('min') : '' },
      { title: t('alert'), cell: (r) => r.alert_id ?
        el('a', { href: '#alert/' + encodeURIComponent(r.alert_id) }, t('open_alert')) : '' },
    ], rows));
  }).catch((e) => box.replaceChildren(el('p', { class: 'error' }, e.message)));
  return box;
}

function counts(w, unit, drillTarget) {
  const dl = el('dl', { class: 'counts' });
  for (const key of COUNTS) {
    const value = String(w[key] ?? 0);
    const drill = DRILLABLE.has(key) && Number(w[key]) > 0 && drillTarget;
    const dd = drill ?
      el('dd', {}, el('button', { type: 'button', class: 'link', onclick: () =>
        drillTarget.replaceChildren(schoolList(w, unit, key)) }, value)) :
      el('dd', {}, value);
    dl.append(el('div', { class: 'count ' + key, 'data-count': key }, el('dt', {}, t(key)), dd));
  }
  return dl;
}

function unitRows(w) {
  if (!w.units || w.units.length === 0) return null;
  return table([
    { title: t('unit'), cell: (u) => el('a', { href: '#board/' + encodeURIComponent(u.unit_id) },
      u.unit_name || u.unit_id) },
    ...COUNTS.map((key) => ({ title: t(key), class: 'num ' + key, cell: (u) => String(u[key] ?? 0) })),
  ], w.units);
}

function windowCard(w, unit) {
  const drill = el('div', { class: 'drill-target' });
  return el('article', { class: 'card window', 'data-window': w.window_id || '' },
    el('h3', {}, w.requirement_name || w.requirement_id || ''),
    el('p', { class: 'muted' }, deadlineText(w)),
    counts(w, unit, drill), drill, unitRows(w));
}

export async function renderBoard([unit] = []) {
  const data = await api('GET', '/board' + query({ unit }));
  const windows = data.windows || [];
  const crumbs = el('p', { class: 'crumbs' },
    unit ? el('a', { href: '#board' }, t('whole_org')) : null,
    unit ? ' / ' + ((data.unit && data.unit.name) || unit) : null);
  return section('board', null,
    el('h2', {}, t('board_title'), ' ', el('small', { id: 'board-date' }, data.date || '')),
    crumbs,
    el('div', { id: 'board-windows', class: 'grid' },
      windows.length === 0 ? el('p', {}, t('no_windows')) : windows.map((w) => windowCard(w, unit))));
}

// Big screen: the same counts in large type and the open alerts, dark, no navigation;
// live through the same event stream. Leave with Esc or the button.
export async function renderWall() {
  const [board, alerts] = await Promise.all([
    api('GET', '/board'),
    api('GET', '/alerts' + query({ state: 'open', limit: 12 })),
  ]);
  const exit = el('a', { class: 'wall-exit', href: '#board' }, t('exit_wall'));
  const full = el('button', { type: 'button', onclick: () =>
    document.documentElement.requestFullscreen?.().catch(() => {}) }, t('fullscreen'));
  const windows = (board.windows || []).map((w) => el('article', { class: 'wall-window' },
    el('h3', {}, w.requirement_name || w.requirement_id, ' · ', deadlineText(w)),
    counts(w, '', null)));
  const list = el('ul', { class: 'list wall-alerts' }, alerts.length === 0 ?
    el('li', { class: 'muted' }, t('no_open_alerts')) :
    alerts.map((a) => el('li', { class: `alert sev-${a.severity || a.kind}`, 'data-alert': a.id },
      el('strong', {}, a.school_name || a.school_id), ' ',
      el('span', { class: 'tag' }, label('k_', a.kind), a.severity ? ' ' + a.severity : ''), ' ',
      el('time', {}, time(a.created_at)))));
  return section('wall', null,
    el('div', { class: 'wall-head' }, el('h2', {}, t('title'), ' · ', board.date || ''),
      el('span', { class: 'muted' }, t('updated') + ' ' + fullTime(new Date().toISOString())),
      full, exit),
    el('div', { class: 'wall-grid' }, el('div', {}, windows.length ? windows :
      el('p', {}, t('no_windows'))), el('div', {}, el('h3', {}, t('open_alerts')), list)));
}

document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && document.body.classList.contains('wall')) location.hash = '#board';
});
