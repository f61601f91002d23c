// Shared setup of the browser tests: a real pingand on a drill clock in a temporary
// data dir, pinganctl and pingan-agent against it, and Debian's chromium driven by
// playwright-core, with bounded waits. A test writes its own configuration files and
// calls start(); stop() ends everything it started.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const PASSWORD = 'e2e correct horse battery';
export const WAIT = 10_000;  // ms, for any single UI expectation
export const SHOTS = process.env.E2E_SCREENSHOT_DIR || os.tmpdir();
// The calendars most browser tests run on: the national-day holiday, a daily all-clear
// due at 16:00 with 30 minutes' grace.
export const HOLIDAY_CALENDARS = `calendars:
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
`;

export class Harness {
  constructor() {
    this.pingand = process.env.PINGAND_PATH;
    this.pinganctl = process.env.PINGANCTL_PATH;
    this.agentPath = process.env.PINGAN_AGENT_PATH;
    assert.ok(this.pingand && this.pinganctl && this.agentPath,
      'PINGAND_PATH, PINGANCTL_PATH and PINGAN_AGENT_PATH must be set');
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pingan-e2e-'));
    this.log = '';
  }

  file(name, text) { fs.writeFileSync(path.join(this.dir, name), text); }

  static freePort() {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
  }

  async until(what, check, timeoutMs = WAIT) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const value = await check();
        if (value) return value;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  ctl(args, input) {
    return execFileSync(this.pinganctl, ['--data-dir', path.join(this.dir, 'data'), ...args],
      { input, timeout: 10_000, encoding: 'utf8' });
  }

  // A school's agent sending one report (plain text: the daemon runs --insecure-dev).
  agent(school, args) {
    const endpoint = fs.readFileSync(path.join(this.dir, 'endpoint'), 'utf8').trim();
    return execFileSync(this.agentPath, ['--school', school,
      '--spool', path.join(this.dir, `${school}.spool`), '--endpoint', endpoint, '--insecure-dev',
      ...args, '--wait', '10'], { timeout: 20_000, encoding: 'utf8' });
  }

  // Starts pingand with pingand.yaml, org.yaml and calendars.yaml of the test's dir on a
  // drill clock from `start` (ISO with offset), waits for its HTTP API, and launches
  // chromium.
  async start(port, startAt) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    const d = this.dir;
    this.daemon = spawn(this.pingand, [
      '-c', path.join(d, 'pingand.yaml'), '--data-dir', path.join(d, 'data'),
      '--insecure-dev', '--listen', 'tcp://127.0.0.1:*', '--endpoint-file', path.join(d, 'endpoint'),
      '--org', path.join(d, 'org.yaml'), '--calendars', path.join(d, 'calendars.yaml'),
      '--clock', 'drill', '--start', startAt, '--speed', '1', '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => { this.log = (this.log + chunk).slice(-8000); };
    this.daemon.stdout.on('data', keep);
    this.daemon.stderr.on('data', keep);
    await this.until('the HTTP API', async () => (await fetch(this.baseUrl + '/')).ok);
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      timeout: 20_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }

  async stop() {
    if (this.browser) await this.browser.close().catch(() => {});
    if (this.daemon && this.daemon.exitCode === null) {
      const exited = new Promise((r) => this.daemon.once('exit', r));
      this.daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.daemon.exitCode === null) this.daemon.kill('SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // A new page (its own context: its own cookie) signed in as `user` at `target`;
  // `options` go to newPage (a browser in another time zone: {timezoneId}).
  async signIn(viewport, target = '/', user = 'duty', options = {}) {
    const page = await this.browser.newPage({ viewport, ...options });
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => { this.log += `\n[page error] ${e.message}`; });
    page.on('console', (m) => { this.log += `\n[page ${m.type()}] ${m.text()}`; });
    await page.goto(this.baseUrl + target);
    // The sign-in page, in Simplified Chinese by default, with nowhere else to go.
    await page.waitForSelector('#view-login:not([hidden])');
    assert.equal(await page.textContent('#login-form h2'), '登录');
    assert.equal(await page.isVisible('#nav'), false, 'no navigation before sign-in');
    assert.equal(await page.isVisible('#logout'), false);
    await page.fill('input[name=name]', user);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('#login-form button[type=submit]');
    return page;
  }

  // The lines of the open alert page's timeline that still carry English words outside
  // what is shown as written: people's names and comments, identifiers and technical
  // errors (<code>), times. The daemon's own notes must all read in words (notes.js).
  async englishOnTimeline(page) {
    await page.waitForSelector('#timeline li');
    return page.$$eval('#timeline li', (lis) => lis.map((li) => {
      const c = li.cloneNode(true);
      c.querySelectorAll('.v, code, time, strong, q:not(.sys)').forEach((n) => n.remove());
      return c.textContent.trim();
    }).filter((text) => /[A-Za-z]{2,}/.test(text)));
  }
}
