// pingan duty console: sign-in, the page router, the navigation and live updates over
// Server-Sent Events (/api/v1/events). Each page lives in its own module and renders
// into <main>; a live event re-renders the current page unless the officer is typing.
import { $, api, el, state, t, can, time, daemonClock } from '/static/lib.js';
import { I18N } from '/static/i18n.js';
import { renderBoard, renderWall } from '/static/board.js';
import { renderQueue } from '/static/queue.js';
import { renderAlerts, renderAlert } from '/static/alerts.js';
import { renderIncidents, renderIncident } from '/static/incidents.js';
import { renderSchools, renderSchool } from '/static/schools.js';
import { renderCalendar, renderRosters } from '/static/calendar.js';
import { renderHandover, renderAudit } from '/static/records.js';
import { renderStats } from '/static/stats.js';

// hash prefix -> [render(params), nav permission]
const PAGES = [
  ['queue', renderQueue, 'view_alerts'],
  ['board', renderBoard, 'view_alerts'],
  ['alerts', renderAlerts, 'view_alerts'],
  ['alert', renderAlert, 'view_alerts'],
  ['incidents', renderIncidents, 'view_incidents'],
  ['incident', renderIncident, 'view_incidents'],
  ['schools', renderSchools, 'view_alerts'],
  ['school', renderSchool, 'view_alerts'],
  ['calendar', renderCalendar, 'view_alerts'],
  ['rosters', renderRosters, 'view_alerts'],
  ['handover', renderHandover, 'view_alerts'],
  ['audit', renderAudit, 'view_audit'],
  ['stats', renderStats, 'view_alerts'],
  ['wall', renderWall, 'view_board'],
];

const NAV = ['queue', 'board', 'alerts', 'incidents', 'schools', 'calendar', 'rosters', 'handover',
  'stats', 'audit', 'wall'];

const live = { pending: false, timer: null, knownAlerts: new Set(), generation: 0 };

function applyLang() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  $('#lang').textContent = state.lang === 'zh' ? 'English' : '中文';
  setLive(state.events && state.events.readyState === EventSource.OPEN);
}

function setLive(on) {
  const badge = $('#live');
  badge.className = 'live ' + (on ? 'on' : 'off');
  badge.textContent = t(on ? 'live' : 'offline');
}

function buildNav() {
  const nav = $('#nav');
  nav.replaceChildren(...NAV.filter((name) => {
    const page = PAGES.find(([n]) => n === name);
    return page && can(page[2]);
  }).map((name) => el('a', { href: '#' + name, 'data-page': name }, t('nav_' + name))));
}

// Duty officers and leaders start on what they must do (the action queue); admins and
// auditors on the board.
// The wall role (a kiosk screen) has the big screen only.
function defaultPage() {
  if (state.role === 'wall') return 'wall';
  return state.role === 'duty_officer' || state.role === 'leader' ? 'queue' : 'board';
}

function currentPage() {
  const hash = location.hash.replace(/^#/, '') || defaultPage();
  const [name, ...rest] = hash.split('/');
  return { name, params: rest.map(decodeURIComponent) };
}

// `refresh`: a live update, not the officer's own navigation or action: it waits (stays
// pending) when they started typing while the page was being fetched.
async function route(refresh = false) {
  const { name, params } = currentPage();
  // A page the role may not see falls back to its default page (the wall role: the wall).
  const page = PAGES.find(([n, , perm]) => n === name && can(perm)) ||
    PAGES.find(([n]) => n === defaultPage());
  document.body.classList.toggle('wall', page[0] === 'wall');
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === page[0] ||
      a.dataset.page + 's' === page[0] || a.dataset.page === page[0] + 's');
  }
  $('#view-login').hidden = true;
  const main = $('#pages');
  // Renders overlap when events come quickly; one that started earlier and answers
  // later holds older data and must not replace the newer page.
  const generation = ++live.generation;
  try {
    const view = await page[1](params);
    if (generation !== live.generation) return;
    if (refresh && busy()) return refreshSoon();
    main.replaceChildren(view);
  } catch (e) {
    if (e.status === 401) return signedOut();
    main.replaceChildren(el('section', { class: 'view', id: 'view-error' },
      el('p', { class: 'error', role: 'alert' },
        e.status === 404 ? t('not_found') : e.status === 403 ? t('forbidden') : e.message)));
  }
  live.pending = false;
}

// Someone typing keeps the page as it is: a focused text field, or one holding text
// not yet sent, or a ticked box. The refresh waits until they leave it (focusout) or send it.
function busy() {
  const active = document.activeElement;
  if (active && active.closest('#pages') && active.matches('input, textarea')) return true;
  // Ticked boxes (alerts picked in the queue) count too: a refresh would untick them.
  return [...document.querySelectorAll('#pages textarea, #pages input')]
    .some((node) => (node.type === 'checkbox' ? node.checked !== node.defaultChecked :
      node.value !== node.defaultValue));
}

function refreshSoon() {
  live.pending = true;
  clearTimeout(live.timer);
  // A sweep publishes many events at once: render once after they settle. While the
  // officer types, look again shortly (a form being sent is also "typing" until the
  // page it reloads replaced it).
  const tick = () => {
    if (!live.pending) return;
    if (busy()) {
      live.timer = setTimeout(tick, 500);
      return;
    }
    route(true);
  };
  live.timer = setTimeout(tick, 250);
}

function beep() {
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.3);
  } catch (e) { /* no sound available */ }
}

// A sound and a browser notification for what a duty room must not miss: a missed
// deadline or a severity I-II incident.
function notify(a) {
  const serious = a.kind === 'missing' || a.severity === 'I' || a.severity === 'II';
  if (!serious) return;
  beep();
  if ('Notification' in window && Notification.permission === 'granted') {
    const what = t('k_' + a.kind) + (a.severity ? ' · ' + a.severity : '');
    new Notification(t('new_alert'), { body: (a.school_name || a.school_id || '') + ' · ' + what });
  }
  document.body.dataset.lastAlert = a.id;
}

function connectEvents() {
  if (state.events) state.events.close();
  const es = new EventSource('/api/v1/events');
  state.events = es;
  es.onopen = () => setLive(true);
  es.onerror = () => {
    setLive(false);
    // EventSource reconnects by itself with Last-Event-ID; a closed stream after the
    // session ended means: sign in again.
    if (es.readyState === EventSource.CLOSED) {
      api('GET', '/session').catch(() => {
        signedOut();
        $('#login-error').textContent = t('session_ended');
      });
    }
  };
  es.addEventListener('alert.opened', (msg) => {
    const a = JSON.parse(msg.data);
    if (!live.knownAlerts.has(a.id)) notify(a);
    live.knownAlerts.add(a.id);
    refreshSoon();
  });
  // Many schools missing one deadline come as one event (no names: a leader's stream
  // gets it when any of them is in the leader's area).
  es.addEventListener('alerts.opened', (msg) => {
    const bulk = JSON.parse(msg.data);
    notify({ kind: bulk.kind || 'missing', id: 'bulk-' + msg.lastEventId, school_name: t('many_schools') });
    refreshSoon();
  });
  for (const name of ['alert.updated', 'ledger.updated', 'incident.updated', 'handover.updated']) {
    es.addEventListener(name, refreshSoon);
  }
  es.addEventListener('reload', () => location.reload());
  es.addEventListener('system.updated', loadWarnings);
  // The daemon ends the stream when the session ends (logout elsewhere, expiry, the
  // user disabled): show the sign-in page at once rather than a quietly stale board.
  es.addEventListener('session.ended', () => {
    signedOut();
    $('#login-error').textContent = t('session_ended');
    beep();
  });
}

// Warnings about pingan itself (no reports arriving at all, a failing store, a clock set
// back): a banner above every page until the daemon clears them.
async function loadWarnings() {
  const box = $('#system-warnings');
  try {
    const { warnings } = await api('GET', '/system/warnings');
    const known = (code) => (t('w_' + code) !== 'w_' + code ? 'w_' + code : 'w_other');
    box.replaceChildren(...warnings.map((w) => el('p', { 'data-code': w.code }, t(known(w.code)))));
    if (warnings.length && box.hidden) beep();
    box.hidden = warnings.length === 0;
  } catch (e) { /* signed out or offline: the live badge says so */ }
}

// During a drill every page says so, with the simulated time the daemon runs on: a
// badge beside the user's name, kept ticking from the daemon's clock.
const drill = { timer: null };
async function showDrill() {
  clearInterval(drill.timer);
  const badge = $('#drill-badge');
  badge.hidden = true;
  if (!can('view_alerts')) return;  // the wall shows its own
  try {
    const c = await daemonClock(true);
    if (c.clock !== 'drill') return;
    const show = () => {
      badge.textContent = t('drill') + ' · ' + time(new Date(Date.now() + c.offset).toISOString());
    };
    show();
    badge.hidden = false;
    drill.timer = setInterval(show, 10_000);
  } catch (e) { /* signed out: nothing to show */ }
}

function signedIn(session) {
  state.csrf = session.csrf_token;
  state.user = session.user;
  state.role = session.role;
  state.timeZone = session.time_zone || state.timeZone;
  state.permissions = new Set(session.permissions || []);
  $('#nav').hidden = false;
  $('#logout').hidden = false;
  $('#whoami').textContent = session.user;
  document.body.dataset.user = session.user;
  buildNav();
  // The wall role reads the wall and nothing else: no stream, no warnings (it polls).
  if (can('view_alerts')) {
    connectEvents();
    loadWarnings();
  }
  showDrill();
  if ('Notification' in window && Notification.permission === 'default') {
    Notification.requestPermission().catch(() => {});
  }
  route();
}

function signedOut() {
  if (state.events) state.events.close();
  state.events = null;
  state.csrf = '';
  state.permissions = new Set();
  $('#nav').hidden = true;
  $('#logout').hidden = true;
  $('#whoami').textContent = '';
  $('#pages').replaceChildren();
  $('#system-warnings').hidden = true;
  $('#drill-badge').hidden = true;
  clearInterval(drill.timer);
  document.body.classList.remove('wall');
  setLive(false);
  $('#view-login').hidden = false;
}

function init() {
  if (!I18N[state.lang]) state.lang = 'zh';
  applyLang();
  $('#lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('pingan.lang', state.lang);
    applyLang();
    if (state.csrf) {
      buildNav();
      if (can('view_alerts')) loadWarnings();
      showDrill();
      route();
    }
  });
  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    $('#login-error').textContent = '';
    try {
      await api('POST', '/login', { name: f.elements.name.value,
        password: f.elements.password.value });
      f.reset();
      signedIn(await api('GET', '/session'));
    } catch (e) {
      $('#login-error').textContent = t(e.status === 429 ? 'throttled' : 'bad_login');
    }
  });
  $('#logout').addEventListener('click', async () => {
    try { await api('POST', '/logout', {}); } catch (e) { /* already gone */ }
    signedOut();
  });
  window.addEventListener('hashchange', () => { if (state.csrf) route(); });
  document.addEventListener('focusout', () => {
    if (live.pending) setTimeout(() => { if (live.pending && !busy()) route(true); }, 0);
  });
  api('GET', '/session').then(signedIn).catch(signedOut);
}

document.addEventListener('DOMContentLoaded', init);
