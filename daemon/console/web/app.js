// pingan duty console: login, board (看板), alerts (告警) with ack/resolve, and live
// updates over Server-Sent Events (/api/v1/events). Plain JS, no build step.
'use strict';

const I18N = {
  zh: {
    title: '平安值班台', board: '看板', alerts: '告警', logout: '退出', login: '登录',
    user: '用户名', password: '密码', signin: '登录', board_title: '今日报送',
    alerts_title: '告警', back: '← 返回告警', ack: '确认', resolve: '办结',
    comment: '说明', reason: '原因', timeline: '处置记录', live: '实时', offline: '离线',
    r_late_report_received: '已补报', r_handled: '已处置', r_false_alarm: '误报',
    schools: '应报', on_time: '按时', late: '迟报', missing: '漏报', outstanding: '未报',
    excused: '免报', deadline: '截止', no_windows: '今天没有报送要求',
    no_alerts: '暂无告警', bad_login: '用户名或密码错误', throttled: '失败次数过多，请稍后再试',
    k_missing: '漏报', k_late: '迟报', k_incident: '突发事件',
    s_open: '待处理', s_acknowledged: '已确认', s_resolved: '已办结',
    comment_required: '请填写说明', new_alert: '新告警',
  },
  en: {
    title: 'pingan duty console', board: 'Board', alerts: 'Alerts', logout: 'Sign out',
    login: 'Sign in', user: 'User', password: 'Password', signin: 'Sign in',
    board_title: "Today's reports", alerts_title: 'Alerts', back: '← Back to alerts',
    ack: 'Acknowledge', resolve: 'Close', comment: 'Comment', reason: 'Reason',
    timeline: 'Timeline', live: 'Live', offline: 'Offline',
    r_late_report_received: 'Late report received', r_handled: 'Handled',
    r_false_alarm: 'False alarm', schools: 'Due', on_time: 'On time', late: 'Late',
    missing: 'Missed', outstanding: 'Outstanding', excused: 'Excused', deadline: 'Deadline',
    no_windows: 'No reports due today', no_alerts: 'No alerts',
    bad_login: 'Wrong name or password', throttled: 'Too many failed logins; wait',
    k_missing: 'Missed report', k_late: 'Late report', k_incident: 'Emergency incident',
    s_open: 'Open', s_acknowledged: 'Acknowledged', s_resolved: 'Closed',
    comment_required: 'A comment is required', new_alert: 'New alert',
  },
};

const state = { lang: localStorage.getItem('pingan.lang') || 'zh', csrf: '', events: null,
  knownAlerts: new Set() };
const $ = (sel) => document.querySelector(sel);
const t = (key) => I18N[state.lang][key] || key;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c === null || c === undefined ? '' : c);
  return node;
}

function applyLang() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  $('#lang').textContent = state.lang === 'zh' ? 'English' : '中文';
  setLive(state.events && state.events.readyState === EventSource.OPEN);
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const res = await fetch('/api/v1' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error((data.error && data.error.message) || res.statusText);
    err.status = res.status;
    err.code = data.error && data.error.code;
    throw err;
  }
  return data;
}

function show(view) {
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== 'view-' + view;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.getAttribute('href') === '#' + view);
  }
}

function setLive(on) {
  const live = $('#live');
  live.className = 'live ' + (on ? 'on' : 'off');
  live.textContent = t(on ? 'live' : 'offline');
}

function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB',
    { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

async function renderBoard() {
  const data = await api('GET', '/board');
  $('#board-date').textContent = data.date || '';
  const box = $('#board-windows');
  box.replaceChildren();
  if (!data.windows || data.windows.length === 0) box.append(el('p', {}, t('no_windows')));
  for (const w of data.windows || []) {
    const counts = el('dl', { class: 'counts' });
    for (const key of ['schools', 'on_time', 'late', 'missing', 'outstanding']) {
      counts.append(el('div', { class: 'count ' + key, 'data-count': key },
        el('dt', {}, t(key)), el('dd', {}, String(w[key] ?? 0))));
    }
    box.append(el('article', { class: 'card window', 'data-window': w.window_id || '' },
      el('h3', {}, w.requirement_name || w.requirement_id || ''),
      el('p', { class: 'muted' }, t('deadline') + ' ' + time(w.deadline)), counts));
  }
}

function alertLabel(a) {
  return t('k_' + a.kind) + (a.severity ? ' · ' + a.severity : '');
}

async function renderAlerts() {
  const list = await api('GET', '/alerts?limit=100');
  list.sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
  const ul = $('#alert-list');
  ul.replaceChildren();
  if (list.length === 0) ul.append(el('li', { class: 'muted' }, t('no_alerts')));
  for (const a of list) {
    state.knownAlerts.add(a.id);
    ul.append(el('li', { class: `alert sev-${a.severity || a.kind} state-${a.state}`,
      'data-alert': a.id },
    el('a', { href: '#alert/' + encodeURIComponent(a.id) },
      el('strong', {}, a.school_name || a.school_id), ' ',
      el('span', { class: 'tag' }, alertLabel(a)), ' ',
      el('span', { class: 'state' }, t('s_' + a.state)), ' ',
      el('time', {}, time(a.created_at)))));
  }
}

async function renderAlert(id) {
  const a = await api('GET', '/alerts/' + encodeURIComponent(id));
  $('#alert-head').replaceChildren(
    el('h2', { class: `sev-${a.severity || a.kind}` }, a.school_name || a.school_id),
    el('p', {}, el('span', { class: 'tag' }, alertLabel(a)), ' ',
      el('span', { class: 'state', id: 'alert-state' }, t('s_' + a.state))),
    el('p', { class: 'muted' }, time(a.created_at) + ' · ' + (a.requirement_id || '')));
  $('#ack-form').hidden = a.state !== 'open';
  $('#resolve-form').hidden = a.state === 'resolved';
  $('#ack-form').dataset.id = $('#resolve-form').dataset.id = a.id;
  const ol = $('#timeline');
  ol.replaceChildren();
  for (const e of a.timeline || []) {
    ol.append(el('li', {}, el('time', {}, time(e.at)), ' ', el('strong', {}, e.actor || ''),
      ' ', e.what || '', e.comment ? el('q', {}, e.comment) : ''));
  }
}

async function route() {
  const hash = location.hash.replace(/^#/, '') || 'board';
  $('#action-error').textContent = '';
  try {
    if (hash.startsWith('alert/')) {
      show('alert');
      await renderAlert(decodeURIComponent(hash.slice(6)));
    } else if (hash === 'alerts') {
      show('alerts');
      await renderAlerts();
    } else {
      show('board');
      await renderBoard();
    }
  } catch (e) {
    if (e.status === 401) return signedOut();
    $('#action-error').textContent = e.message;
  }
}

function notify(a) {
  const serious = a.kind === 'missing' || a.severity === 'I' || a.severity === 'II';
  if (!serious) return;
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.3);
  } catch (e) { /* no sound available */ }
  if ('Notification' in window && Notification.permission === 'granted') {
    new Notification(t('new_alert'), { body: (a.school_name || a.school_id) + ' · ' + alertLabel(a) });
  }
}

function connectEvents() {
  if (state.events) state.events.close();
  const es = new EventSource('/api/v1/events');
  state.events = es;
  es.onopen = () => setLive(true);
  es.onerror = () => setLive(false);  // EventSource reconnects with Last-Event-ID itself
  const refresh = () => route();
  es.addEventListener('alert.opened', (msg) => {
    const a = JSON.parse(msg.data);
    if (!state.knownAlerts.has(a.id)) notify(a);
    state.knownAlerts.add(a.id);
    refresh();
  });
  es.addEventListener('alert.updated', refresh);
  es.addEventListener('ledger.updated', refresh);
  es.addEventListener('reload', () => location.reload());
}

function signedIn(session) {
  state.csrf = session.csrf_token;
  $('#nav').hidden = false;
  $('#logout').hidden = false;
  document.body.dataset.user = session.user;
  connectEvents();
  if ('Notification' in window && Notification.permission === 'default') {
    Notification.requestPermission().catch(() => {});
  }
  route();
}

function signedOut() {
  if (state.events) state.events.close();
  state.events = null;
  state.csrf = '';
  $('#nav').hidden = true;
  $('#logout').hidden = true;
  setLive(false);
  show('login');
}

async function submitAction(form, path, fields) {
  const body = {};
  for (const f of fields) body[f] = form.elements[f].value.trim();
  if (!body.comment) {
    $('#action-error').textContent = t('comment_required');
    return;
  }
  try {
    await api('POST', `/alerts/${encodeURIComponent(form.dataset.id)}/${path}`, body);
    form.reset();
    await route();
  } catch (e) {
    $('#action-error').textContent = e.message;
  }
}

function init() {
  applyLang();
  $('#lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('pingan.lang', state.lang);
    applyLang();
    if (state.csrf) route();
  });
  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    $('#login-error').textContent = '';
    try {
      const s = await api('POST', '/login', { name: f.elements.name.value,
        password: f.elements.password.value });
      f.reset();
      signedIn(s);
    } catch (e) {
      $('#login-error').textContent = t(e.status === 429 ? 'throttled' : 'bad_login');
    }
  });
  $('#logout').addEventListener('click', async () => {
    try { await api('POST', '/logout', {}); } catch (e) { /* already gone */ }
    signedOut();
  });
  $('#ack-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitAction(ev.target, 'ack', ['comment']);
  });
  $('#resolve-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitAction(ev.target, 'resolve', ['reason', 'comment']);
  });
  window.addEventListener('hashchange', () => { if (state.csrf) route(); });
  api('GET', '/session').then(signedIn).catch(signedOut);
}

document.addEventListener('DOMContentLoaded', init);
