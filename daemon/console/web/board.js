// The board (看板): today's reporting windows with counts for the viewed unit and one
// row per child unit to drill into, and the school list behind any count; plus the
// "big screen" (大屏) variant for the duty room's wall.
import {
  api, el, query, section, t, time, clock, label, table, fullTime, can,
} from '/static/lib.js';

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

// Big screen (大屏): the duty room's wall, in large type on a dark ground, read in one
// request (GET /api/v1/wall). Every open incident is pinned above the missed reports
// (the daemon orders them, core/wall_order.h, and never cuts an incident); its counts
// come from the same query as the incident page, so the two agree. The clock is the
// daemon's: during a drill the simulated time, labelled 演练. The page re-reads the wall
// every 30 seconds (a wall role has no event stream) and so stays current; a wall
// session never expires from idleness. Others leave it with Esc or the exit link.
const REFRESH_MS = 30_000;
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
  }, REFRESH_MS);
}

function wallIncident(i) {
  return el('li', { class: `incident sev-${i.severity}`, 'data-incident': i.report_id },
    el('span', { class: 'sev-badge sev-' + i.severity }, i.severity), ' ',
    el('strong', {}, i.school_name || i.school_id), ' ',
    el('span', { class: 'tag' }, label('cat_', i.category)),
    i.needs_leader_attention ? el('span', { class: 'tag flag' }, t('leader_attention')) : null,
    el('time', {}, time(i.occurred_at || i.received_at)));
}

function wallReport(a) {
  return el('li', { class: `alert sev-${a.kind}`, 'data-alert': a.id },
    el('strong', {}, a.school_name || a.school_id), ' ',
    el('span', { class: 'tag' }, label('k_', a.kind),
      a.requirement_name ? ' · ' + a.requirement_name : ''),
    a.state === 'acknowledged' ? el('span', { class: 'state' }, ' ', label('s_', a.state)) : null,
    el('time', {}, time(a.created_at)));
}

function wallTotals(c) {
  const total = (key, cls) => el('div', { class: 'count ' + cls, 'data-count': key },
    el('dt', {}, t('wall_' + key)), el('dd', {}, String(c[key] ?? 0)));
  return el('dl', { id: 'wall-totals', class: 'counts' },
    total('open_incidents', 'incidents'), total('missed_reports', 'missing'));
}

export async function renderWall() {
  const wall = await api('GET', '/wall');
  const drill = wall.clock === 'drill';
  const clockNode = el('time', { id: 'wall-clock' });
  startWallClock(clockNode, wall.now);
  const leave = can('view_alerts') ?
    el('a', { class: 'wall-exit', href: '#board' }, t('exit_wall')) : null;
  const full = el('button', { type: 'button', onclick: () =>
    document.documentElement.requestFullscreen?.().catch(() => {}) }, t('fullscreen'));
  const windows = (wall.windows || []).map((w) => el('article', { class: 'wall-window' },
    el('h3', {}, w.requirement_name || w.requirement_id, ' · ', deadlineText(w)),
    counts(w, '', null)));
  const c = wall.counts || {};
  const incidents = wall.incidents || [];
  const reports = wall.reports || [];
  const more = c.more_reports > 0 ?
    el('p', { id: 'wall-more', class: 'muted' }, t('more_reports').replace('{n}', c.more_reports)) : null;
  return section('wall', null,
    el('div', { class: 'wall-head' },
      el('h2', {}, t('title'), ' · ', wall.date || ''),
      drill ? el('span', { id: 'wall-drill', class: 'drill-badge' }, t('drill')) : null,
      el('span', { class: 'wall-clock-box' },
        el('small', {}, t(drill ? 'drill_time' : 'now_time')), clockNode),
      full, leave),
    el('div', { class: 'wall-grid' },
      el('div', {}, wallTotals(c),
        el('h3', {}, t('wall_open_incidents')),
        el('ul', { id: 'wall-incidents', class: 'list wall-list' }, incidents.length ?
          incidents.map(wallIncident) : el('li', { class: 'muted' }, t('no_open_incidents'))),
        el('h3', {}, t('wall_missed_reports')),
        el('ul', { id: 'wall-reports', class: 'list wall-list' }, reports.length ?
          reports.map(wallReport) : el('li', { class: 'muted' }, t('no_missed_reports'))),
        more),
      el('div', {}, windows.length ? windows : el('p', {}, t('no_windows')))));
}

document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && document.body.classList.contains('wall') && can('view_alerts')) {
    location.hash = '#board';
  }
});
