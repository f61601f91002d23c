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
//
// The open alerts are ranked as a duty room reads them: incidents first, severity I
// first, then missing and late reports, the longest waiting first; what does not fit
// is counted, never silently dropped. The open incidents are counted on their own (the
// board's count is of today's windows). The page shows the daemon's clock (a drill's
// too) and re-reads everything every minute, which also keeps an unattended screen
// signed in.
const WALL_ROWS = 12;
const KIND_RANK = { incident: 0, missing: 1, late: 2 };
const SEVERITY_RANK = { I: 0, II: 1, III: 2, IV: 3 };

export function rankAlerts(alerts) {
  const rank = (a) => [KIND_RANK[a.kind] ?? 3, SEVERITY_RANK[a.severity] ?? 4];
  return [...alerts].sort((x, y) => {
    const [rx, ry] = [rank(x), rank(y)];
    return rx[0] - ry[0] || rx[1] - ry[1] || String(x.created_at).localeCompare(String(y.created_at));
  });
}

const wallClock = { timer: null, refresh: null };

function startWallClock(node, serverNow) {
  const offset = Date.parse(serverNow) - Date.now();
  const show = () => { node.textContent = fullTime(new Date(Date.now() + offset).toISOString()); };
  show();
  clearInterval(wallClock.timer);
  clearInterval(wallClock.refresh);
  wallClock.timer = setInterval(() => {
    if (!document.body.contains(node)) return clearInterval(wallClock.timer);
    show();
  }, 1000);
  wallClock.refresh = setInterval(() => {
    if (!document.body.contains(node)) return clearInterval(wallClock.refresh);
    window.dispatchEvent(new HashChangeEvent('hashchange'));  // route() re-renders it
  }, 60_000);
}

function wallAlert(a) {
  return el('li', { class: `alert sev-${a.severity || a.kind}`, 'data-alert': a.id },
    el('strong', {}, a.school_name || a.school_id), ' ',
    el('span', { class: 'tag' }, label('k_', a.kind), a.severity ? ' ' + a.severity : ''), ' ',
    el('time', {}, time(a.created_at)));
}

export async function renderWall() {
  const [board, open, now] = await Promise.all([
    api('GET', '/board'),
    api('GET', '/alerts' + query({ state: 'open', limit: 1000 })),
    api('GET', '/clock'),
  ]);
  const exit = el('a', { class: 'wall-exit', href: '#board' }, t('exit_wall'));
  const full = el('button', { type: 'button', onclick: () =>
    document.documentElement.requestFullscreen?.().catch(() => {}) }, t('fullscreen'));
  const windows = (board.windows || []).map((w) => el('article', { class: 'wall-window' },
    el('h3', {}, w.requirement_name || w.requirement_id, ' · ', deadlineText(w)),
    counts(w, '', null)));
  const ranked = rankAlerts(open);
  const shown = ranked.slice(0, WALL_ROWS);
  const list = el('ul', { class: 'list wall-alerts' }, shown.length === 0 ?
    el('li', { class: 'muted' }, t('no_open_alerts')) : shown.map(wallAlert));
  const more = ranked.length > shown.length ?
    el('p', { id: 'wall-more', class: 'muted' }, t('more_alerts').replace('{n}', ranked.length - shown.length)) : null;
  const openIncidents = open.filter((a) => a.kind === 'incident').length;
  const totals = el('dl', { id: 'wall-totals', class: 'counts' },
    el('div', { class: 'count incidents', 'data-count': 'open_incidents' },
      el('dt', {}, t('open_incidents')), el('dd', {}, String(openIncidents))),
    el('div', { class: 'count missing', 'data-count': 'open_alerts' },
      el('dt', {}, t('open_alerts')), el('dd', {}, String(open.length))));
  const clockNode = el('time', { id: 'wall-clock' });
  startWallClock(clockNode, now.now);
  return section('wall', null,
    el('div', { class: 'wall-head' }, el('h2', {}, t('title'), ' · ', board.date || ''),
      clockNode, full, exit),
    el('div', { class: 'wall-grid' }, el('div', {}, windows.length ? windows :
      el('p', {}, t('no_windows'))), el('div', {}, totals, el('h3', {}, t('open_alerts')), list, more)));
}

document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && document.body.classList.contains('wall')) location.hash = '#board';
});
