// Browser end-to-end test of the big screen (大屏), the hand-over sign-off and the phone
// layout: the real pingand on a drill clock (sessions run on it, 30 minutes idle as
// shipped), Debian's chromium driven by playwright-core. The wall role's screen stays
// signed in across a simulated hour while an idle duty officer's session ends; it pins
// the open incidents above a screenful of missed reports and counts them as the incident
// page does. One officer signs a hand-over off, the next acknowledges it, and the audit
// log names both. Screenshots (desktop and 390×844 phone) of the queue, an alert, the
// rosters and the big screen go to $E2E_SCREENSHOT_DIR. Every wait is bounded.
//
// Run by ctest (e2e_kiosk) with PINGAND_PATH, PINGANCTL_PATH and PINGAN_AGENT_PATH set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Harness, HOLIDAY_CALENDARS, PASSWORD, SHOTS } from './harness.mjs';

const SCHOOLS = 16;  // more missed reports than the wall has rows for
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const WALL = { width: 1920, height: 1080 };

let h;
const ctl = (args, input) => h.ctl(args, input);
const agent = (school, args) => h.agent(school, args);
const until = (what, check, timeoutMs) => h.until(what, check, timeoutMs);

function writeConfig(h, port) {
  const schools = Array.from({ length: SCHOOLS }, (_, i) =>
    `      - {id: s${i + 1}, name: 第${i + 1}小学, kind: school}\n`).join('');
  h.file('org.yaml',
    'units:\n  - id: district\n    name: 测试区教育局\n    kind: district\n    children:\n' + schools);
  h.file('calendars.yaml', HOLIDAY_CALENDARS);
  h.file('roster.csv',
    'district,2026-10-01 08:00,2026-10-02 08:00,王值班,13800000000,,\n');
  h.file('escalation.yaml', `policies:
  - id: incident
    kinds: [incident]
    steps:
      - notify: [{contact: duty_contact}]
        fallback: [webhook]
leaders: {enabled: false}
channels:
  webhooks:
    - {name: screen, url: "http://127.0.0.1:9/h"}
roster: roster.csv
`);
  // The shipped idle timeout (30 minutes), on the daemon's drill clock.
  h.file('pingand.yaml',
    `http:\n  listen: "127.0.0.1:${port}"\nescalation:\n  file: escalation.yaml\n`);
}

before(async () => {
  h = new Harness();
  const port = await Harness.freePort();
  writeConfig(h, port);
  await h.start(port, '2026-10-01T15:00:00+08:00');
  for (const [user, role] of [['duty', 'duty_officer'], ['duty2', 'duty_officer'],
    ['wall', 'wall'], ['audit', 'auditor']]) {
    ctl(['users', 'add', user, '--role', role], PASSWORD + '\n');
  }
});

after(async () => { if (h) await h.stop(); });

const signIn = (viewport, user, target = '/') => h.signIn(viewport, target, user);

const shot = (page, name, fullPage = true) =>
  page.screenshot({ path: path.join(SHOTS, `kiosk-${name}.png`), fullPage });

test('the big screen pins the open incidents and stays signed in across a simulated hour',
  async () => {
    // A severity-III incident flagged for leaders and a severity-IV one, then the
    // deadline passes with nobody reporting: a screenful of missed reports.
    agent('s1', ['incident', '--date', '2026-10-01', '--category', 'fight', '--severity', 'III',
      '--leader-attention', '--occurred-at', '2026-10-01T15:00:00+08:00', '--summary', '两名学生斗殴']);
    agent('s2', ['incident', '--date', '2026-10-01', '--category', 'fire', '--severity', 'IV',
      '--occurred-at', '2026-10-01T15:01:00+08:00', '--summary', '配电箱冒烟']);
    ctl(['clock', 'advance', '2h']);
    await until('the missed reports', async () =>
      JSON.parse(ctl(['--json', 'alerts', '--state', 'open', '--kind', 'missing'])).length >=
        SCHOOLS - 2);

    const wall = await signIn(WALL, 'wall');
    await wall.waitForSelector('body.wall #view-wall #wall-incidents');
    assert.equal(await wall.isVisible('#nav'), false);
    assert.equal(await wall.locator('.wall-exit').count(), 0, 'a kiosk has nowhere to go');
    const incidents = wall.locator('#wall-incidents li[data-incident]');
    assert.equal(await incidents.count(), 2);
    // Pinned first: the graver one, flagged for leaders, above every missed report.
    assert.match(await incidents.nth(0).getAttribute('class'), /sev-III\b/);
    assert.match(await incidents.nth(0).textContent(), /第1小学/);
    assert.equal(await incidents.nth(0).locator('.flag').count(), 1);
    const missed = Number(await wall.textContent('#wall-totals [data-count=missed_reports] dd'));
    const shown = await wall.locator('#wall-reports li[data-alert]').count();
    assert.ok(shown > 0 && shown < missed, `${shown} of ${missed}`);
    assert.match(await wall.textContent('#wall-more'), new RegExp(String(missed - shown)));
    // The drill's simulated time, labelled.
    assert.equal(await wall.textContent('#wall-drill'), '演练');
    assert.match(await wall.textContent('#wall-clock'), /2026\/10\/01 17:0\d/);
    const fontSize = await wall.evaluate(() =>
      parseFloat(getComputedStyle(document.querySelector('#wall-incidents li')).fontSize));
    assert.ok(fontSize >= 36, `readable from 5 m: ${fontSize}px`);
    await shot(wall, 'wall', false);

    // The incident page counts the same open incidents.
    const duty = await signIn(DESKTOP, 'duty', '/#incidents');
    await duty.waitForSelector('#incident-list tbody tr');
    const listed = await duty.locator('#incident-list tbody tr').count();
    assert.equal(Number(await wall.textContent('#wall-totals [data-count=open_incidents] dd')), listed);
    assert.equal(listed, 2);
    // Every page shows the drill and its time.
    assert.match(await duty.textContent('#drill-badge'), /演练 · 10\/01 17:0\d/);

    // A simulated hour passes with nobody touching either screen.
    ctl(['clock', 'advance', '1h']);
    await wall.reload();
    await wall.waitForSelector('#view-wall #wall-incidents li[data-incident]');
    assert.equal(await wall.isVisible('#view-login'), false, 'the wall stays signed in');
    assert.match(await wall.textContent('#wall-clock'), /2026\/10\/01 18:0\d/);
    assert.equal(await wall.locator('#wall-incidents li[data-incident]').count(), 2);
    await duty.reload();
    await duty.waitForSelector('#view-login:not([hidden])');  // idle for an hour: signed out

    const phone = await signIn(PHONE, 'wall');
    await phone.waitForSelector('#wall-incidents li[data-incident]');
    await shot(phone, 'wall-phone');
    await Promise.all([wall.close(), duty.close(), phone.close()]);
  });

test('the outgoing officer signs the hand-over off and the incoming one acknowledges it',
  async () => {
    const outgoing = await signIn(DESKTOP, 'duty', '/#handover');
    await outgoing.waitForSelector('#handover-signoff');
    assert.match(await outgoing.textContent('#handover-signoff'), /尚无交接记录/);
    await outgoing.fill('#handover-sign-form textarea[name=note]', '第1小学斗殴事件待回访，第3小学电话未通');
    await outgoing.click('#handover-sign-form button[type=submit]');
    await outgoing.waitForSelector('#handover-list li.waiting');
    assert.match(await outgoing.textContent('#handover-list li.waiting'), /本人交班/);
    assert.equal(await outgoing.locator('#handover-list button.ack-handover').count(), 0);
    await outgoing.close();

    const incoming = await signIn(PHONE, 'duty2', '/#handover');
    await incoming.waitForSelector('#handover-list li.waiting button.ack-handover');
    assert.match(await incoming.textContent('#handover-list li.waiting .note'), /待回访/);
    await incoming.click('#handover-list li.waiting button.ack-handover');
    await incoming.waitForSelector('#handover-list li.acked');
    assert.match(await incoming.textContent('#handover-list li.acked'), /接班人: duty2/);
    await shot(incoming, 'handover-phone');
    await incoming.close();

    const [signed] = JSON.parse(ctl(['--json', 'handover', 'list']));
    assert.equal(signed.signed_by, 'duty');
    assert.equal(signed.acked_by, 'duty2');
    const auditor = await signIn(DESKTOP, 'audit', '/#audit');
    await auditor.waitForSelector('#audit-list table');
    const audit = await auditor.textContent('#audit-list');
    assert.match(audit, /交班签字/);
    assert.match(audit, /接班确认/);
    assert.doesNotMatch(audit, /待回访/, 'the note stays out of the audit log');
    await auditor.close();
  });

test('queue, alert and rosters on a desktop and on a 390×844 phone', async () => {
  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await signIn(viewport, 'duty');
    await page.waitForSelector('#queue-list li[data-alert]');
    await shot(page, `queue-${name}`);
    await page.click('#queue-list li[data-alert] a');
    await page.waitForSelector('#view-alert #alert-head');
    // Information first, the acknowledgement in a bar stuck to the bottom of the screen.
    const y = async (sel) => (await page.locator(sel).boundingBox()).y;
    assert.ok(await y('#alert-head') < await y('#timeline'));
    // The daemon's own notes in Chinese ("severity III", "step 1, pass 1", "第1小学 has
    // no contact with role duty_contact", "policy incident has no further steps" were
    // shown as stored).
    const notes = await page.textContent('#timeline');
    assert.match(notes, /级别 III/);
    assert.match(notes, /没有值班联系人/);
    assert.match(notes, /升级策略 incident 已没有后续步骤/);
    assert.deepEqual(await h.englishOnTimeline(page), []);
    const bar = await page.locator('#action-bar').boundingBox();
    assert.ok(bar.y + bar.height <= viewport.height + 1 && bar.y > viewport.height / 2,
      `the action bar sits at the bottom of the screen: ${JSON.stringify(bar)}`);
    await shot(page, `alert-${name}`, false);
    await page.goto(h.baseUrl + '/#rosters');
    await page.waitForSelector('#view-rosters');
    await shot(page, `rosters-${name}`);
    await page.goto(h.baseUrl + '/#incidents');
    await page.waitForSelector('#incident-list tbody tr');
    // On the phone the table is cards, each value labelled; on the desktop, a table.
    assert.equal(await page.isVisible('#incident-list thead'), name === 'desktop');
    if (name === 'phone') {
      const label = await page.locator('#incident-list tbody td').first().evaluate((td) =>
        getComputedStyle(td, '::before').content);
      assert.match(label, /级别/);
    }
    await page.close();
  }
});
