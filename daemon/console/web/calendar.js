// Calendar (日历): the next deadlines, the exemptions (免报) in force or ahead (made and
// withdrawn here by admins and duty officers), the periods (holidays, major events,
// terms) and the reporting requirements with who gets their reminders and which
// escalation policy takes their alerts, and whom the leaders' fast path tells; Rosters (值班表): who is on duty now and next, and the
// gaps with nobody on duty in coming holidays and major events.
import {
  api, el, query, section, t, time, fullTime, label, table, can, actionForm, textInput, textArea,
  rerender,
} from '/static/lib.js';
import { shiftLine } from '/static/contacts.js';
import { describeDays, describeDue } from '/static/recurrence.js';

function deadlines(rows) {
  return el('div', { id: 'next-deadlines' }, table([
    { title: t('deadline'), cell: (d) => fullTime(d.deadline) },
    { title: t('requirement'), cell: (d) => d.requirement_name || d.requirement_id },
    { title: t('covers'), cell: (d) => d.covers_first === d.covers_last ? d.covers_first :
      d.covers_first + ' – ' + d.covers_last },
    { title: t('grace_end'), cell: (d) => time(d.grace_end) },
    { title: t('schools'), key: 'schools' },
  ], rows, t('no_deadlines')));
}

function periods(calendars) {
  const rows = [];
  for (const c of calendars || []) {
    for (const p of c.periods || []) rows.push({ ...p, calendar: c.name, zone: c.time_zone });
  }
  rows.sort((a, b) => (a.first || '').localeCompare(b.first || ''));
  return table([
    { title: t('period'), key: 'name' },
    { title: t('kind'), cell: (p) => label('p_', p.kind) },
    { title: t('tags'), cell: (p) => (p.tags || []).join('、') },
    { title: t('from'), key: 'first' },
    { title: t('to'), key: 'last' },
    { title: t('scope'), cell: (p) => p.scope || t('whole_org') },
    { title: t('calendar'), key: 'calendar' },
  ], rows, t('no_periods'));
}

function workingDays(calendars) {
  const days = (calendars || []).flatMap((c) => c.adjusted_working_days || []);
  if (days.length === 0) return null;
  return el('p', {}, t('adjusted_working_days') + ': ' + days.join(', '));
}

// A recipient token ("school_duty", "district_on_duty", "group:x", "person:x",
// "unit:<id>_duty") in words.
function whom(token) {
  const [head, rest] = token.split(/:(.*)/s);
  if (rest !== undefined && head === 'group') return t('group') + ' ' + rest;
  if (rest !== undefined && head === 'person') return rest;
  const body = rest !== undefined ? rest : token;
  const m = body.match(/^(.*?)_(duty|primary|leader|on_duty)$/);
  if (!m) return token;
  const unit = rest !== undefined ? m[1] : t('u_' + m[1]);
  return unit + t('rt_' + m[2]);
}

// "短信 → 邮件" (one after another) or "短信 + 邮件 同时" (all at once).
function channels(list, allAtOnce) {
  const names = (list || []).map((c) => t('ch_' + c));
  return allAtOnce ? names.join(' + ') + ' ' + t('all_at_once') : names.join(' → ');
}

function reminderCell(r) {
  const m = r.reminder;
  if (!m) return '';
  return el('span', { class: 'reminder' }, t('before_deadline') + ' ' + m.before + ': ' +
    m.to.map(whom).join('、') + ' (' + channels(m.channels, m.all_at_once) + ')');
}

// The policies that may take the requirement's alerts, most specific first.
function escalationCell(r) {
  if (!r.escalation) return '';
  if (r.escalation.length === 0) return el('span', { class: 'warn' }, t('no_policy'));
  return el('ul', { class: 'policies' }, r.escalation.map((p) => el('li', {
    'data-policy': p.policy, 'data-kind': p.alert_kind },
  el('strong', {}, label('k_', p.alert_kind) + ' · ' + p.policy),
  p.periods.length ? ' [' + p.periods.map((k) => label('p_', k)).join(', ') + ']' : '',
  el('ol', {}, p.steps.map((s) => el('li', {}, '+' + s.wait + ' ' +
    s.to.map(whom).join('、') + ' (' + channels(s.channels, s.all_at_once) + ')'))))));
}

// The leaders' fast path: grave incidents go at once to the leaders from a unit up,
// whatever policy takes them.
function leaderRule(l) {
  if (!l) return null;
  return el('p', { id: 'leader-rule', 'data-all-at-once': String(l.all_at_once) },
    el('strong', {}, t('leader_rule') + ': '),
    !l.enabled ? t('leader_rule_off') : label('sev_', l.max_severity) + ' ' +
      t('leader_rule_grave') + ', ' + label('u_', l.lowest_unit) + t('leader_rule_up') +
      (l.roles || []).map((r) => label('role_', r)).join('、') +
      ' (' + channels(l.channels, l.all_at_once) + ')');
}

function requirements(list) {
  return el('div', { id: 'requirements' }, table([
    { title: t('requirement'), key: 'name' },
    { title: t('kind'), cell: (r) => label('rk_', r.kind) },
    { title: t('days_due'), cell: (r) => r.kind === 'incident' || r.disabled ? '' :
      describeDays(r) },
    { title: t('due'), cell: (r) => r.kind === 'incident' || r.disabled ? '' : describeDue(r) },
    { title: t('grace'), key: 'grace' },
    { title: t('scope'), cell: (r) => r.scope || t('whole_org') },
    { title: t('late_alert'), cell: (r) => r.raise_late_alert ? t('yes') : '' },
    { title: t('reminder'), cell: reminderCell },
    { title: t('escalation'), cell: escalationCell },
    { title: t('status'), cell: (r) => r.disabled ? t('disabled') : '' },
  ], list));
}

// The exemptions not past (a past one no longer changes anything owed), with a withdraw
// button for those who may; the form to make one.
function exemptions(list, reload) {
  const manage = can('manage_exemptions');
  const withdraw = (e) => el('button', { class: 'small', onclick: async () => {
    await api('POST', `/exemptions/${encodeURIComponent(e.id)}/withdraw`, {});
    await reload();
  } }, t('withdraw'));
  const rows = (list || []).filter((e) => e.state === 'in_force' || e.state === 'ahead');
  return el('div', { id: 'exemptions' }, table([
    { title: t('from'), key: 'from' },
    { title: t('to'), key: 'to' },
    { title: t('scope'), cell: (e) => e.scope.name || e.scope.id },
    { title: t('requirements'), cell: (e) => e.requirements.length === 0 ? t('requirements_all') :
      e.requirements.map((r) => r.name || r.id).join(', ') },
    { title: t('f_reason'), key: 'reason' },
    { title: t('status'), cell: (e) => label('ex_', e.state) },
    { title: t('created_by'), key: 'created_by' },
    manage ? { title: '', cell: withdraw } : null,
  ].filter(Boolean), rows, t('no_exemptions')),
  manage ? actionForm({ id: 'exemption-form', title: t('add_exemption'),
    required: ['from', 'to', 'scope', 'reason'],
    fields: [textInput('from', { type: 'date' }), textInput('to', { type: 'date' }),
      textInput('scope'), textInput('requirements'), textArea('reason', { maxlength: 500 })],
    onDone: async (body) => { await api('POST', '/exemptions', body); await reload(); } }) : null);
}

export async function renderCalendar() {
  const [c, ex] = await Promise.all([api('GET', '/calendars'), api('GET', '/exemptions')]);
  const view = section('calendar', t('calendar_title'),
    el('h3', {}, t('next_deadlines')), deadlines(c.next_deadlines),
    el('h3', {}, t('exemptions')),
    exemptions(ex, async () => rerender()),
    el('h3', {}, t('periods')), periods(c.calendars), workingDays(c.calendars),
    el('h3', {}, t('requirements')), requirements(c.requirements), leaderRule(c.leaders),
    el('p', { class: 'muted' }, t('time_zone') + ': ' + (c.time_zone || '')));
  return view;
}

// One unit's duty: who is on duty now, today's and tomorrow's shifts (a number to call
// for each) and the stretches with nobody on duty in between.
function unitDuty(u) {
  const shifts = u.shifts || [];
  const gaps = (u.gaps || []).map((g) => ({ ...g, gap: true }));
  const rows = [...shifts, ...gaps].sort((x, y) => String(x.from).localeCompare(String(y.from)));
  return el('article', { class: 'card roster-unit', 'data-unit': u.unit_id },
    el('h3', {}, u.unit_name || u.unit_id),
    el('p', { class: 'on-duty' }, el('span', { class: 'tag' }, t('on_duty_now')), ' ',
      u.on_duty ? shiftLine(u.on_duty) : el('span', { class: 'warn' }, t('nobody'))),
    el('h4', {}, t('shifts_today')),
    rows.length === 0 ? el('p', { class: 'muted' }, t('no_shifts')) :
      el('ul', { class: 'shifts' }, rows.map((r) => r.gap ?
        el('li', { class: 'gap warn' }, r.from_local + ' – ' + r.to_local + ' ' + t('nobody')) :
        el('li', { class: r.now ? 'shift now' : 'shift' }, el('span', { class: 'muted' },
          r.from_local + ' – ' + r.to_local + ' '), shiftLine({ ...r, from: '', to: '' })))));
}

export async function renderRosters() {
  const [now, gaps] = await Promise.all([api('GET', '/rosters'),
    api('GET', '/rosters/gaps' + query({ days: 14 }))]);
  const units = now.rosters || [];
  return section('rosters', t('rosters_title'),
    el('div', { id: 'roster-now', class: 'grid' }, units.length ? units.map(unitDuty) :
      el('p', { class: 'muted' }, now.escalation === false ? t('no_escalation') : t('no_rosters'))),
    el('h3', {}, t('roster_gaps')),
    table([
      { title: t('unit'), cell: (g) => g.unit_name || g.unit_id },
      { title: t('from'), key: 'from_local' },
      { title: t('to'), key: 'to_local' },
      { title: t('hours'), key: 'hours' },
      { title: t('period'), key: 'period' },
    ], gaps.gaps, t('no_gaps')));
}
