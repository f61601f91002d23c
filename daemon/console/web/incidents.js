// Incidents (突发事件): the list, and one incident with its facts, the protected
// summary (only for roles allowed to read it; each read is audited by the daemon), the
// case owner (包案领导), follow-up notes (回访/跟进) and closure (办结).
import {
  api, el, query, section, t, time, fullTime, label, table, can, actionForm, textArea, textInput,
  select, rerender,
} from '/static/lib.js';
import { contactsPanel } from '/static/contacts.js';

const OUTCOMES = ['handled', 'false_report', 'transferred'];
let stateFilter = 'open';

function caseText(c) {
  if (!c) return t('no_owner');
  const owner = c.owner ? c.owner + (c.owner_role ? ' (' + c.owner_role + ')' : '') : t('no_owner');
  return c.state === 'closed' ? t('case_closed') + ' · ' + owner : owner;
}

function casualties(i) {
  return `${t('injured')} ${i.injured ?? 0} · ${t('dead')} ${i.dead ?? 0} · ${t('missing_people')} ${i.missing ?? 0}`;
}

export async function renderIncidents() {
  const box = el('div', { id: 'incident-list' });
  const fill = async () => {
    const rows = await api('GET', '/incidents' + query({ state: stateFilter, limit: 200 }));
    box.replaceChildren(table([
      { title: t('severity'), cell: (i) => el('span', { class: 'sev-badge sev-' + i.severity }, i.severity) },
      { title: t('school'), cell: (i) => el('a', { href: '#incident/' + encodeURIComponent(i.report_id) },
        i.school_name || i.school_id) },
      { title: t('category'), cell: (i) => label('cat_', i.category) },
      { title: t('occurred_at'), cell: (i) => time(i.occurred_at) },
      { title: t('casualties'), cell: casualties },
      { title: t('case_owner'), cell: (i) => caseText(i.case) },
      { title: t('leader_attention'), cell: (i) => i.needs_leader_attention ? t('yes') : '' },
    ], rows, t('no_incidents')));
  };
  await fill();
  const pick = el('select', { name: 'state', onchange: (ev) => {
    stateFilter = ev.target.value;
    fill().catch(() => {});
  } }, [['open', t('case_open')], ['closed', t('case_closed')], ['', t('all')]].map(([v, text]) =>
    el('option', { value: v, selected: v === stateFilter }, text)));
  return section('incidents', t('incidents_title'), el('div', { class: 'filters' }, pick), box);
}

function facts(i) {
  const row = (key, value) => [el('dt', {}, t(key)), el('dd', {}, value)];
  return el('dl', { class: 'facts' },
    row('school', el('a', { href: '#school/' + encodeURIComponent(i.school_id) }, i.school_name || i.school_id)),
    row('category', label('cat_', i.category)),
    row('severity', el('span', { class: 'sev-badge sev-' + i.severity }, label('sev_', i.severity))),
    row('occurred_at', fullTime(i.occurred_at)),
    row('received_at', fullTime(i.received_at)),
    row('casualties', casualties(i)),
    row('leader_attention', i.needs_leader_attention ? t('yes') : t('no')),
    i.alert_id ? row('alert', el('a', { href: '#alert/' + encodeURIComponent(i.alert_id) }, t('open_alert'))) : []);
}

function summary(i) {
  if (!('summary' in i)) return null;  // this role may not read the protected text
  return el('div', { class: 'card protected' },
    el('h3', {}, t('summary')),
    el('p', { class: 'muted small' }, t('protected_note')),
    el('p', { id: 'incident-summary' }, i.summary === null ? t('purged') : i.summary));
}

function casePanel(i, reload) {
  const c = i.case || {};
  const open = c.state !== 'closed';
  const post = (what) => async (body) => {
    await api('POST', `/incidents/${encodeURIComponent(i.report_id)}/${what}`, body);
    await reload();
  };
  const acting = can('act_on_incidents') && open;
  return el('div', { class: 'card', id: 'incident-case' },
    el('h3', {}, t('case')),
    el('p', { id: 'case-owner' }, t('case_owner') + ': ', el('strong', {}, caseText(i.case))),
    c.assigned_at ? el('p', { class: 'muted' }, t('assigned_at') + ' ' + fullTime(c.assigned_at) +
      (c.assigned_by ? ' · ' + c.assigned_by : '')) : null,
    (c.assignments || []).length > 1 ? el('details', {}, el('summary', {}, t('owner_history')),
      el('ul', {}, c.assignments.map((a) => el('li', {}, fullTime(a.at) + ' ' + a.owner +
        (a.owner_role ? ' (' + a.owner_role + ')' : '') + ' · ' + a.assigned_by)))) : null,
    c.state === 'closed' ? el('p', {}, t('closed_at') + ' ' + fullTime(c.closed_at) + ' · ' +
      label('o_', c.outcome) + (c.closed_by ? ' · ' + c.closed_by : '')) : null,
    acting ? el('div', { class: 'actions' },
      actionForm({ id: 'assign-form', title: t('assign'), required: ['owner'],
        fields: [textInput('owner'), textInput('owner_role')], onDone: post('assign') }),
      actionForm({ id: 'note-form', title: t('add_note'), required: ['text'],
        fields: [textArea('text', { maxlength: 4000 })], onDone: post('notes') }),
      actionForm({ id: 'close-form', title: t('close_case'), required: ['outcome'],
        fields: [select('outcome', OUTCOMES.map((o) => [o, label('o_', o)])), textArea('comment')],
        onDone: post('close') })) : null);
}

function notes(i) {
  const list = i.notes || [];
  // Not an item of an ordered list: "1. 暂无跟进记录" read like a note.
  if (list.length === 0) return el('p', { id: 'incident-notes', class: 'muted' }, t('no_notes'));
  return el('ol', { id: 'incident-notes', class: 'timeline' },
    list.map((n) => el('li', { class: 'note-' + (n.kind || 'note') }, el('time', {}, fullTime(n.at)), ' ',
      el('strong', {}, n.author || ''), n.kind === 'closure' ? ' · ' + t('close_case') : '',
      n.text === null || n.text === undefined ? el('q', { class: 'muted' }, t('text_hidden')) :
        el('q', {}, n.text))));
}

export async function renderIncident([id]) {
  const i = await api('GET', '/incidents/' + encodeURIComponent(id));
  const view = section('incident', null,
    el('p', {}, el('a', { href: '#incidents' }, t('back_incidents'))),
    el('div', { class: 'card', id: 'incident-head' },
      el('h2', { class: 'sev-' + i.severity }, (i.school_name || i.school_id), ' · ',
        label('cat_', i.category)), facts(i)),
    summary(i),
    contactsPanel(i.school_id),
    casePanel(i, async () => rerender()),
    el('h3', {}, t('notes')), notes(i));
  return view;
}
