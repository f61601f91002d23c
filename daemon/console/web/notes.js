// The daemon's own notes on an alert's timeline, in the page's language. pingand stores
// them in English, the same for pinganctl, the logs and the console ("step 1, pass 1:
// nobody", "policy incident has no further steps"); this is the one place that knows
// their shapes and shows each through an i18n.js template (keys n_*). The values a note
// carries stay as written: names in a <span class="v">, identifiers and the channels'
// technical errors in <code>. A note of a shape not listed here shows as stored (the
// browser tests look for English outside those elements, so a new shape is noticed).
// People's comments are never rewritten; a resolution's reason code in front of one is.
import { el, t, label } from '/static/lib.js';

const CHANNEL = '(sms|email|webhook)';
const NAMES = '(.*?)(?:; already told: (.*))?';

// [what, pattern, template key, how each captured group is shown]. `v`: a value as
// written ("nobody" in words), `c`: an identifier or technical text, `ch`: a channel,
// `role`: a contact role.
const SHAPES = [
  ['raised', /^severity (I{1,3}|IV)$/, 'n_severity', ['v']],
  ['notified', new RegExp(`^step (\\d+), pass (\\d+): ${NAMES}$`), 'n_step', ['v', 'v', 'v', 'told']],
  ['notified', new RegExp(`^leaders: ${NAMES}$`), 'n_leaders', ['v', 'told']],
  ['notified', /^resolved notice: nobody \(no message had gone out\)$/, 'n_resolved_none', []],
  ['notified', /^resolved notice: (.*)$/, 'n_resolved_notice', ['v']],
  ['warning', /^(.*) has no contact with role (\w+)$/, 'n_no_contact', ['v', 'role']],
  ['warning', /^group '(.*)' does not exist$/, 'n_no_group', ['c']],
  ['warning', /^school '(.*)' is not in the org tree$/, 'n_no_school', ['c']],
  ['warning', /^no unit matches a step target for school '(.*)'$/, 'n_no_unit', ['c']],
  ['warning', /^nobody is on duty at (.*) \(roster gap\); told its duty contacts$/, 'n_roster_gap', ['v']],
  ['warning', /^(.*) has no duty roster; told its duty contacts$/, 'n_no_roster', ['v']],
  ['warning', /^(.*) has no address for this step's channels$/, 'n_no_address', ['v']],
  ['warning', /^no leaders found above the school for the leader fast path$/, 'n_no_leaders', []],
  ['warning', /^no escalation policy matches this alert$/, 'n_no_policy', []],
  ['warning', /^policy (.*) is gone and none matches; escalation stops$/, 'n_policy_gone', ['c']],
  ['warning', /^policy (.*) is gone; continuing with (.*)$/, 'n_policy_replaced', ['c', 'c']],
  ['escalation_exhausted', /^policy (.*) has no further steps$/, 'n_exhausted', ['c']],
  ['delivery_failed', new RegExp(`^${CHANNEL} to (.*?) failed: (.*); trying ${CHANNEL}$`),
    'n_fallback', ['ch', 'v', 'c', 'ch']],
  ['delivery_failed', new RegExp(`^${CHANNEL} to (.*?) failed: (.*); no channel left, delivery failed$`),
    'n_failed', ['ch', 'v', 'c']],
  ['ack_timeout', /^acknowledged by (.*) but not resolved in time$/, 'n_ack_timeout', ['v']],
  ['resolved', /^late_report_received: report (.*)$/, 'n_late_report', ['c']],
  ['resolved', /^excused: exemption (.*)$/, 'n_exemption', ['c']],
];

function value(kind, text) {
  switch (kind) {
    case 'c': return el('code', {}, text);
    case 'ch': return label('ch_', text);
    case 'role': return label('role_', text);
    case 'told': return text === undefined ? '' : [t('n_already_told'), el('span', { class: 'v' }, text)];
    default: return el('span', { class: 'v' }, text === 'nobody' ? t('nobody_notified') : text);
  }
}

// The template `key` with {1}, {2}, ... replaced by the shown values.
function fill(key, values) {
  return t(key).split(/\{(\d)\}/).map((part, i) => (i % 2 ? values[Number(part) - 1] : part));
}

// Whether timelineNote shows `e` in words of its own (a system note, a resolution's
// reason), not only as someone wrote it.
export const inWords = (e) => e.actor === 'system' || e.what === 'resolved';

// The note of timeline entry `e` as DOM children: a system note through its template, a
// resolution's reason code (by anyone) in words, anything else as written.
export function timelineNote(e) {
  if (e.actor === 'system') {
    for (const [what, pattern, key, kinds] of SHAPES) {
      if (what !== e.what) continue;
      const m = pattern.exec(e.comment);
      if (m) return fill(key, kinds.map((k, i) => value(k, m[i + 1])));
    }
  }
  if (e.what === 'resolved') {
    const r = /^(handled|false_alarm|late_report_received|excused)(?:: ([\s\S]*))?$/.exec(e.comment);
    if (r) {
      const comment = e.actor !== 'system' && r[2] === 'acknowledged' ? t('w_acknowledged') :
        el('span', { class: 'v' }, r[2]);
      return [label('r_', r[1]), r[2] ? ['：', comment] : ''];
    }
  }
  return [e.comment];
}
