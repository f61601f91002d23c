// Browser end-to-end test of the duty console: the real pingand on a drill clock with a
// temporary data dir, Debian's chromium driven by playwright-core (harness.mjs). A duty
// officer signs in, sees the board, the drill clock passes a deadline so that the silent
// schools' missing alerts appear LIVE (Server-Sent Events, no reload), one alert is
// acknowledged with a comment and the timeline shows it; the link a message carries
// opens its alert after signing in; the action queue ranks by severity and acknowledges
// one with a tap and ten together with one comment. Screenshots go to
// $E2E_SCREENSHOT_DIR. Every wait is bounded.
//
// Run by ctest (e2e_console) with PINGAND_PATH, PINGANCTL_PATH and PINGAN_AGENT_PATH set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { Harness, HOLIDAY_CALENDARS, PASSWORD, SHOTS, WAIT } from './harness.mjs';

// Two schools with contacts, and ten more without: a day-two morning's worth of missed
// reports for the bulk acknowledge.
const SCHOOLS = 12;

let h;
let baseUrl;
let sink;
const sunk = [];  // the JSON bodies the daemon posted to the message sink
const ctl = (args, input) => h.ctl(args, input);
const agent = (school, args) => h.agent(school, args);
const until = (what, check, timeoutMs) => h.until(what, check, timeoutMs);
const signIn = (viewport, target = '/', user = 'duty', options = {}) =>
  h.signIn(viewport, target, user, options);

function writeConfig(port, sinkPort) {
  const more = Array.from({ length: SCHOOLS - 2 }, (_, i) =>
    `      - {id: s${i + 3}, name: 第${i + 3}小学, kind: school}\n`).join('');
  h.file('org.yaml', `units:
  - id: district
    name: 测试区教育局
    kind: district
    contacts:
      - {role: duty_contact, name: 区值班室, phone: "059100000000", email: duty@district.example.cn}
    children:
      - id: s1
        name: 第一小学
        kind: school
        contacts:
          - {role: primary_accountable, name: 张校长, phone: "13700000001"}
      - id: s2
        name: 第二小学
        kind: school
        contacts:
          - {role: primary_accountable, name: 刘校长, phone: "13700000002", email: head@s2.example.cn}
` + more);
  h.file('calendars.yaml', HOLIDAY_CALENDARS +
    '    reminder: {before: 2h, to: [school_primary, district_on_duty], all_at_once: [sms, email]}\n');
  // A duty roster for the rosters and contact panels (a gap on the evening of the 2nd).
  // An incident is told to the message sink (a webhook this test serves), which
  // carries the link every SMS and e-mail carries; the late policy matches nothing
  // these tests raise.
  h.file('roster.csv',
    'district,2026-10-01 08:00,2026-10-02 08:00,王值班,13800000000,wang@district.example.cn,\n' +
    'district,2026-10-02 08:00,2026-10-02 18:00,李值班,13900000000,,\n');
  h.file('escalation.yaml', `policies:
  - id: incident
    kinds: [incident]
    steps:
      - notify: [{person: {name: 值班大屏, webhook: sink}}]
        channels: [webhook]
  - id: late
    requirements: [daily]
    kinds: [late]
    steps:
      - notify: [{contact: duty_contact}]
        fallback: [webhook]
leaders: {enabled: false}
channels:
  webhooks:
    - {name: screen, url: "http://127.0.0.1:9/h"}
    - {name: sink, url: "http://127.0.0.1:${sinkPort}/sink"}
templates:
  console_base_url: "http://127.0.0.1:${port}/"
roster: roster.csv
`);
  // Sessions run on the daemon's (drill) clock: long enough to survive the jump below.
  h.file('pingand.yaml',
    `http:\n  listen: "127.0.0.1:${port}"\n  session_idle_minutes: 600\n` +
    'escalation:\n  file: escalation.yaml\n');
}

before(async () => {
  h = new Harness();
  const port = await Harness.freePort();
  sink = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      try { sunk.push(JSON.parse(body)); } catch { /* not JSON: not ours */ }
      res.end('{}');
    });
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  writeConfig(port, sink.address().port);
  await h.start(port, '2026-10-01T15:00:00+08:00');
  baseUrl = h.baseUrl;
  ctl(['users', 'add', 'duty', '--role', 'duty_officer'], PASSWORD + '\n');
});

after(async () => {
  if (sink) sink.close();
  if (h) await h.stop();
});

test('duty officer sees a missed report appear live and acknowledges it', async () => {
  const page = await signIn({ width: 390, height: 844 });  // a phone

  // A duty officer starts on the action queue; nothing to do yet.
  await page.waitForSelector('#view-queue:not([hidden]) #queue-list');
  assert.match(await page.textContent('#queue-list'), /没有待处理的告警/);

  // The board: today's window for every school, nothing reported, none missing yet.
  await page.click('#nav a[href="#board"]');
  await page.waitForSelector('#view-board:not([hidden]) article.window');
  assert.equal(await page.textContent('[data-count=schools] dd'), String(SCHOOLS));
  assert.equal(await page.textContent('[data-count=missing] dd'), '0');
  await page.waitForSelector('#live.on');
  await page.screenshot({ path: path.join(SHOTS, 'e2e-board.png'), fullPage: true });

  // Alerts view, empty; a marker proves the page is never reloaded from here on.
  await page.click('#nav a[href="#alerts"]');
  await page.waitForSelector('#view-alerts:not([hidden]) #alert-list li');
  assert.equal(await page.locator('#alert-list li[data-alert]').count(), 0);
  await page.evaluate(() => { window.e2eMarker = 'same page'; });

  // Past the 16:00 deadline and its 30 min grace: every silent school is missing.
  ctl(['clock', 'advance', '2h']);
  await page.waitForSelector('#alert-list li[data-alert].sev-missing', { timeout: WAIT })
    .catch((e) => {
      throw new Error(`${e.message}\nalerts: ${ctl(['alerts'])}\n${h.log}`);
    });
  await until('every missing alert', async () =>
    (await page.locator('#alert-list li[data-alert]').count()) === SCHOOLS);
  assert.equal(await page.evaluate(() => window.e2eMarker), 'same page', 'no reload');
  assert.match(await page.textContent('#alert-list'), /漏报/);

  // A colleague's desktop page, open on the alert list.
  const other = await signIn({ width: 1280, height: 800 });
  await other.click('#nav a[href="#alerts"]');
  await other.waitForSelector('#alert-list li[data-alert].state-open');
  await other.evaluate(() => { window.e2eMarker = 'other page'; });

  // The link an SMS carries (<base>/alerts/<id>) opens that alert after signing in, in
  // a browser in another time zone: times are the organisation's (the alert was raised
  // at the drill's 17:00 in Shanghai, 10:00 in Berlin), the requirement is named, and
  // the daemon's own notes read in words.
  const alertId = await page.getAttribute('#alert-list li[data-alert]', 'data-alert');
  const linked = await signIn({ width: 390, height: 844 }, '/alerts/' + encodeURIComponent(alertId),
    'duty', { timezoneId: 'Europe/Berlin' });
  await linked.waitForSelector('#view-alert:not([hidden]) #alert-head');
  assert.match(linked.url(), /#alert\//);
  const head = await linked.textContent('#alert-head');
  assert.match(head, /2026\/10\/01 1[67]:\d\d/);
  assert.match(head, /每日报平安/);
  assert.doesNotMatch(head, /daily/);
  assert.match(await linked.textContent('#timeline'), /没有与此告警匹配的升级策略/);
  assert.deepEqual(await h.englishOnTimeline(linked), []);
  await linked.close();

  // Open one alert and acknowledge it with a comment.
  await page.click('#alert-list li[data-alert] a');
  await page.waitForSelector('#view-alert:not([hidden]) #ack-form:not([hidden])');
  // On the phone: the facts and the timeline first, acknowledging in the bar stuck to
  // the bottom of the screen; noting and resolving are folded below the timeline.
  assert.equal(await page.isVisible('#comment-form'), false);
  assert.equal(await page.locator('#action-bar #ack-form').count(), 1);
  // The school page is a link, not its address as text.
  assert.equal(await page.locator('#alert-head .links a[href^="#school/"]').count(), 1);
  assert.doesNotMatch(await page.textContent('#alert-head'), /http:/);
  const y = async (sel) => (await page.locator(sel).boundingBox()).y;
  assert.ok(await y('#alert-head') < await y('#timeline'));
  assert.ok(await y('#timeline') < await y('#more-actions'));
  const bar = await page.locator('#action-bar').boundingBox();
  assert.ok(bar.y + bar.height <= 845, 'the action bar is on the screen');
  await page.fill('#ack-form textarea[name=comment]', '已电话联系校长，正在补报');
  await page.click('#ack-form button[type=submit]');
  await page.waitForSelector('#timeline li:has-text("已电话联系校长")');
  assert.equal(await page.textContent('#alert-state'), '已确认');
  await page.screenshot({ path: path.join(SHOTS, 'e2e-alert.png'), fullPage: true });
  // The colleague's page follows without a reload (alert.updated).
  await other.waitForSelector('#alert-list li[data-alert].state-acknowledged');
  assert.equal(await other.evaluate(() => window.e2eMarker), 'other page');
  await other.close();

  // The board counts the missed reports too, and English is one click away.
  await page.click('#nav a[href="#board"]');
  await until('missing count on the board', async () =>
    (await page.textContent('[data-count=missing] dd')) === String(SCHOOLS));
  await page.click('#lang');
  assert.equal(await page.textContent('#nav a[href="#alerts"]'), 'Alerts');
  assert.equal(await page.evaluate(() => window.e2eMarker), 'same page');
  await page.close();
});

test('an incident gets a case owner, a follow-up note and is closed', async () => {
  // A severity-II incident from school 2; the duty officer's page is open on the board.
  const page = await signIn({ width: 1280, height: 900 });
  await page.waitForSelector('#view-queue #queue-list');
  agent('s2', ['incident', '--date', '2026-10-01', '--category', 'food_safety',
    '--severity', 'II', '--injured', '3', '--occurred-at', '2026-10-01T16:50:00+08:00',
    '--summary', '午餐后三名学生腹痛，已送医观察']);
  // It arrives live, with the duty room's sound and notification (marked on the body).
  await until('the incident alert', async () =>
    (await page.getAttribute('body', 'data-last-alert')) !== null);

  // The message the escalation sent to the sink links to <base>/alerts/<id>; opened in a
  // fresh browser, it asks for the password and then shows that alert, with whom to call.
  const message = await until('the message in the sink', async () =>
    sunk.find((m) => m.alert_kind === 'incident' && m.console_link));
  assert.equal(message.console_link, `${baseUrl}/alerts/${encodeURIComponent(message.alert_ids[0])}`);
  const linked = await signIn({ width: 390, height: 844 }, new URL(message.console_link).pathname);
  await linked.waitForSelector('#view-alert #alert-head');
  assert.equal(decodeURIComponent(new URL(linked.url()).hash), '#alert/' + message.alert_ids[0]);
  assert.match(await linked.textContent('#alert-head'), /第二小学/);
  await linked.waitForSelector('#contacts [data-unit=s2]');
  assert.equal(await linked.getAttribute('#contacts [data-unit=s2] a.tel', 'href'), 'tel:13700000002');
  assert.equal(await linked.getAttribute('#contacts [data-unit=s2] a.mail', 'href'),
    'mailto:head@s2.example.cn');
  // The district's duty room, and who is on duty there now (the drill's 10-01 afternoon).
  assert.match(await linked.textContent('#contacts [data-unit=district]'), /区值班室/);
  assert.match(await linked.textContent('#contacts [data-unit=district] .on-duty'), /王值班/);
  assert.equal(await linked.getAttribute('#contacts [data-unit=district] .on-duty a.mail', 'href'),
    'mailto:wang@district.example.cn');
  // The timeline and the delivery table speak Chinese: no "system", no "webhook", and
  // the daemon's notes in words ("step 1, pass 1", "policy incident has no further
  // steps" were shown as stored).
  assert.match(await linked.textContent('#timeline'), /第1步 · 第1轮：值班大屏/);
  assert.match(await linked.textContent('#timeline'), /升级策略 incident 已没有后续步骤/);
  assert.deepEqual(await h.englishOnTimeline(linked), []);
  await linked.waitForSelector('#notifications td:has-text("推送")');
  assert.match(await linked.textContent('#timeline'), /系统/);
  assert.doesNotMatch(await linked.textContent('#timeline li:first-child strong'), /system/);
  await linked.screenshot({ path: path.join(SHOTS, 'e2e-alert-phone.png'), fullPage: true });
  await linked.close();

  await page.click('#nav a[href="#incidents"]');
  await page.waitForSelector('#incident-list a');
  assert.match(await page.textContent('#incident-list'), /食品安全/);
  await page.click('#incident-list a');
  await page.waitForSelector('#view-incident #incident-summary');
  await page.waitForSelector('#view-incident #contacts a[href="tel:13700000002"]');
  assert.match(await page.textContent('#incident-summary'), /腹痛/);  // protected, audited
  assert.match(await page.textContent('#case-owner'), /尚未指定/);
  // No notes yet: said in words, not as note number 1.
  assert.equal(await page.evaluate(() => document.querySelector('#incident-notes').tagName), 'P');
  assert.match(await page.textContent('#incident-notes'), /暂无跟进记录/);

  await page.fill('#assign-form input[name=owner]', '李副局长');
  await page.fill('#assign-form input[name=owner_role]', '分管副局长');
  await page.click('#assign-form button[type=submit]');
  await until('the case owner', async () =>
    (await page.textContent('#case-owner')).includes('李副局长'));
  await page.fill('#note-form textarea[name=text]', '已到医院了解情况，三名学生无大碍');
  await page.click('#note-form button[type=submit]');
  await page.waitForSelector('#incident-notes li:has-text("无大碍")');
  await page.screenshot({ path: path.join(SHOTS, 'e2e-incident.png'), fullPage: true });

  await page.selectOption('#close-form select[name=outcome]', 'handled');
  await page.fill('#close-form textarea[name=comment]', '家长已接回，食堂留样送检');
  await page.click('#close-form button[type=submit]');
  await until('the closed case', async () =>
    (await page.textContent('#case-owner')).includes('已办结'));
  assert.equal(await page.locator('#assign-form').count(), 0, 'a closed case takes no owner');
  await page.close();
});

test('the action queue ranks by severity and acknowledges one or several', async () => {
  // Three more incidents at school 2, the gravest one last; the queue puts it first, and
  // the severity-II incident of the test before second.
  for (const severity of ['IV', 'IV', 'I']) {
    agent('s2', ['incident', '--date', '2026-10-01', '--category', 'fire', '--severity', severity,
      '--occurred-at', '2026-10-01T16:58:00+08:00', '--summary', '配电箱冒烟']);
  }
  const page = await signIn({ width: 1280, height: 800 });
  await page.waitForSelector('#view-queue');
  const rows = page.locator('#queue-list li[data-alert]');
  const severities = async () => (await rows.evaluateAll((lis) => lis.map((li) => li.className)))
    .map((c) => /sev-(\S+)/.exec(c)[1]);
  await until('the four open incidents', async () =>
    (await severities()).filter((k) => /^I/.test(k)).length >= 4);
  // Severity I, II, IV, IV; any missed or late report after every graded incident.
  const order = await severities();
  assert.deepEqual(order.slice(0, 4), ['I', 'II', 'IV', 'IV']);
  assert.ok(order.slice(4).every((k) => k === 'missing' || k === 'late'), order.join());
  assert.match(await rows.nth(0).textContent(), /已等待/);
  assert.match(await rows.nth(0).textContent(), /第二小学/);
  await page.screenshot({ path: path.join(SHOTS, 'e2e-queue.png'), fullPage: true });
  const phone = await signIn({ width: 390, height: 844 });
  await phone.waitForSelector('#queue-list li[data-alert]');
  await phone.screenshot({ path: path.join(SHOTS, 'e2e-queue-phone.png'), fullPage: true });
  await phone.close();

  // One tap takes the severity-I incident: no comment asked for.
  const first = await rows.nth(0).getAttribute('data-alert');
  await rows.nth(0).locator('button.ack-one').click();
  // It waits below, being handled, with who took it.
  await page.waitForSelector(`#queue-taken li[data-alert="${first}"]`);
  assert.match(await page.textContent(`#queue-taken li[data-alert="${first}"] .owner`), /duty/);
  assert.equal(await page.locator(`#queue-list li[data-alert="${first}"]`).count(), 0);
  assert.deepEqual((await severities()).slice(0, 3), ['II', 'IV', 'IV']);

  // Tick ten: the two severity-IV incidents and eight missed reports below them (a
  // morning's worth); acknowledge all ten with one comment.
  const BULK = 10;
  assert.ok(await rows.count() > BULK, `more than ${BULK} open: ${await rows.count()}`);
  const chosen = [];
  for (let i = 1; i <= BULK; ++i) chosen.push(await rows.nth(i).getAttribute('data-alert'));
  for (const id of chosen) await page.check(`#queue-list li[data-alert="${id}"] input.pick`);
  assert.equal(await page.textContent('#queue-picked'), String(BULK));
  const comment = '已电话联系校长，正在核实';
  await page.fill('#bulk-comment', comment);
  await page.click('#bulk-ack');
  await page.waitForSelector(`#queue-message:has-text("已确认 ${BULK} 条")`);
  // Accepted (202) at once, written by the writer a moment later; the live update follows.
  await until('all ten taken', async () => {
    for (const id of chosen) {
      if (await page.locator(`#queue-taken li[data-alert="${id}"]`).count() !== 1) return false;
      if (await page.locator(`#queue-list li[data-alert="${id}"]`).count() !== 0) return false;
    }
    return true;
  });
  assert.equal((await severities())[0], 'II', 'the II incident remains');
  await page.screenshot({ path: path.join(SHOTS, 'e2e-queue-bulk.png'), fullPage: true });
  // Each alert's own timeline records the acknowledgement, by whom, with the comment.
  for (const id of chosen) {
    const res = await page.context().request.get(`${baseUrl}/api/v1/alerts/${encodeURIComponent(id)}`);
    assert.equal(res.status(), 200);
    const a = await res.json();
    assert.equal(a.state, 'acknowledged', id);
    const acks = a.timeline.filter((e) => e.what === 'acknowledged');
    assert.deepEqual(acks.map((e) => [e.actor, e.comment]), [['duty', comment]], id);
  }
  // And the page shows it, for one incident and one missed report.
  for (const id of [chosen[0], chosen[BULK - 1]]) {
    await page.goto(`${baseUrl}/#alert/${encodeURIComponent(id)}`);
    await page.waitForSelector(`#timeline li:has-text("${comment}")`);
    assert.equal(await page.textContent('#alert-state'), '已确认');
  }
  await page.close();
});

test('calendar, school, hand-over and big-screen pages', async () => {
  const page = await signIn({ width: 1280, height: 900 });
  await page.waitForSelector('#view-queue');
  await page.click('#nav a[href="#calendar"]');
  await page.waitForSelector('#next-deadlines table');
  assert.match(await page.textContent('#view-calendar'), /国庆节/);
  // Who is reminded, over what, and which policy takes the requirement's alerts: here
  // none takes a missed all-clear (the 14:00 reminder lies before the drill's start).
  const requirements = await page.textContent('#requirements');
  assert.match(requirements, /截止前 2h: 本校第一责任人、区县值班人员 \(短信 \+ 邮件 同时发送\)/);
  assert.match(requirements, /没有匹配的升级策略/);

  // Who is on duty now and next, with a number to call (the page once read a key the
  // API does not send and always said there was no roster).
  await page.click('#nav a[href="#rosters"]');
  await page.waitForSelector('#roster-now [data-unit=district]');
  const rosters = await page.textContent('#roster-now');
  assert.match(await page.textContent('#roster-now .on-duty'), /王值班/);
  // Today's and tomorrow's shifts, each with a number, and the evening of the 2nd
  // with nobody on duty.
  assert.equal(await page.locator('#roster-now .shifts li.shift').count(), 2);
  assert.match(rosters, /李值班/);
  assert.equal(await page.getAttribute('#roster-now .on-duty a[href^="tel:"]', 'href'), 'tel:13800000000');
  assert.equal(await page.getAttribute('#roster-now li.shift:has-text("李值班") a.tel', 'href'),
    'tel:13900000000');
  assert.equal(await page.locator('#roster-now li.gap:has-text("10-02 18:00 – 2026-10-03 00:00")').count(), 1);
  await page.screenshot({ path: path.join(SHOTS, 'e2e-rosters.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SHOTS, 'e2e-rosters-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.click('#nav a[href="#schools"]');
  await page.waitForSelector('#school-list a');
  await page.click('#school-list a:has-text("第一小学")');
  await page.waitForSelector('#on-time-rate');
  // School 1 missed the one deadline so far: 0 % on time, and the history says so.
  assert.equal(await page.textContent('#on-time-rate'), '0.0%');
  assert.match(await page.textContent('#school-history'), /漏报/);

  await page.click('#nav a[href="#handover"]');
  await page.waitForSelector('#handover-counts');
  assert.equal(await page.textContent('#handover-counts [data-count=incidents] dd'), '4');

  await page.click('#nav a[href="#wall"]');
  await page.waitForSelector('body.wall #view-wall #wall-incidents li[data-incident]');
  assert.equal(await page.isVisible('#nav'), false);
  // The daemon's (drill) clock, not the browser's, labelled as a drill's.
  assert.match(await page.textContent('#wall-clock'), /2026\/10\/01/);
  assert.equal(await page.textContent('#wall-drill'), '演练');
  // Every open incident as the incident page counts them (the II case was closed), the
  // gravest pinned first, above the missed reports; each missed report on its row or
  // counted below them.
  assert.equal(await page.textContent('#wall-totals [data-count=open_incidents] dd'), '3');
  assert.match(await page.getAttribute('#wall-incidents li[data-incident]', 'class'), /sev-I\b/);
  const missed = Number(await page.textContent('#wall-totals [data-count=missed_reports] dd'));
  assert.ok(missed >= 1, String(missed));
  const shown = await page.locator('#wall-reports li[data-alert]').count();
  const more = shown < missed ? Number(/\d+/.exec(await page.textContent('#wall-more'))[0]) : 0;
  assert.equal(shown + more, missed);
  await page.screenshot({ path: path.join(SHOTS, 'e2e-wall.png') });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#view-board');
  await page.close();

  // The audit log names actions in words (their codes stay in the title).
  ctl(['users', 'add', 'audit', '--role', 'auditor'], PASSWORD + '\n');
  const auditor = await signIn({ width: 1280, height: 900 }, '/', 'audit');
  await auditor.click('#nav a[href="#audit"]');
  await auditor.waitForSelector('#audit-list table');
  const audit = await auditor.textContent('#audit-list');
  assert.match(audit, /查看事件详情/);
  assert.match(audit, /确认告警/);
  assert.doesNotMatch(audit, /incident\.text\.read|alert\.acknowledge/);
  await auditor.close();
});

test('an exemption (免报) is made and withdrawn on the calendar page', async () => {
  const page = await signIn({ width: 1280, height: 900 });
  await page.waitForSelector('#view-queue');
  await page.click('#nav a[href="#calendar"]');
  await page.waitForSelector('#exemption-form');
  assert.match(await page.textContent('#exemptions'), /没有生效或将要生效的免报/);
  // Refused with the daemon's reason, nothing stored.
  await page.fill('#exemption-form input[name=from]', '2026-10-05');
  await page.fill('#exemption-form input[name=to]', '2026-10-04');
  await page.fill('#exemption-form input[name=scope]', 's2');
  await page.fill('#exemption-form textarea[name=reason]', '台风停课');
  await page.click('#exemption-form button[type=submit]');
  await until('the refusal', async () =>
    /'from' must not be after 'to'/.test(await page.textContent('#exemption-form .error')));
  await page.fill('#exemption-form input[name=to]', '2026-10-06');
  await page.click('#exemption-form button[type=submit]');
  await page.waitForSelector('#exemptions td:has-text("第二小学")');
  assert.match(await page.textContent('#exemptions'), /台风停课/);
  assert.match(await page.textContent('#exemptions'), /全部报送要求/);
  await page.screenshot({ path: path.join(SHOTS, 'e2e-exemptions.png'), fullPage: true });
  await page.click('#exemptions button:has-text("撤销")');
  await until('the withdrawal', async () =>
    /没有生效或将要生效的免报/.test(await page.textContent('#exemptions')));
  await page.close();
  const audit = JSON.parse(ctl(['--json', 'exemption', 'list', '--all']));
  assert.equal(audit.length, 1);
  assert.equal(audit[0].state, 'withdrawn');
  assert.equal(audit[0].created_by, 'duty');
});
