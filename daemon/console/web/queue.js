// Action queue (待办): the unresolved alerts in the order a duty officer works through
// them — the daemon ranks them (severity, then kind, then age; core/alert_queue.h) —
// each with its age, escalation step and next step, and owner; acknowledge one with a
// tap (no comment needed), or tick several and acknowledge them with one comment.
// Leaders get their subtree's queue (the API scopes it).
import { api, el, section, t, time, label, can, rerender } from '/static/lib.js';

// "35 分钟", "2 小时 5 分钟", "3 天 4 小时": how long it has waited, by the daemon's clock.
export function age(minutes) {
  const m = Math.max(0, Number(minutes) || 0);
  const [d, h, min] = [Math.floor(m / 1440), Math.floor((m % 1440) / 60), m % 60];
  if (d > 0) return `${d} ${t('u_days')} ${h} ${t('u_hours')}`;
  if (h > 0) return `${h} ${t('u_hours')} ${min} ${t('u_minutes')}`;
  return `${min} ${t('u_minutes')}`;
}

// Where the escalation stands: the next step and when it runs, or that it ran out.
function escalation(a) {
  if (a.exhausted) return el('span', { class: 'warn' }, t('w_escalation_exhausted'));
  if (a.state !== 'open') return el('span', { class: 'muted' }, t('esc_stopped'));
  const step = t('esc_step').replace('{n}', (a.step ?? 0) + 1) +
    (a.pass > 0 ? ' · ' + t('esc_pass').replace('{n}', a.pass + 1) : '');
  return el('span', {}, step, a.next_wakeup ? el('time', {}, time(a.next_wakeup)) : '');
}

function what(a) {
  return el('span', { class: 'tag' }, label('k_', a.kind), a.severity ? ' · ' + a.severity : '',
    a.requirement_name ? ' · ' + a.requirement_name : '');
}

function row(a, acting, reload) {
  const tick = acting && a.state === 'open' ?
    el('input', { type: 'checkbox', class: 'pick', value: a.id, 'aria-label': t('select') }) : null;
  const ack = acting && a.state === 'open' ? el('button', { type: 'button', class: 'ack-one',
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        await api('POST', `/alerts/${encodeURIComponent(a.id)}/ack`, {});
        await reload();
      } catch (e) {
        ev.target.disabled = false;
        ev.target.title = e.message;
      }
    } }, t('ack')) : null;
  return el('li', { class: `alert queue-row sev-${a.severity || a.kind} state-${a.state}`,
    'data-alert': a.id },
  tick,
  el('div', { class: 'queue-main' },
    el('a', { href: '#alert/' + encodeURIComponent(a.id) }, el('strong', {}, a.school_name || a.school_id)),
    ' ', what(a),
    el('div', { class: 'queue-facts' },
      el('span', { class: 'age', title: t('waiting') }, t('waiting') + ' ', el('strong', {}, age(a.age_minutes))),
      el('span', { class: 'step' }, escalation(a)),
      el('span', { class: 'owner' }, t('owner') + ': ', a.owner || el('span', { class: 'muted' }, t('nobody_yet'))))),
  ack);
}

// The bar for ticked alerts: how many, one optional comment, acknowledge them all.
function bulkBar(list, reload) {
  const count = el('span', { id: 'queue-picked' }, '0');
  const comment = el('input', { name: 'comment', id: 'bulk-comment', placeholder: t('bulk_comment') });
  const result = el('p', { id: 'bulk-result', role: 'status' });
  const picked = () => [...list.querySelectorAll('input.pick:checked')].map((c) => c.value);
  const button = el('button', { type: 'submit', id: 'bulk-ack', disabled: true }, t('ack_selected'));
  const all = el('input', { type: 'checkbox', id: 'pick-all', 'aria-label': t('select_all'),
    onchange: () => {
      for (const c of list.querySelectorAll('input.pick')) c.checked = all.checked;
      update();
    } });
  function update() {
    const n = picked().length;
    count.textContent = String(n);
    button.disabled = n === 0;
  }
  list.addEventListener('change', update);
  const form = el('form', { class: 'bulk-bar', id: 'bulk-form' },
    el('label', { class: 'inline' }, all, ' ', t('select_all')),
    el('span', {}, t('selected') + ' ', count), comment, button, result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const ids = picked();
    if (ids.length === 0) return;
    button.disabled = true;
    try {
      const body = { ids };
      if (comment.value.trim()) body.comment = comment.value.trim();
      const r = await api('POST', '/alerts/ack', body);
      comment.value = '';
      await reload(t('bulk_done').replace('{n}', r.acknowledged.length) +
        (r.refused.length ? ' · ' + t('bulk_refused').replace('{n}', r.refused.length) : ''));
    } catch (e) {
      result.textContent = e.message;
      update();
    }
  });
  return form;
}

// What the last bulk acknowledge did; kept across the re-renders live events cause,
// until the next action.
let notice = '';

export async function renderQueue() {
  const acting = can('act_on_alerts');
  const reload = async (message) => {
    notice = message || '';
    rerender();
  };
  const q = await api('GET', '/queue');
  const items = q.items || [];
  const open = items.filter((a) => a.state === 'open');
  const taken = items.filter((a) => a.state !== 'open');
  const list = el('ul', { id: 'queue-list', class: 'list' }, open.length === 0 ?
    el('li', { class: 'muted' }, t('queue_empty')) : open.map((a) => row(a, acting, reload)));
  return section('queue', null,
    el('h2', {}, t('queue_title'), ' ', el('small', { class: 'muted' }, `(${open.length})`)),
    el('p', { id: 'queue-message', class: 'muted', role: 'status' }, notice),
    acting && open.length > 0 ? bulkBar(list, reload) : null,
    list,
    el('h3', {}, t('in_progress'), ` (${taken.length})`),
    el('ul', { id: 'queue-taken', class: 'list' }, taken.length === 0 ?
      el('li', { class: 'muted' }, t('none')) : taken.map((a) => row(a, acting, reload))));
}
