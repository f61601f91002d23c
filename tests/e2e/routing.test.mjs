// Browser test of the calendar page's routing columns ("who owes what by when, and who is
// told", issue 14): per requirement who gets its reminder and over what, the policies
// that may take its alerts (most specific first, with the periods they need) and whom
// each step tells over which channels, one after another or all at once; and the
// leaders' fast path. `pinganctl calendar show` must say the same in its text output.
// A screenshot of the page goes to $E2E_SCREENSHOT_DIR.
//
// Run by ctest (e2e_routing) with PINGAND_PATH, PINGANCTL_PATH and PINGAN_AGENT_PATH set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Harness, PASSWORD, SHOTS } from './harness.mjs';

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
`);
  h.file('calendars.yaml', `calendars:
  - name: season
    time_zone: Asia/Shanghai
    periods:
      - {name: 夏季学期, kind: school_term, from: 2026-06-01, to: 2026-06-30}
      - {name: 期末考试, kind: major_event, tags: [考试], from: 2026-06-08, to: 2026-06-10}
requirements:
  - id: exam-night
    name: 考试夜间平安报
    kind: daily_all_clear
    during: [考试]
    deadlines: ["08:00"]
    due_day_offset: 1
    grace: 30m
    reminder: {before: 2h, to: [school_duty], fallback: [sms]}
  - id: weekly
    name: 周报
    kind: daily_all_clear
    during: [school_term]
    recurrence: "FREQ=WEEKLY;BYDAY=FR"
    deadlines: ["17:00"]
    raise_late_alert: true
`);
  h.file('escalation.yaml', `policies:
  - id: exam
    kinds: [missing]
    periods: [考试]
    steps:
      - notify: [{contact: duty_contact, unit: district}, {group: room}]
        all_at_once: [sms, email]
  - id: missing
    kinds: [missing]
    steps:
      - notify: [{contact: duty_contact}]
        fallback: [sms, email]
      - wait: 1h
        notify: [{on_duty: district}]
        fallback: [sms]
  - id: weekly-late
    requirements: [weekly]
    kinds: [late]
    steps:
      - notify: [{contact: primary_accountable}]
        fallback: [email]
groups:
  room: [{name: 值班大屏, webhook: screen}]
leaders:
  max_severity: II
  lowest_unit: district
  roles: [supervising_leader, primary_accountable]
  all_at_once: [sms, email]
channels:
  webhooks:
    - {name: screen, url: "http://127.0.0.1:9/h"}
`);
  h.file('pingand.yaml', `http:\n  listen: "127.0.0.1:${port}"\n  session_idle_minutes: 600\n` +
    'escalation:\n  file: escalation.yaml\n');
  await h.start(port, '2026-06-05T08:00:00+08:00');
  h.ctl(['users', 'add', 'duty', '--role', 'duty_officer'], PASSWORD + '\n');
});

after(async () => { if (h) await h.stop(); });

const squash = (text) => text.replace(/\s+/g, ' ').trim();

test('the calendar page shows per requirement its reminder, policies and steps', async () => {
  const page = await h.signIn({ width: 1280, height: 900 });
  await page.waitForSelector('#view-queue');
  await page.click('#nav a[href="#calendar"]');
  await page.waitForSelector('#requirements table');
  const row = (name) => page.locator(`#requirements tr:has-text("${name}")`);

  // The exam night: its own reminder, then the exam policy (only on exam days, so
  // listed with its period) before the ordinary policy for missed reports.
  const exam = row('考试夜间平安报');
  assert.match(squash(await exam.textContent()), /截止前 2h: 本校值班联系人 \(短信\)/);
  const policies = exam.locator('ul.policies > li');
  assert.deepEqual(await policies.evaluateAll((items) =>
    items.map((li) => li.dataset.kind + ' ' + li.dataset.policy)), ['missing exam', 'missing missing']);
  assert.match(squash(await policies.nth(0).textContent()),
    /^漏报 · exam \[考试\]\+0 区县值班联系人、群组 room \(短信 \+ 邮件 同时发送\)$/);
  const steps = policies.nth(1).locator('ol > li');
  assert.equal(await steps.count(), 2);
  assert.equal(squash(await steps.nth(0).textContent()), '+0 本校值班联系人 (短信 → 邮件)');
  assert.equal(squash(await steps.nth(1).textContent()), '+1h 区县值班人员 (短信)');

  // The weekly report raises late alerts: its own late policy follows the missing ones;
  // it has no reminder.
  const weekly = row('周报');
  assert.deepEqual(await weekly.locator('ul.policies > li').evaluateAll((items) =>
    items.map((li) => li.dataset.kind + ' ' + li.dataset.policy)),
  ['missing exam', 'missing missing', 'late weekly-late']);
  assert.match(squash(await weekly.locator('li[data-policy="weekly-late"]').textContent()),
    /迟报 · weekly-late\+0 本校第一责任人 \(邮件\)/);
  assert.doesNotMatch(squash(await weekly.textContent()), /截止前 \d/);

  // The leaders' fast path, on every channel at once.
  assert.equal(await page.getAttribute('#leader-rule', 'data-all-at-once'), 'true');
  assert.equal(squash(await page.textContent('#leader-rule')),
    '重大突发事件直报领导: II 重大 及以上级别, 区县及以上单位的分管领导、第一责任人 (短信 + 邮件 同时发送)');
  await page.screenshot({ path: path.join(SHOTS, 'e2e-routing.png'), fullPage: true });
  await page.close();
});

test('pinganctl calendar show prints the same routing as text', () => {
  const out = h.ctl(['calendar', 'show']);
  assert.match(out, /升级策略 \(谁被通知\)\n考试夜间平安报 \(exam-night\)\n {2}截止前提醒: 截止前 2h: 本校值班联系人 \(短信\)\n {2}漏报 · exam \[考试\]\n {4}1\. \+0 区县值班联系人、群组 room \(短信 \+ 邮件 同时发送\)\n/);
  assert.match(out, /\n {2}迟报 · weekly-late\n {4}1\. \+0 本校第一责任人 \(邮件\)\n/);
  assert.match(out, /重大突发事件直报领导: II 重大 及以上级别, 区县及以上单位的分管领导、第一责任人 \(短信 \+ 邮件 同时发送\)\n/);
});
