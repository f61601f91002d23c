// Schools (学校): search, and one school's page with its on-time rate, reporting
// history, whom to call and open alerts.
import { api, el, query, section, t, time, label, table } from '/static/lib.js';
import { contactsPanel } from '/static/contacts.js';

let lastSearch = '';

export async function renderSchools() {
  const box = el('div', { id: 'school-list' });
  const search = el('input', { name: 'q', type: 'search', value: lastSearch, placeholder: t('search_school') });
  search.defaultValue = lastSearch;  // a remembered search is not "typing" for the live refresh
  const fill = async () => {
    const rows = await api('GET', '/schools' + query({ q: lastSearch, limit: 200 }));
    box.replaceChildren(table([
      { title: t('school'), cell: (s) => el('a', { href: '#school/' + encodeURIComponent(s.id) }, s.name || s.id) },
      { title: t('id'), key: 'id' },
      { title: t('parent'), key: 'parent_name' },
      { title: t('status'), cell: (s) => s.paused ? t('paused') : '' },
    ], rows, t('no_schools')));
  };
  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      lastSearch = search.value.trim();
      fill().catch(() => {});
    }, 250);
  });
  await fill();
  return section('schools', t('schools_title'), el('div', { class: 'filters' }, search), box);
}

function rate(stats) {
  if (!stats || stats.on_time_rate === null || stats.on_time_rate === undefined) return '—';
  return (stats.on_time_rate * 100).toFixed(1) + '%';
}

function statsCard(s) {
  const st = s.stats || {};
  const cell = (key, value) => el('div', { class: 'count ' + key, 'data-count': key },
    el('dt', {}, t(key)), el('dd', {}, String(value ?? 0)));
  return el('div', { class: 'card' },
    el('p', { class: 'rate' }, el('span', { class: 'muted' }, t('on_time_rate') + ` (${st.days ?? ''} ${t('days')})`),
      el('strong', { id: 'on-time-rate' }, rate(st))),
    el('dl', { class: 'counts' }, cell('windows', st.windows), cell('on_time', st.on_time),
      cell('late', st.late), cell('missing', st.missing), cell('excused', st.excused)));
}

export async function renderSchool([id]) {
  const s = await api('GET', '/schools/' + encodeURIComponent(id) + query({ days: 30 }));
  const path = (s.path || []).map((u) => u.name || u.id).join(' / ');
  return section('school', null,
    el('p', {}, el('a', { href: '#schools' }, t('back_schools'))),
    el('div', { class: 'card' }, el('h2', {}, s.name || s.id),
      el('p', { class: 'muted' }, path, ' · ', s.id, s.time_zone ? ' · ' + s.time_zone : ''),
      s.paused ? el('p', { class: 'tag' }, t('paused') + (s.pause_reason ? ': ' + s.pause_reason : '')) : null),
    statsCard(s),
    el('h3', {}, t('open_alerts')),
    table([
      { title: t('alert'), cell: (a) => el('a', { href: '#alert/' + encodeURIComponent(a.id) }, label('k_', a.kind)) },
      { title: t('state'), cell: (a) => label('s_', a.state) },
      { title: t('created_at'), cell: (a) => time(a.created_at) },
    ], s.open_alerts, t('no_open_alerts')),
    contactsPanel(s.id),
    el('h3', {}, t('history')),
    el('div', { id: 'school-history' }, table([
      { title: t('covers'), key: 'covers' },
      { title: t('requirement'), cell: (h) => h.requirement_name || h.requirement_id },
      { title: t('deadline'), cell: (h) => time(h.deadline) },
      { title: t('status'), cell: (h) => el('span', { class: 'status ' + h.status }, t(h.status)) },
      { title: t('received_at'), cell: (h) => time(h.received_at) },
      { title: t('lateness'), cell: (h) => h.lateness_minutes ? h.lateness_minutes + ' ' + t('min') : '' },
    ], s.history, t('no_history'))));
}
