// Browser end-to-end test of the duty console: the real pingand on a drill clock with a
// temporary data dir, Debian's chromium driven by playwright-core. A duty officer signs
// in, sees the board, the drill clock passes a deadline so that the silent schools'
// missing alerts appear LIVE (Server-Sent Events, no reload), one alert is
// acknowledged with a comment and the timeline shows it. Screenshots go to
// $E2E_SCREENSHOT_DIR. Every wait is bounded.
//
// Run by ctest (e2e_console) with PINGAND_PATH and PINGANCTL_PATH set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const PINGAND = process.env.PINGAND_PATH;
const PINGANCTL = process.env.PINGANCTL_PATH;
const SHOTS = process.env.E2E_SCREENSHOT_DIR || os.tmpdir();
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PASSWORD = 'e2e correct horse battery';
const WAIT = 10_000;  // ms, for any single UI expectation

let dir;
let daemon;
let daemonLog = '';
let browser;
let baseUrl;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(what, check, timeoutMs = WAIT) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${daemonLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ctl(args, input) {
  return execFileSync(PINGANCTL, ['--data-dir', path.join(dir, 'data'), ...args],
    { input, timeout: 10_000, encoding: 'utf8' });
}

function writeConfig(port) {
  fs.writeFileSync(path.join(dir, 'org.yaml'), `units:
  - id: district
    name: 测试区教育局
    kind: district
    children:
      - {id: s1, name: 第一小学, kind: school}
      - {id: s2, name: 第二小学, kind: school}
`);
  fs.writeFileSync(path.join(dir, 'calendars.yaml'), `calendars:
  - name: holiday
    time_zone: Asia/Shanghai
    periods:
      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}
requirements:
  - id: daily
    name: 每日报平安
    kind: daily_all_clear
    during: [public_holiday]
    deadlines: ["16:00"]
    grace: 30m
`);
  // Sessions run on the daemon's (drill) clock: long enough to survive the jump below.
  fs.writeFileSync(path.join(dir, 'pingand.yaml'),
    `http:\n  listen: "127.0.0.1:${port}"\n  session_idle_minutes: 600\n`);
}

before(async () => {
  assert.ok(PINGAND && PINGANCTL, 'PINGAND_PATH and PINGANCTL_PATH must be set');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pingan-e2e-'));
  const port = await freePort();
  writeConfig(port);
  baseUrl = `http://127.0.0.1:${port}`;
  daemon = spawn(PINGAND, [
    '-c', path.join(dir, 'pingand.yaml'), '--data-dir', path.join(dir, 'data'),
    '--insecure-dev', '--listen', 'tcp://127.0.0.1:*',
    '--org', path.join(dir, 'org.yaml'), '--calendars', path.join(dir, 'calendars.yaml'),
    '--clock', 'drill', '--start', '2026-10-01T15:00:00+08:00', '--speed', '1',
    '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk) => { daemonLog = (daemonLog + chunk).slice(-8000); };
  daemon.stdout.on('data', keep);
  daemon.stderr.on('data', keep);
  await until('the HTTP API', async () => (await fetch(baseUrl + '/')).ok);
  ctl(['users', 'add', 'duty', '--role', 'duty_officer'], PASSWORD + '\n');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 20_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // launch() gives chromium a fresh temporary --user-data-dir of its own.
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function signIn(viewport) {
  const page = await browser.newPage({ viewport });  // its own context: its own cookie
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (e) => { daemonLog += `\n[page error] ${e.message}`; });
  page.on('console', (m) => { daemonLog += `\n[page ${m.type()}] ${m.text()}`; });
  await page.goto(baseUrl + '/');
  // Login page in Simplified Chinese by default.
  await page.waitForSelector('#view-login:not([hidden])');
  assert.equal(await page.textContent('#login-form h2'), '登录');
  await page.fill('input[name=name]', 'duty');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
  return page;
}

test('duty officer sees a missed report appear live and acknowledges it', async () => {
  const page = await signIn({ width: 390, height: 844 });  // a phone

  // The board: today's window for both schools, nothing reported, none missing yet.
  await page.waitForSelector('#view-board:not([hidden]) article.window');
  assert.equal(await page.textContent('[data-count=schools] dd'), '2');
  assert.equal(await page.textContent('[data-count=missing] dd'), '0');
  await page.waitForSelector('#live.on');
  await page.screenshot({ path: path.join(SHOTS, 'e2e-board.png'), fullPage: true });

  // Alerts view, empty; a marker proves the page is never reloaded from here on.
  await page.click('#nav a[href="#alerts"]');
  await page.waitForSelector('#view-alerts:not([hidden]) #alert-list li');
  assert.equal(await page.locator('#alert-list li[data-alert]').count(), 0);
  await page.evaluate(() => { window.e2eMarker = 'same page'; });

  // Past the 16:00 deadline and its 30 min grace: both silent schools are missing.
  ctl(['clock', 'advance', '2h']);
  await page.waitForSelector('#alert-list li[data-alert].sev-missing', { timeout: WAIT })
    .catch((e) => {
      throw new Error(`${e.message}\nalerts: ${ctl(['alerts'])}\n${daemonLog}`);
    });
  await until('both missing alerts', async () =>
    (await page.locator('#alert-list li[data-alert]').count()) === 2);
  assert.equal(await page.evaluate(() => window.e2eMarker), 'same page', 'no reload');
  assert.match(await page.textContent('#alert-list'), /漏报/);

  // A colleague's desktop page, open on the alert list.
  const other = await signIn({ width: 1280, height: 800 });
  await other.click('#nav a[href="#alerts"]');
  await other.waitForSelector('#alert-list li[data-alert].state-open');
  await other.evaluate(() => { window.e2eMarker = 'other page'; });

  // Open one alert and acknowledge it with a comment.
  await page.click('#alert-list li[data-alert] a');
  await page.waitForSelector('#view-alert:not([hidden]) #ack-form:not([hidden])');
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
    (await page.textContent('[data-count=missing] dd')) === '2');
  await page.click('#lang');
  assert.equal(await page.textContent('#nav a[href="#alerts"]'), 'Alerts');
  assert.equal(await page.evaluate(() => window.e2eMarker), 'same page');
  await page.close();
});
