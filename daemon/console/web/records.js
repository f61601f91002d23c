// Shift hand-over (交接班) — what happened since the start of the shift and what is
// still open, printable — and the audit log (审计日志) for admins and auditors.
import {
  api, el, query, section, t, time, fullTime, label, table, zonedToIso, isoToZoned, can, state,
  actionForm, textArea, rerender,
} from '/static/lib.js';

let shiftStart = '';  // "YYYY-MM-DDTHH:MM" in the organisation's zone; '' = last 12 hours

const alertLink = (a) => el('a', { href: '#alert/' + encodeURIComponent(a.id) }, a.school_name || a.school_id);

function handoverTables(h) {
  return [
    el('h3', {}, t('still_open'), ` (${h.still_open?.length ?? 0})`),
    table([
      { title: t('school'), cell: alertLink },
      { title: t('kind'), cell: (a) => label('k_', a.kind) + (a.severity ? ' · ' + a.severity : '') },
      { title: t('state'), cell: (a) => label('s_', a.state) },
      { title: t('created_at'), cell: (a) => time(a.created_at) },
    ], h.still_open, t('none')),
    el('h3', {}, t('opened_since')),
    table([
      { title: t('school'), cell: alertLink },
      { title: t('kind'), cell: (a) => label('k_', a.kind) + (a.severity ? ' · ' + a.severity : '') },
      { title: t('created_at'), cell: (a) => time(a.created_at) },
      { title: t('state'), cell: (a) => label('s_', a.state) },
    ], h.opened, t('none')),
    el('h3', {}, t('incidents_title')),
    table([
      { title: t('school'), cell: (i) => el('a', { href: '#incident/' + encodeURIComponent(i.report_id) },
        i.school_name || i.school_id) },
      { title: t('category'), cell: (i) => label('cat_', i.category) },
      { title: t('severity'), key: 'severity' },
      { title: t('occurred_at'), cell: (i) => time(i.occurred_at) },
    ], h.incidents, t('none')),
    el('h3', {}, t('acknowledged_since')),
    table([
      { title: t('school'), cell: alertLink },
      { title: t('by'), key: 'by' },
      { title: t('at'), cell: (a) => time(a.at) },
      { title: t('f_comment'), key: 'comment' },
    ], h.acknowledged, t('none')),
    el('h3', {}, t('resolved_since')),
    table([
      { title: t('school'), cell: alertLink },
      { title: t('by'), key: 'by' },
      { title: t('at'), cell: (a) => time(a.at) },
      { title: t('f_reason'), cell: (a) => label('r_', a.reason) },
    ], h.resolved, t('none')),
  ];
}


// One signed hand-over: the note, who signed when, and who took over — or the button
// for the incoming officer (never the signer).
function signoff(h) {
  const acked = h.acked_by !== null && h.acked_by !== undefined;
  const ack = !acked && can('act_on_alerts') && h.signed_by !== state.user ?
    el('button', { type: 'button', class: 'ack-handover', onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        await api('POST', `/handovers/${encodeURIComponent(h.id)}/ack`, {});
        rerender();
      } catch (e) {
        ev.target.disabled = false;
        ev.target.title = e.message;
      }
    } }, t('hs_ack')) : null;
  return el('li', { class: 'handover ' + (acked ? 'acked' : 'waiting'), 'data-handover': h.id },
    // The note is protected text: null for roles that may not read it.
    h.note === null ? el('p', { class: 'note muted' }, t('hs_note_withheld')) :
      el('p', { class: 'note' }, h.note),
    el('p', { class: 'small' }, t('hs_signed_by') + ': ', el('strong', {}, h.signed_by),
      el('time', {}, fullTime(h.signed_at))),
    acked ? el('p', { class: 'small' }, t('hs_acked_by') + ': ', el('strong', {}, h.acked_by),
      el('time', {}, fullTime(h.acked_at))) :
      el('p', { class: 'small warn' }, h.signed_by === state.user ? t('hs_own') : t('hs_waiting')),
    ack);
}

// The sign-off (交接签字): the outgoing officer's note, the incoming one's acknowledgement.
async function signoffPanel() {
  const list = await api('GET', '/handovers' + query({ limit: 5 }));
  const form = can('act_on_alerts') ? actionForm({ id: 'handover-sign-form', title: t('hs_sign'),
    required: ['note'], fields: [textArea('note', { placeholder: t('hs_note') })],
    onDone: async (body) => {
      await api('POST', '/handovers', body);
      rerender();
    } }) : null;
  return el('div', { id: 'handover-signoff', class: 'card no-print-form' },
    el('h3', {}, t('hs_title')),
    list.length === 0 ? el('p', { class: 'muted' }, t('hs_none')) :
      el('ul', { id: 'handover-list', class: 'list' }, list.map(signoff)),
    form);
}

export async function renderHandover() {
  const [h, panel] = await Promise.all([
    api('GET', '/handover' + query({ since: zonedToIso(shiftStart) })), signoffPanel()]);
  const picker = el('input', { type: 'datetime-local', name: 'since',
    value: isoToZoned(h.since || new Date().toISOString()) });
  picker.defaultValue = picker.value;
  picker.addEventListener('change', () => {
    shiftStart = picker.value;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  const c = h.counts || {};
  const summary = el('dl', { class: 'counts', id: 'handover-counts' },
    ['opened', 'acknowledged', 'resolved', 'incidents', 'still_open'].map((key) =>
      el('div', { class: 'count ' + key, 'data-count': key },
        el('dt', {}, t('h_' + key)), el('dd', {}, String(c[key] ?? 0)))));
  return section('handover', t('handover_title'),
    el('div', { class: 'filters no-print' },
      el('label', {}, el('span', {}, t('shift_start')), picker),
      el('button', { type: 'button', onclick: () => window.print() }, t('print'))),
    el('p', { class: 'muted' }, fullTime(h.since), ' – ', fullTime(h.until)),
    el('div', { class: 'card' }, summary), panel, ...handoverTables(h));
}

export async function renderAudit() {
  const rows = await api('GET', '/audit' + query({ limit: 500 }));
  const box = el('div', { id: 'audit-list' });
  const filter = el('input', { type: 'search', name: 'filter', placeholder: t('filter') });
  const fill = () => {
    const needle = filter.value.trim().toLowerCase();
    const shown = needle ? rows.filter((r) =>
      [r.actor, r.action, label('a_', r.action), r.object, r.detail]
        .some((v) => (v || '').toLowerCase().includes(needle))) : rows;
    box.replaceChildren(table([
      { title: t('at'), cell: (r) => fullTime(r.at) },
      { title: t('actor'), key: 'actor' },
      { title: t('action'), cell: (r) => el('span', { title: r.action, 'data-action': r.action },
        label('a_', r.action)) },
      { title: t('object'), key: 'object' },
      { title: t('detail'), key: 'detail' },
    ], shown));
  };
  filter.addEventListener('input', fill);
  fill();
  return section('audit', t('audit_title'), el('div', { class: 'filters' }, filter), box);
}
