// Browser test of the statistics page (/stats): a scripted two-day period on a drill-clock
// pingand, whose figures are known by hand, must show on the page as they are, and the
// XLSX export read by openpyxl (python3-openpyxl) must hold the same numbers.
// Screenshots of the page (desktop 1280x800, phone 390x844) go to $E2E_SCREENSHOT_DIR.
//
// The period, 2026-10-01..02 (a holiday; a daily all-clear due 16:00, grace 30 min):
//            s1        s2                  s3                          s4
//   10-01    on time   late (after 16:30)  missing                     incident only
//   10-02    on time   missing             excused (an exemption, 免报)  incident only
// A school that sent only an incident report that day reported on time (shared/DOMAIN.md:
// reporting an incident is never the worse choice), on the board as in the statistics.
// owed 8, on time 4, late 1, missing 2, excused 1: on-time rate 4/7 = 57.1%; s2 is late
// or missing on both days (the 通报 list); one fire incident (III), two traffic ones (IV).
//
// Run by ctest (e2e_stats) with PINGAND_PATH, PINGANCTL_PATH and PINGAN_AGENT_PATH set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Harness, HOLIDAY_CALENDARS, PASSWORD, SHOTS } from './harness.mjs';

let h;

before(async () => {
  h = new Harness();
  const port = await Harness.freePort();
  h.file('org.yaml', `units:
  - id: district
    name: 测试区教育局
    kind: district
    children:
      - {id: s1, name: 第一小学, kind: school}
      - {id: s2, name: 第二小学, kind: school}
      - {id: s3, name: 第三小学, kind: school}
      - {id: s4, name: 第四小学, kind: school}
`);
  h.file('calendars.yaml', HOLIDAY_CALENDARS);
  h.file('pingand.yaml', `http:\n  listen: "127.0.0.1:${port}"\n  session_idle_minutes: 600\n`);
  await h.start(port, '2026-10-01T15:00:00+08:00');
  h.ctl(['users', 'add', 'duty', '--role', 'duty_officer'], PASSWORD + '\n');

  // Day 1: s1 on time and an incident; past grace s2 reports late, s3 stays silent.
  h.agent('s1', ['all-clear', '--date', '2026-10-01']);
  h.agent('s1', ['incident', '--date', '2026-10-01', '--category', 'fire', '--severity', 'III',
    '--occurred-at', '2026-10-01T14:50:00+08:00', '--summary', '实验室小火，已扑灭']);
  const crash = (date) => h.agent('s4', ['incident', '--date', date, '--category', 'traffic',
    '--severity', 'IV', '--occurred-at', `${date}T14:10:00+08:00`, '--summary', '学生上学途中被自行车碰伤']);
  crash('2026-10-01');
  h.ctl(['clock', 'advance', '2h']);
  await h.until('day 1 swept', async () =>
    JSON.parse(h.ctl(['--json', 'alerts'])).filter((a) => a.kind === 'missing').length === 2);
  h.agent('s2', ['all-clear', '--date', '2026-10-01']);
  // s3 is closed on the 2nd.
  h.ctl(['exemption', 'add', '--from', '2026-10-02', '--to', '2026-10-02', '--scope', 's3',
    '--reason', '台风停课']);
  // Day 2: s1 on time; past grace s2 is missing, s3 excused.
  h.ctl(['clock', 'advance', '22h']);
  h.agent('s1', ['all-clear', '--date', '2026-10-02']);
  crash('2026-10-02');
  h.ctl(['clock', 'advance', '2h']);
  await h.until('day 2 swept', async () =>
    JSON.parse(h.ctl(['--json', 'alerts'])).filter((a) => a.kind === 'missing').length === 3);
});

after(async () => { if (h) await h.stop(); });

const PERIOD = '2026-10-01/2026-10-02/district';
const text = async (page, sel) => (await page.textContent(sel)).trim();

test('the statistics page shows the scripted period\'s known figures', async () => {
  const page = await h.signIn({ width: 1280, height: 800 }, '/stats?from=2026-10-01&to=2026-10-02&unit=district');
  await page.waitForSelector('#view-stats #stats-total');
  assert.equal(decodeURIComponent(new URL(page.url()).hash), '#stats/' + PERIOD,
    '/stats is a real path that opens the page');
  const total = async (key) => text(page, `#stats-total [data-count=${key}] dd`);
  assert.equal(await total('owed'), '8');
  assert.equal(await total('on_time'), '4');
  assert.equal(await total('late'), '1');
  assert.equal(await total('missing'), '2');
  assert.equal(await total('excused'), '1');
  assert.equal(await total('pending'), '0');
  assert.equal(await total('on_time_rate'), '57.1%');

  const cell = (table, key, col) => text(page, `#${table} tr[data-key="${key}"] td[data-col=${col}]`);
  assert.equal(await cell('stats-days', '2026-10-01', 'late'), '1');
  assert.equal(await cell('stats-days', '2026-10-01', 'missing'), '1');
  assert.equal(await cell('stats-days', '2026-10-01', 'on_time_rate'), '50.0%');
  assert.equal(await cell('stats-days', '2026-10-02', 'excused'), '1');
  assert.equal(await cell('stats-days', '2026-10-02', 'on_time_rate'), '66.7%');
  assert.equal(await cell('stats-units', 's2', 'late'), '1');
  assert.equal(await cell('stats-units', 's2', 'missing'), '1');
  assert.equal(await cell('stats-units', 's3', 'excused'), '1');
  // Only incident reports from s4: on time both days, not missing.
  assert.equal(await cell('stats-units', 's4', 'on_time'), '2');
  assert.equal(await cell('stats-units', 's4', 'missing'), '0');
  // The 通报 list: s2 only (s3 was excused on the 2nd).
  assert.equal(await page.locator('#stats-repeated tbody tr').count(), 1);
  assert.equal(await cell('stats-repeated', 's2', 'days'), '2');
  assert.match(await cell('stats-repeated', 's2', 'name'), /第二小学/);
  assert.equal(await cell('stats-alerts', 'missing', 'raised'), '3');
  assert.equal(await cell('stats-categories', 'fire', 'n'), '1');
  assert.equal(await cell('stats-categories', 'traffic', 'n'), '2');
  assert.equal(await cell('stats-severities', 'III', 'n'), '1');
  assert.equal(await cell('stats-severities', 'IV', 'n'), '2');
  // Two SVG charts, one bar segment per non-zero count.
  assert.equal(await page.locator('#chart-days rect.bar').count(), 6);
  assert.equal(await page.locator('#chart-units rect.bar').count(), 6);
  await page.screenshot({ path: path.join(SHOTS, 'e2e-stats.png'), fullPage: true });

  // The print view keeps the figures and drops the controls.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#stats-form'), false);
  assert.equal(await page.isVisible('#nav'), false);
  assert.equal(await page.isVisible('#stats-days'), true);
  await page.emulateMedia({ media: 'screen' });

  // The XLSX behind the page's link, read by an independent reader.
  const href = await page.getAttribute('#export-xlsx', 'href');
  const res = await page.context().request.get(h.baseUrl + href);
  assert.equal(res.status(), 200);
  const file = path.join(h.dir, 'stats.xlsx');
  fs.writeFileSync(file, await res.body());
  // Debian's python3 (python3-openpyxl), not whatever python3 comes first on PATH.
  const read = execFileSync(process.env.PYTHON3 || '/usr/bin/python3', ['-c', `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = lambda name: [list(r) for r in wb[name].iter_rows(min_row=2, values_only=True)]
print(json.dumps({'summary': rows('汇总'), 'days': rows('按日'), 'repeated': rows('多次迟报漏报')}, ensure_ascii=False))
`, file], { encoding: 'utf8', timeout: 20_000 });
  const book = JSON.parse(read);
  assert.deepEqual(book.summary[0].slice(4), [8, 4, 1, 2, 1, 0, 0.5714]);
  assert.deepEqual(book.days, [['2026-10-01', 4, 2, 1, 1, 0, 0, 0.5],
    ['2026-10-02', 4, 2, 0, 1, 1, 0, 0.6667]]);
  assert.equal(book.repeated.length, 1);
  assert.deepEqual(book.repeated[0].slice(0, 6), ['s2', '第二小学', '测试区教育局', 1, 1, 2]);
  await page.close();
});

test('the statistics page on a phone', async () => {
  const page = await h.signIn({ width: 390, height: 844 }, '/#stats/' + PERIOD);
  await page.waitForSelector('#view-stats #stats-total');
  assert.equal(await text(page, '#stats-total [data-count=owed] dd'), '8');
  await page.screenshot({ path: path.join(SHOTS, 'e2e-stats-phone.png'), fullPage: true });
  await page.close();
});

// The board of the drill's day (10-02) counts as the statistics do: s4's incident report
// is its report (按时), not a missing one.
test('the board and the statistics agree on the day', async () => {
  const page = await h.signIn({ width: 1280, height: 800 }, '/#board');
  await page.waitForSelector('#view-board article.window');
  const board = async (key) => text(page, `#view-board article.window [data-count=${key}] dd`);
  assert.equal(await board('on_time'), '2');
  assert.equal(await board('missing'), '1');
  assert.equal(await board('excused'), '1');
  await page.goto(h.baseUrl + '/#stats/' + PERIOD);
  await page.waitForSelector('#view-stats #stats-days');
  const day = async (key) => text(page, `#stats-days tr[data-key="2026-10-02"] td[data-col=${key}]`);
  assert.equal(await day('on_time'), '2');
  assert.equal(await day('missing'), '1');
  assert.equal(await day('excused'), '1');
  await page.close();
});

// Without a period the page shows the last seven days by the daemon's clock: the
// drill's, not the browser's (which is months later).
test('the default period follows the drill clock', async () => {
  const page = await h.signIn({ width: 1280, height: 800 }, '/#stats');
  await page.waitForSelector('#view-stats #stats-total');
  assert.equal(await page.inputValue('#stats-form input[name=from]'), '2026-09-26');
  assert.equal(await page.inputValue('#stats-form input[name=to]'), '2026-10-02');
  assert.match(await text(page, '#drill-badge'), /演练 · 10\/02/);
  await page.close();
});
