// The installed Front Desk updating itself, driven through WebDriver. Run by tests/e2e/update.sh,
// which builds and installs version N and leaves a signed N+1 in UPDATE_DIR; this file serves
// them on loopback the way an update server would, one manifest at a time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { App } from './webdriver.mjs';

const { APP, E2E_OUT, HOME, PKEXEC_LOG, UPDATE_PORT, UPDATE_DIR, UPDATE_FROM, UPDATE_TO } = process.env;
for (const [k, v] of Object.entries({ APP, E2E_OUT, HOME, PKEXEC_LOG, UPDATE_PORT, UPDATE_DIR, UPDATE_FROM, UPDATE_TO })) {
  assert.ok(v, `${k} is not set: run tests/e2e/update.sh`);
}

const PLATFORM = 'linux-x86_64-deb';
const debName = `frontdesk_${UPDATE_TO}_amd64.deb`;
const deb = readFileSync(join(UPDATE_DIR, debName));
const signature = readFileSync(join(UPDATE_DIR, `${debName}.sig`), 'utf8').trim();
// The installed version's own package, validly signed, but for the older version.
const olderDebName = `frontdesk_${UPDATE_FROM}_amd64.deb`;
const olderDeb = readFileSync(join(UPDATE_DIR, olderDebName));
const olderSignature = readFileSync(join(UPDATE_DIR, `${olderDebName}.sig`), 'utf8').trim();
// The same package with a few bytes changed on the way: its signature no longer matches.
const tampered = Buffer.from(deb);
for (let i = tampered.length - 4096; i < tampered.length - 4000; i++) tampered[i] ^= 0xff;

const base = `http://127.0.0.1:${UPDATE_PORT}`;
let manifest = null;
const requests = [];
const server = createServer((req, res) => {
  requests.push(`${req.method} ${req.url}`);
  const body = req.url === '/latest.json' ? JSON.stringify(manifest)
    : req.url === `/${debName}` ? deb
    : req.url === '/tampered.deb' ? tampered
    : req.url === `/${olderDebName}` ? olderDeb
    : null;
  if (!body || !manifest) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': req.url.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
  res.end(body);
});

function release(version, platforms) {
  return { version, notes: `Front Desk ${version}`, pub_date: '2026-11-22T12:00:00Z', platforms };
}

const installedVersion = () => execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'front-desk'], { encoding: 'utf8' });
const appPids = () => {
  try {
    return execFileSync('pgrep', ['-x', 'frontdesk'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every line of the app's log files. */
function appLog() {
  const dir = join(HOME, '.local/share/com.frontdesk.client/logs');
  if (!existsSync(dir)) return '';
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
}

let app;
after(async () => {
  await app?.quit();
  server.close();
  console.log(`update server requests:\n  ${requests.join('\n  ')}`);
});

/** The version on the About card, once it has loaded. */
const aboutVersion = () =>
  app.until('the About card', () => app.execute('return document.querySelector("[data-testid=about-version]")?.innerText'));

/** Checks now, waits for that check's answer (not the last one's), and expects `text` in it. */
async function checkAndExpect(text) {
  const status = '[data-testid=update-status]';
  const before = await app.execute(`return document.querySelector('${status}')?.dataset.checkedAt ?? ''`);
  await app.click('Check for updates');
  await app.until('the check to finish', () =>
    app.execute(`const p = document.querySelector('${status}');
      return p && p.dataset.checkedAt !== arguments[0] && p.getAttribute('aria-busy') !== 'true';`, before), 30_000);
  const shown = await app.execute(`return document.querySelector('${status}').innerText`);
  assert.ok(shown.includes(text), `after the check: "${shown}", expected "${text}"`);
}

test(`version ${UPDATE_FROM} refuses what it must, then updates itself to ${UPDATE_TO} and relaunches`, async () => {
  assert.equal(installedVersion(), UPDATE_FROM);
  app = await App.launch(APP, E2E_OUT);
  await app.waitForText('Sign in to Zenoti', 30_000);
  await app.click('Try the demo');
  await app.waitForText('Choose your center');
  await app.click('//button[contains(., "Serenity Day Spa - Downtown")]');
  await app.waitForText('1,240 packages at Serenity Day Spa - Downtown');
  await app.click('Settings');
  const about = await aboutVersion();
  assert.match(about, new RegExp(`^${UPDATE_FROM.replaceAll('.', '\\.')}\\b`));

  // Nobody answers at the update address.
  await checkAndExpect('The update server could not be reached');
  console.log('refused: unreachable server');

  await new Promise((resolve) => server.listen(Number(UPDATE_PORT), '127.0.0.1', resolve));

  // A release for other computers only.
  manifest = release(UPDATE_TO, { 'windows-x86_64': { url: `${base}/${debName}`, signature } });
  await checkAndExpect('has no Front Desk for this kind of computer');
  console.log('refused: manifest without linux-x86_64');

  // An older version, correctly signed for this platform: never offered.
  const [major, minor, patch] = UPDATE_FROM.split('.').map(Number);
  const older = patch > 0 ? `${major}.${minor}.${patch - 1}` : minor > 0 ? `${major}.${minor - 1}.9` : `${major - 1}.9.9`;
  manifest = release(older, { [PLATFORM]: { url: `${base}/${debName}`, signature } });
  await checkAndExpect(`offers Front Desk ${older}, older than this one (${UPDATE_FROM})`);
  await app.screenshot('u0-older-offered');
  console.log(`refused: downgrade to ${older} (not offered, and said so)`);

  // The new version announced with an older package, signed for the older version (the
  // downgrade of CVE-2026-95625): the signed version must match the announced one.
  manifest = release(UPDATE_TO, { [PLATFORM]: { url: `${base}/${olderDebName}`, signature: olderSignature } });
  await checkAndExpect(`Front Desk ${UPDATE_TO} is ready to install`);
  await app.click('Restart to update');
  await app.waitForText('signed for another version than it announced', 60_000);
  await app.screenshot('u1-older-signed-package');
  assert.equal(installedVersion(), UPDATE_FROM, 'an older package was installed under a newer version');
  assert.ok(!existsSync(PKEXEC_LOG), 'the installer ran for an older package');
  console.log(`refused: ${UPDATE_TO} announced with ${UPDATE_FROM}'s signed package; nothing installed`);

  // The new version announced, but the package served is not the one signed.
  manifest = release(UPDATE_TO, { [PLATFORM]: { url: `${base}/tampered.deb`, signature } });
  await checkAndExpect(`Front Desk ${UPDATE_TO} is ready to install`);
  await app.click('Restart to update');
  await app.waitForText("signature does not match Front Desk's key", 60_000);
  await app.screenshot('u1-bad-signature');
  assert.equal(installedVersion(), UPDATE_FROM, 'a tampered package was installed');
  assert.ok(!existsSync(PKEXEC_LOG), 'the installer ran for a tampered package');
  console.log('refused: tampered package (signature mismatch); nothing installed');

  // The app kept working: it still reads Zenoti.
  await app.click('Packages');
  await app.waitForText('1,240 packages at Serenity Day Spa - Downtown');
  await app.click('Settings');

  // The real thing.
  manifest = release(UPDATE_TO, { [PLATFORM]: { url: `${base}/${debName}`, signature } });
  await checkAndExpect(`Front Desk ${UPDATE_TO} is ready to install`);
  await app.screenshot('u2-update-ready');
  const [before] = appPids();
  assert.ok(before, 'the app is not running');
  const started = Date.now();
  // The click's answer may never come: the app restarts under the driver.
  await app.click('Restart to update').catch(() => {});
  let relaunched;
  for (let i = 0; i < 600 && !relaunched; i++) {
    await sleep(100);
    const pids = appPids();
    if (!pids.includes(before) && pids.length === 1) relaunched = pids[0];
  }
  assert.ok(relaunched, `Front Desk did not relaunch (running: ${appPids().join(', ') || 'none'})`);
  console.log(`installed and relaunched in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${before} -> ${relaunched})`);
  assert.equal(installedVersion(), UPDATE_TO);
  assert.match(readFileSync(PKEXEC_LOG, 'utf8'), /^pkexec dpkg -i \S+\.deb$/m);
  // The relaunched process is the new version: it says so as it starts.
  for (let i = 0; i < 100 && !appLog().includes(`version: "${UPDATE_TO}"`); i++) await sleep(100);
  assert.ok(appLog().includes(`version: "${UPDATE_TO}"`), `the relaunched app did not log version ${UPDATE_TO}`);
  assert.ok(appLog().includes('update installed; restarting'));

  // Its own About screen, in a fresh session (the driver lost the first one at the restart).
  await app.quit();
  app = undefined;
  execFileSync('pkill', ['-x', 'frontdesk']);
  for (let i = 0; i < 50 && appPids().length; i++) await sleep(100);
  app = await App.launch(APP, E2E_OUT);
  await app.waitForText('Sign in to Zenoti', 30_000);
  await app.click('Try the demo');
  await app.waitForText('1,240 packages at Serenity Day Spa - Downtown');
  await app.click('Settings');
  const aboutAfter = await aboutVersion();
  assert.match(aboutAfter, new RegExp(`^${UPDATE_TO.replaceAll('.', '\\.')}\\b`));
  await checkAndExpect(`Front Desk ${UPDATE_TO} is up to date`);
  await app.screenshot('u3-after-update');
  console.log(`About after the update: ${aboutAfter}`);
});
