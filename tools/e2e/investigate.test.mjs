// End-to-end test of the investigation page: the real investigator (debug build) against
// the real test Neo4j with the seed data loaded and detection run, driven in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core; no browser is downloaded).
// An analyst walks the Haimen crew from the findings list to its graph, a lineage, an
// incident timeline, a case with a note and a status, and a downloaded evidence bundle
// whose manifest hashes are checked. Screenshots land in target/e2e/.
//
// Environment: INVESTIGATOR_TEST_NEO4J_URI (required), INVESTIGATOR_E2E_BIN (default
// target/debug/investigator), CHROMIUM (default /usr/bin/chromium), INVESTIGATOR_E2E_TOKEN
// (the bearer token the page sends; by default the test creates an analyst token with
// `investigator token create`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.INVESTIGATOR_E2E_BIN || join(repo, 'target/debug/investigator');
const neo4j = process.env.INVESTIGATOR_TEST_NEO4J_URI;
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
let token = process.env.INVESTIGATOR_E2E_TOKEN || '';
const shots = join(repo, 'target/e2e');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, base, context, page, profile;
const pageErrors = [];

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
    s.on('error', rej);
  });
}

async function waitUp(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error('the investigator exited with ' + server.exitCode + '; see target/e2e/server.log');
    try { const r = await fetch(url); if (r.ok) return; } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the investigator did not come up within ' + ms / 1000 + ' s');
}

/** Files of an uncompressed ustar archive. */
function untar(buf) {
  const files = new Map();
  for (let at = 0; at + 512 <= buf.length;) {
    const h = buf.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
    at += 512;
    files.set(name, buf.subarray(at, at + size));
    at += Math.ceil(size / 512) * 512;
  }
  return files;
}
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

function checkBundle(buf) {
  const files = untar(buf);
  const manifest = JSON.parse(files.get('manifest.json').toString('utf8'));
  assert.ok(manifest.files.length >= 4, 'the manifest lists the files');
  for (const f of manifest.files) {
    assert.ok(files.has(f.name), f.name + ' is in the bundle');
    assert.equal(sha256(files.get(f.name)), f.sha256, f.name + ' matches its SHA-256');
    assert.equal(files.get(f.name).length, f.bytes);
  }
  for (const line of files.get('SHA256SUMS').toString('utf8').trim().split('\n')) {
    const [sum, name] = line.split('  ');
    assert.equal(sha256(files.get(name)), sum, 'SHA256SUMS: ' + name);
  }
  return { files, manifest };
}

const t0 = Date.now();
const mark = (what) => console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s:   ${what}`);
async function shot(name) {
  console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: false });
}

/** The list's render count: it goes up each time the list is drawn anew. */
const listVersion = () => page.evaluate(() => Number(document.getElementById('list').dataset.version || 0));

async function openFinding(tab, account) {
  let v = await listVersion();
  if (!(await page.locator(`.tabs button[data-kind="${tab}"].active`).count())) {
    await page.click(`.tabs button[data-kind="${tab}"]`);
    await page.waitForFunction((n) => Number(document.getElementById('list').dataset.version || 0) > n, v, { polling: 100 });
    v = await listVersion();
  }
  await page.fill('[data-testid=filter-account]', account);
  await page.click('[data-testid=apply-filters]');
  await page.waitForFunction((n) => Number(document.getElementById('list').dataset.version || 0) > n, v, { polling: 100 });
  const first = page.locator('[data-testid=finding]').first();
  await first.waitFor({ timeout: 90000, polling: 100 });
  await first.click();
}

/** Waits until the drawn graph holds node `id`. */
async function graphWith(id) {
  await page.waitForFunction((x) => window.investigate.cy && window.investigate.cy.$id(x).length > 0, id, { timeout: 90000, polling: 100 });
}

async function graphNodes(min) {
  await page.waitForFunction((n) => window.investigate.cy && window.investigate.cy.nodes().length >= n, min, { timeout: 90000, polling: 100 });
  return page.evaluate(() => window.investigate.cy.nodes().map((n) => n.id()));
}

before(async () => {
  assert.ok(neo4j, 'INVESTIGATOR_TEST_NEO4J_URI must point at the test Neo4j');
  mkdirSync(shots, { recursive: true });
  const env = { ...process.env, NEO4J_URI: neo4j, INVESTIGATOR_LOG: 'info' };
  const wiped = spawnSync(bin, ['wipe', '--yes'], { env, stdio: 'inherit' });
  assert.equal(wiped.status, 0, 'wipe the test database');
  if (!token) {
    const made = spawnSync(bin, ['token', 'create', '--name', 'e2e-analyst', '--roles', 'analyst', '--replace'],
      { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    assert.equal(made.status, 0, 'create an analyst token');
    token = made.stdout.trim().split('\n').pop();
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const log = createWriteStream(join(shots, 'server.log'));
  server = spawn(bin, ['serve', '--load', join(repo, 'seed-data'), '--detect'],
    { env: { ...env, INVESTIGATOR_BIND: `127.0.0.1:${port}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const started = Date.now();
  await waitUp(base + '/readyz', 600000); // ready: findings stored and queries warm
  console.log(`# server up with seed data and findings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  profile = mkdtempSync(join(tmpdir(), 'investigator-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath, headless: true, args: FLAGS, acceptDownloads: true,
    viewport: { width: 1600, height: 950 },
  });
  page = context.pages()[0] || await context.newPage();
  // Generous: CI machines are shared; a wait that times out still fails the test.
  page.setDefaultTimeout(90000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
});

after(async () => {
  if (page) await page.screenshot({ path: join(shots, 'last.png') }).catch(() => {});
  if (context) await context.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => { server.once('exit', r); setTimeout(r, 20000); });
  }
});

test('an analyst walks the Haimen crew from the list to a downloaded bundle', async () => {
  // token first: every request carries it
  await page.goto(base + '/investigate');
  await page.fill('[data-testid=token]', token);
  await page.click('#token-save');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('investigator-token')), token);
  await page.locator('[data-testid=finding]').first().waitFor({ timeout: 90000, polling: 100 });
  const listed = await page.locator('[data-testid=finding]').count();
  assert.ok(listed >= 2, 'rings are listed: ' + listed);
  await shot('01-findings');

  // list → graph: the ring with a-du
  await openFinding('rings', 'a-du');
  await graphWith('a-du');
  const ids = await graphNodes(4);
  for (const a of ['a-du', 'a-qiu', 'a-zhang']) assert.ok(ids.includes(a), a + ' is drawn: ' + ids);
  assert.match(await page.textContent('#view-title'), /^Ring ring-/);
  const money = await page.evaluate(() => window.investigate.cy.edges('[money]').map((e) => e.data('label')));
  assert.ok(money.some((l) => /\d+\.\d\d CNY · 2017-/.test(l)), 'money edges carry amount and time: ' + money);
  const roles = await page.evaluate(() => window.investigate.cy.$id('a-du').data('role'));
  assert.equal(roles, 'ORGANIZER');
  await shot('02-ring-graph');

  // click a node: its record; expand its neighbourhood
  mark('tap a-du');
  await page.evaluate(() => { window.investigate.cy.$id('a-du').emit('tap'); });
  await page.waitForFunction(() => document.querySelector('[data-testid=record]').textContent.includes('account role'), null, { polling: 100 });
  assert.match(await page.textContent('[data-testid=record]'), /Account a-du/);
  mark('record shown');
  const before = await page.evaluate(() => window.investigate.cy.elements().length);
  await page.click('#expand');
  mark('expand clicked');
  await page.waitForFunction((n) => window.investigate.cy.elements().length > n, before, { timeout: 90000, polling: 100 }).catch(() => {});
  await shot('03-record-expanded');

  // lineage as a layered DAG from one of the Hangzhou operatives
  await openFinding('rings', 'a-hz-op1');
  mark('hz ring opened');
  await graphWith('a-hz-op1');
  mark('hz graph drawn');
  await page.evaluate(() => { window.investigate.cy.$id('a-hz-op1').emit('tap'); });
  await page.waitForFunction(() => !document.getElementById('lineage').disabled, null, { polling: 100 });
  mark('lineage enabled');
  await page.click('#lineage');
  await page.waitForFunction(() => document.getElementById('view-title').textContent === 'Lineage from a-hz-op1', null, { timeout: 90000, polling: 100 });
  const lineage = await graphNodes(3);
  assert.ok(lineage.includes('a-hz-organizer'), 'the organizer is in the lineage: ' + lineage);
  await shot('04-lineage-dag');

  // an incident as a timeline of its four steps
  await openFinding('incidents', 'a-du');
  await page.waitForFunction(() => document.getElementById('view-title').textContent.startsWith('Incident '), null, { timeout: 90000, polling: 100 });
  await page.locator('[data-testid=timeline-step]').first().waitFor({ timeout: 90000, polling: 100 });
  assert.equal(await page.locator('[data-testid=timeline-step]').count(), 4);
  assert.match(await page.textContent('[data-testid=timeline]'), /negative review[\s\S]*contact[\s\S]*payment[\s\S]*withdrawal/);
  await shot('05-incident-timeline');

  // the insider: evidence capped on screen, and the page says the bundle holds all of it
  const v = await listVersion();
  await page.click('.tabs button[data-kind="insiders"]');
  await page.waitForFunction((n) => Number(document.getElementById('list').dataset.version || 0) > n, v, { polling: 100 });
  await page.locator('[data-testid=finding]').first().waitFor({ timeout: 90000 });
  await page.locator('[data-testid=finding]').first().click();
  await page.waitForFunction(() => document.getElementById('view-title').textContent === 'Insider a-staff-insider', null, { timeout: 90000, polling: 100 });
  await graphWith('a-staff-insider');
  assert.match(await page.textContent('#view-sub'), /the bundle holds all/);
  await shot('05b-insider');

  // back to the crew: open a case, note it, confirm it
  await openFinding('rings', 'a-du');
  await graphWith('a-du');
  await page.waitForFunction(() => document.getElementById('view-title').textContent.startsWith('Ring '), null, { polling: 100 });
  await page.fill('[data-testid=case-title]', 'Haimen crew: Du, Qiu, Zhang');
  await page.click('#case-open-btn');
  await page.locator('[data-testid=case-id]').waitFor({ timeout: 90000, polling: 100 });
  const caseId = await page.textContent('[data-testid=case-id]');
  assert.match(caseId, /^case-/);
  await page.fill('[data-testid=note-text]', 'Five owners paid a-du; reviews withdrawn within a day.');
  await page.click('#note-btn');
  await page.waitForFunction(() => document.querySelector('[data-testid=notes]').textContent.includes('Five owners'), null, { polling: 100 });
  await page.selectOption('[data-testid=status-select]', 'CONFIRMED');
  await page.click('#status-btn');
  await page.waitForFunction(() => document.querySelector('[data-testid=case-status]').textContent === 'confirmed', null, { polling: 100 });
  await shot('06-case');

  // download the case bundle and check it
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=case-bundle]')]);
  assert.match(download.suggestedFilename(), /^evidence-case-case-.*\.tar$/);
  const bundle = readFileSync(await download.path());
  const { files, manifest } = checkBundle(bundle);
  assert.equal(manifest.subject.kind, 'case');
  assert.equal(manifest.subject.id, caseId);
  const caseJson = JSON.parse(files.get('case.json').toString('utf8'));
  assert.equal(caseJson.status, 'confirmed');
  assert.match(caseJson.notes[0].text, /Five owners/);
  const evidence = JSON.parse(files.get('evidence.json').toString('utf8'));
  assert.ok(evidence.nodes.some((n) => n.id === 'a-du'), 'the crew is in the evidence');
  assert.ok(files.get('graph.graphml').toString('utf8').includes('<graphml'));
  await page.waitForFunction(() => document.querySelector('[data-testid=bundle-info]').textContent.includes('sha256'), null, { polling: 100 });

  // the finding's own bundle too
  const [d2] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=finding-bundle]')]);
  checkBundle(readFileSync(await d2.path()));
  await shot('07-bundle-downloaded');

  // the case is listed under Cases
  const vc = await listVersion();
  await page.click('.tabs button[data-kind="cases"]');
  await page.waitForFunction((n) => Number(document.getElementById('list').dataset.version || 0) > n, vc, { polling: 100 });
  await page.waitForFunction((id) => document.querySelector('[data-testid=findings-list]').textContent.includes(id), caseId, { polling: 100 });
  await shot('08-cases');

  assert.deepEqual(pageErrors, [], 'no errors in the page');
});
