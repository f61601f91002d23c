// Alerts (告警): newest first with severity colours and filters; one alert with its
// timeline, who was notified and whether each notification was delivered, and the
// acknowledge / resolve forms.
import {
  api, el, query, section, t, time, fullTime, label, table, can, actionForm, textArea, select,
} from '/static/lib.js';
import { contactsPanel } from '/static/contacts.js';
import { timelineNote, inWords } from '/static/notes.js';

const filters = { state: 'unresolved', kind: '' };

function alertLine(a) {
  return el('li', { class: `alert sev-${a.severity || a.kind} state-${a.state}`, 'data-alert': a.id },
    el('a', { href: '#alert/' + encodeURIComponent(a.id) },
      el('strong', {}, a.school_name || a.school_id), ' ',
      el('span', { class: 'tag' }, label('k_', a.kind), a.severity ? ' · ' + a.severity : ''), ' ',
      el('span', { class: 'state' }, label('s_', a.state)), ' ',
      el('time', {}, time(a.created_at))));
}

function filterBar(rerender) {
  const pick = (name, options) => el('select', { name, onchange: (ev) => {
    filters[name] = ev.target.value;
    rerender();
  } }, options.map(([v, text]) => el('option', { value: v, selected: filters[name] === v }, text)));
  return el('div', { class: 'filters' },
    pick('state', [['unresolved', t('unresolved')], ['open', label('s_', 'open')],
      ['acknowledged', label('s_', 'acknowledged')], ['resolved', label('s_', 'resolved')],
      ['', t('all')]]),
    pick('kind', [['', t('all_kinds')], ['missing', label('k_', 'missing')],
      ['late', label('k_', 'late')], ['incident', label('k_', 'incident')]]));
}

async function loadAlerts() {
  const unresolved = filters.state === 'unresolved';
  const list = await api('GET', '/alerts' + query({
    state: unresolved ? '' : filters.state, kind: filters.kind, limit: unresolved ? 500 : 200 }));
  const shown = unresolved ? list.filter((a) => a.state !== 'resolved') : list;
  shown.sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
  return shown;
}

export async function renderAlerts() {
  const ul = el('ul', { id: 'alert-list', class: 'list' });
  const fill = async () => {
    const list = await loadAlerts();
    ul.replaceChildren(...(list.length === 0 ?
      [el('li', { class: 'muted' }, t('no_alerts'))] : list.map(alertLine)));
  };
  await fill();
  return section('alerts', t('alerts_title'), filterBar(() => fill().catch(() => {})), ul);
}

function head(a) {
  const links = [];
  if (a.school_id) links.push(el('a', { href: '#school/' + encodeURIComponent(a.school_id) }, t('school_page')));
  if (a.kind === 'incident' && a.report_id) {
    links.push(el('a', { href: '#incident/' + encodeURIComponent(a.report_id) }, t('incident_page')));
  }
  return el('div', { id: 'alert-head', class: 'card' },
    el('h2', { class: `sev-${a.severity || a.kind}` }, a.school_name || a.school_id),
    el('p', {}, el('span', { class: 'tag' }, label('k_', a.kind), a.severity ? ' · ' + a.severity : ''),
      ' ', el('span', { class: 'state', id: 'alert-state' }, label('s_', a.state))),
    el('p', { class: 'muted' }, fullTime(a.created_at),
      a.requirement_id ? ' · ' + (a.requirement_name || a.requirement_id) : '',
      a.window_id ? ' · ' + a.window_id : ''),
    a.acknowledged_by ? el('p', {}, t('acknowledged_by') + ': ' + a.acknowledged_by) : null,
    a.next_wakeup && a.state === 'open' ?
      el('p', { class: 'muted' }, t('next_escalation') + ' ' + time(a.next_wakeup)) : null,
    el('p', { class: 'links' }, links.map((l) => [l, ' '])));
}

function actions(a, reload) {
  if (!can('act_on_alerts')) return null;
  const post = (what) => async (body) => {
    await api('POST', `/alerts/${encodeURIComponent(a.id)}/${what}`, body);
    await reload();
  };
  const open = a.state !== 'resolved';
  // The first thing to do with an open alert goes in the sticky action bar; the rest
  // waits below, folded (on a phone three open forms pushed the timeline 2,300 px down).
  const primary = a.state === 'open' ? el('div', { class: 'actions' },
    actionForm({ id: 'ack-form', title: t('ack'),
      fields: [textArea('comment', { placeholder: t('optional'), rows: 1 })],
      onDone: post('ack') })) : null;
  const more = el('details', { id: 'more-actions', class: 'actions' },
    el('summary', {}, t('more_actions')),
    // A note for the timeline (a call that went unanswered, a follow-up) changes nothing else.
    actionForm({ id: 'comment-form', title: t('add_comment'), required: ['comment'],
      fields: [textArea('comment')], onDone: post('comment') }),
    open ? actionForm({ id: 'resolve-form', title: t('resolve'), required: ['comment'],
      fields: [select('reason', [['handled', t('r_handled')], ['false_alarm', t('r_false_alarm')]]),
        textArea('comment')], onDone: post('resolve') }) : null);
  return { primary, more };
}

function timeline(a) {
  return el('ol', { id: 'timeline', class: 'timeline' }, (a.timeline || []).map((e) =>
    el('li', {}, el('time', {}, fullTime(e.at)), ' ',
      el('strong', {}, e.actor === 'system' ? t('system_actor') : e.actor || ''), ' ',
      label('w_', e.what),
      e.comment ? el('q', { class: inWords(e) ? 'sys' : null }, timelineNote(e)) : '')));
}

function notifications(a) {
  return table([
    { title: t('recipient'), key: 'recipient' },
    { title: t('channel'), cell: (r) => label('ch_', r.channel) },
    { title: t('kind'), cell: (r) => label('m_', r.kind) },
    { title: t('delivery'), cell: (r) => el('span', { class: 'delivery ' + r.state }, label('d_', r.state)) },
    { title: t('attempts'), key: 'attempts' },
    { title: t('delivered_at'), cell: (r) => time(r.delivered_at) },
    { title: t('last_error'), key: 'last_error' },
  ], a.outbox, t('no_notifications'));
}

export async function renderAlert([id]) {
  const a = await api('GET', '/alerts/' + encodeURIComponent(id));
  let view = null;
  const act = actions(a, async () => {
    const again = await renderAlert([id]);
    view.replaceWith(again);
  });
  // Information first (what, where, whom to call, what was done), the forms after it;
  // the first action rides in a bar stuck to the bottom of the screen, in reach of a
  // thumb however far the officer scrolled.
  view = section('alert', null,
    el('p', {}, el('a', { href: '#alerts' }, t('back'))),
    head(a),
    contactsPanel(a.school_id),
    el('h3', {}, t('timeline')), timeline(a),
    el('h3', {}, t('notifications')), el('div', { id: 'notifications' }, notifications(a)),
    act ? act.more : null,
    act && act.primary ? el('div', { id: 'action-bar', class: 'action-bar' }, act.primary) : null);
  return view;
}
