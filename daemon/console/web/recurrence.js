// A requirement's schedule in words for the calendar page (zh-CN by default through
// i18n.js): which periods (kinds and tags), which days (the RRULE of `recurrence`, the
// shift, the working-day filter), and when it is due (times, "次日"). Only what the
// daemon accepts needs wording: whole-day rules with FREQ, INTERVAL, BYDAY, BYMONTHDAY,
// BYMONTH, BYSETPOS, COUNT and UNTIL; anything else is shown as the rule text.
import { t, label } from '/static/lib.js';

const FREQS = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };

function parts(rule) {
  const out = {};
  for (const p of String(rule).split(';')) {
    const [k, v] = p.split('=');
    if (k && v !== undefined) out[k.trim().toUpperCase()] = v.trim().toUpperCase();
  }
  return out;
}

function fill(key, n) {
  return t(key).replace('{n}', String(n));
}

// "周五", "最后一个周五", "第 2 个周一".
function weekday(spec) {
  const m = /^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(spec);
  if (!m) return spec;
  const day = t('wd_' + m[2]);
  if (!m[1]) return day;
  const n = Number(m[1]);
  return n === -1 ? t('rr_last') + day : fill('rr_nth', n) + day;
}

function monthDay(spec) {
  const n = Number(spec);
  if (n === -1) return t('rr_last_day');
  return n < 0 ? fill('rr_nth_last_day', -n) : fill('rr_on_day', n);
}

// The RRULE in words, e.g. "每周 周五", "每 3 个月 最后一天", "每年 10月 1日".
export function describeRule(rule) {
  const p = parts(rule);
  if (!FREQS[p.FREQ]) return rule;
  const interval = Number(p.INTERVAL || 1);
  const f = FREQS[p.FREQ];
  const words = [interval > 1 ? fill('rr_every_' + f + '_n', interval) : t('rr_every_' + f)];
  if (p.BYMONTH) words.push(p.BYMONTH.split(',').map((m) => fill('rr_in_month', m)).join('、'));
  if (p.BYMONTHDAY) words.push(p.BYMONTHDAY.split(',').map(monthDay).join('、'));
  if (p.BYDAY) words.push(p.BYDAY.split(',').map(weekday).join('、'));
  if (p.BYSETPOS === '-1') words.push(t('rr_setpos_last'));
  else if (p.BYSETPOS) words.push(fill('rr_setpos', p.BYSETPOS));
  if (p.COUNT) words.push(fill('rr_count', p.COUNT));
  if (p.UNTIL) words.push(fill('rr_until', p.UNTIL.slice(0, 8)));
  return words.join(' ');
}

// Which days: periods (kinds labelled, tags as they are), rule, shift, filter.
export function describeDays(r) {
  const during = (r.during || []).map((d) => label('p_', d)).join('、');
  const words = [during ? fill('rr_during', during) : ''];
  words.push(r.recurrence ? describeRule(r.recurrence) : t('rr_every_day'));
  if (r.shift && r.shift !== 'none') words.push(label('sh_', r.shift));
  if (r.days && r.days !== 'all') words.push(label('df_', r.days));
  return words.filter(Boolean).join('，');
}

// When it is due: "16:00", "次日 08:00", "每月 30 日 17:00".
export function describeDue(r) {
  if (r.kind === 'monthly_summary') return fill('rr_monthly_due', r.due_day) + ' ' + r.due_time;
  const times = (r.deadlines || []).join('、');
  if (!r.due_day_offset) return times;
  return (r.due_day_offset === 1 ? t('rr_next_day') : fill('rr_after_days', r.due_day_offset)) +
    ' ' + times;
}
