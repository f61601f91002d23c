// Whom to call (联系人): a school's contacts and those of the units above it up to its
// district, with who is on duty now from the rosters, as tap-to-call tel: and mailto:
// links. Shown on the alert, incident and school pages; the rosters page uses the same
// person line.
import { api, el, t, time, label } from '/static/lib.js';

// A phone number or e-mail address as a link a phone opens in its dialler or mailer.
export function reach(p) {
  return [p.phone ? el('a', { href: 'tel:' + p.phone, class: 'tel' }, p.phone) : null,
    p.email ? el('a', { href: 'mailto:' + p.email, class: 'mail' }, p.email) : null]
    .filter(Boolean).flatMap((a) => [' ', a]);
}

// "王值班 138… (10-01 08:00 – 10-02 08:00)"
export function shiftLine(s) {
  return el('span', { class: 'person' }, el('strong', {}, s.name || ''), reach(s),
    s.from || s.to ? el('span', { class: 'muted' }, ' ' + time(s.from) + ' – ' + time(s.to)) : '');
}

function unitCard(u) {
  const onDuty = u.on_duty || [];
  return el('div', { class: 'contact-unit', 'data-unit': u.unit_id },
    el('h4', {}, u.unit_name || u.unit_id),
    onDuty.length ? el('p', { class: 'on-duty' }, el('span', { class: 'tag' }, t('on_duty_now')), ' ',
      onDuty.map((s) => [shiftLine(s), ' '])) : null,
    el('ul', { class: 'contact-list' }, (u.contacts || []).map((c) =>
      el('li', {}, el('span', { class: 'muted' }, label('role_', c.role)), ' ',
        el('strong', {}, c.name || ''), reach(c)))));
}

// The card, filled when the answer comes (the page shows at once without it).
export function contactsPanel(schoolId) {
  const box = el('div', { class: 'card contacts', id: 'contacts' },
    el('h3', {}, t('whom_to_call')), el('p', { class: 'muted' }, t('loading')));
  if (!schoolId) return null;
  api('GET', '/schools/' + encodeURIComponent(schoolId) + '/contacts').then((c) => {
    box.replaceChildren(el('h3', {}, t('whom_to_call')),
      ...(c.units || []).map(unitCard));
  }).catch((e) => box.replaceChildren(el('h3', {}, t('whom_to_call')),
    el('p', { class: 'muted' }, e.message)));
  return box;
}
