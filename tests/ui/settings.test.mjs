import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stream, answering, signedIn, SETTINGS } from './harness.mjs';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */
/** @typedef {import('./mocks').UpdateStatus} UpdateStatus */

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

/** @type {SessionInfo} */
const SESSION = {
  mode: 'employee', base_url: 'https://api.zenoti.com', user_name: 'frontdesk', locked: false, can_unlock: true,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};

/** @param {Mocks} [overrides] */
function backend(overrides = {}) {
  /** @type {Mocks} */
  const all = {
    ...signedIn(SESSION),
    about: () => ({
      build: { version: '0.1.0', commit: 'abc1234', profile: 'release', platform: 'linux x86_64' },
      base_url: 'https://api.zenoti.com', mode: 'employee', log_dir: '/home/desk/.local/share/com.frontdesk.client/logs',
    }),
    export_support_bundle: () => '/home/desk/Downloads/front-desk-support-2026-11-22-150500.zip',
    update_status: () => ({ current_version: '0.1.0', available: null, checked_at: null, error: null, older_offered: null, disabled: null }),
    ...overrides,
  };
  return answering(all);
}

test('Settings shows the version, the data center and the sign-in, and exports a support bundle', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  const about = page.getByRole('article', { name: 'About Front Desk' });
  await about.getByText('0.1.0 (abc1234)').waitFor();
  const text = await about.innerText();
  assert.match(text, /Data center\s+https:\/\/api\.zenoti\.com/);
  assert.match(text, /Signed in with\s+Employee login/);
  await page.getByRole('button', { name: 'Export support bundle' }).click();
  await page.getByRole('status').getByText('/home/desk/Downloads/front-desk-support-2026-11-22-150500.zip').waitFor();
  await app.shot('settings');
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('a support bundle that cannot be written says so', async () => {
  const app = await harness.open(backend({
    export_support_bundle: () => { throw { code: 'settings_error', message: 'The support bundle could not be written to that folder. Check the disk, then try again.', detail: null }; },
  }));
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Export support bundle' }).click();
  await page.getByText('The support bundle could not be written').waitFor();
  await page.close();
});

test('after ten idle minutes the workstation locks; the password unlocks it; activity postpones it', async () => {
  let locked = false;
  const app = await harness.open(backend({
    lock: () => { locked = true; return { ...SESSION, locked: true, can_unlock: true }; },
    unlock: ({ secret }) => {
      if (secret !== 'demo-pass') throw { code: 'unlock_refused', message: 'That is not the password or PIN of this workstation. 4 tries left before Front Desk signs out.', detail: null };
      locked = false;
      return { ...SESSION, locked: false, can_unlock: true };
    },
  }), { beforeLoad: (page) => page.clock.install() });
  const { page } = app;
  await page.getByText('1,240').or(page.getByRole('button', { name: 'Settings' })).first().waitFor();
  // Activity at nine minutes postpones the lock.
  await page.clock.fastForward('09:00');
  await page.mouse.move(200, 200);
  await page.mouse.move(300, 300);
  await page.clock.fastForward('05:00');
  assert.equal(app.named('lock').length, 0, 'locked although the desk was in use');
  await page.clock.fastForward('06:00');
  const lock = page.getByRole('dialog', { name: 'Front Desk is locked' });
  await lock.waitFor();
  assert.match(await lock.innerText(), /Unlock it as frontdesk/);
  await app.shot('idle-lock');
  await page.keyboard.type('nope');
  await page.keyboard.press('Enter');
  await lock.getByText('4 tries left').waitFor();
  await page.keyboard.type('demo-pass');
  await page.keyboard.press('Enter');
  await lock.waitFor({ state: 'detached' });
  assert.equal(locked, false);
  assert.deepEqual(app.named('unlock').map((c) => c.args.secret), ['nope', 'demo-pass']);
  await page.close();
});

test('the demo never locks, and the idle minutes and PIN are set in Settings', async () => {
  const app = await harness.open(backend({
    restore_session: () => ({ ...SESSION, mode: 'api_key', user_name: null, can_unlock: false }),
    set_idle_lock_minutes: () => null,
    set_workstation_pin: () => ({ ...SESSION, mode: 'api_key', user_name: null, can_unlock: true }),
  }));
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByText('Without a PIN, a locked workstation can only be signed out.').waitFor();
  await page.getByLabel('Lock after').selectOption('5');
  await page.getByLabel('Set a workstation PIN (4 to 8 digits)').fill('2468');
  await page.keyboard.press('Enter');
  await page.getByText('The PIN is saved').waitFor();
  assert.deepEqual(app.named('set_idle_lock_minutes').map((c) => c.args.minutes), [5]);
  assert.deepEqual(app.named('set_workstation_pin').map((c) => c.args.pin), ['2468']);
  await page.close();

  const demo = await harness.open(backend({ restore_session: () => ({ ...SESSION, mode: 'demo' }) }), { beforeLoad: (p) => p.clock.install() });
  await demo.page.getByRole('button', { name: 'Settings' }).waitFor();
  await demo.page.clock.fastForward('30:00');
  assert.equal(demo.named('lock').length, 0);
  await demo.page.close();
});

test('an update is checked for, announced, downloaded with progress, and refused while a redemption is sent', async () => {
  const READY = { current_version: '0.1.0', available: { version: '0.2.0', notes: 'Faster catalog', date: null }, checked_at: '2026-11-22T15:00:00Z', error: null, older_offered: null, disabled: null };
  // The server first offers an older version: never installed, and said so.
  const OLDER = { ...READY, available: null, older_offered: '0.0.9', checked_at: '2026-11-22T14:00:00Z' };
  let checks = 0;
  let busy = true;
  const app = await harness.open(backend({
    update_status: () => ({ current_version: '0.1.0', available: null, checked_at: null, error: null, older_offered: null, disabled: 'Development builds do not update themselves.' }),
    check_for_update: () => (checks++ === 0 ? OLDER : READY),
    install_update: () => {
      if (busy) { busy = false; throw { code: 'update_failed', message: 'A redemption is being sent. Wait for its result, then restart to update.', detail: null }; }
      return stream([{ kind: 'downloading', received: 512, total: 1024 }, { kind: 'installing' }], { delayMs: 700, holdMs: 700 });
    },
    set_update_endpoint: ({ endpoint }) => {
      if (!endpoint.startsWith('https://')) throw { code: 'invalid_input', message: 'Type the full update address, starting with https://, or leave it empty for the built-in one.', detail: null };
    },
  }));
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('update-status').getByText('Development builds do not update themselves.').waitFor();
  await page.getByRole('button', { name: 'Check for updates' }).click();
  await page.getByText('The update server offers Front Desk 0.0.9, older than this one (0.1.0). Front Desk never installs an older version').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Restart to update' }).count(), 0);
  await app.shot('settings-update-older');
  await page.getByRole('button', { name: 'Check for updates' }).click();
  await page.getByText('Front Desk 0.2.0 is ready to install').waitFor();
  await page.getByRole('button', { name: 'Restart to update' }).click();
  await page.getByText('A redemption is being sent. Wait for its result').waitFor();
  await page.getByRole('button', { name: 'Restart to update' }).click();
  await page.getByText('Downloading… 50 %').waitFor();
  await page.getByText('Installing…').waitFor();
  await app.shot('settings-update');
  await page.getByLabel(/Update address/).fill('http://updates.example/latest.json');
  await page.getByLabel(/Update address/).press('Enter');
  await page.getByText('starting with https://').waitFor();
  await page.close();
});

test('an update found in the background is announced in the top bar', async () => {
  const app = await harness.open(backend({
    update_status: () => ({ current_version: '0.1.0', available: { version: '0.2.0', notes: null, date: null }, checked_at: '2026-11-22T15:00:00Z', error: null, older_offered: null, disabled: null }),
  }));
  const { page } = app;
  await page.getByRole('button', { name: 'Update 0.2.0 ready' }).click();
  await page.getByText('Front Desk 0.2.0 is ready to install').waitFor();
  await page.close();
});

test('the payment check is set in Settings, from 15 to 600 seconds', async () => {
  let fail = true;
  const app = await harness.open(backend({
    app_settings: () => ({ ...SETTINGS, payment_check_seconds: 90 }),
    set_payment_check_seconds: ({ seconds }) => {
      if (fail) {
        fail = false;
        throw /** @type {import('./mocks').IpcError} */ ({ code: 'settings_error', message: 'The settings could not be saved. Check the disk, then try again.', detail: 'Permission denied (os error 13)' });
      }
      assert.ok(seconds >= 15 && seconds <= 600);
    },
  }));
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  const card = page.getByRole('article', { name: 'Payment check' });
  await card.getByText('How long Front Desk keeps checking Zenoti when the answer to a redemption is lost.').waitFor();
  await page.waitForFunction(() => /** @type {HTMLInputElement | null} */ (document.querySelector('#paymentCheckSeconds'))?.value === '90');
  // Out of range: said at once, nothing is saved.
  await page.getByLabel('Check for').fill('10');
  await page.getByLabel('Check for').press('Enter');
  await card.getByText('Type whole seconds from 15 to 600.').waitFor();
  assert.equal(app.named('set_payment_check_seconds').length, 0);
  // Rust's refusal is shown as it says it.
  await page.getByLabel('Check for').fill('120');
  await page.getByLabel('Check for').press('Enter');
  await card.getByText('The settings could not be saved.').waitFor();
  await page.getByLabel('Check for').press('Enter');
  await card.getByRole('status').getByText('Saved: a lost answer is checked for 120 seconds.').waitFor();
  assert.equal(await card.getByRole('alert').count(), 0);
  assert.deepEqual(app.named('set_payment_check_seconds').map((c) => c.args), [{ seconds: 120 }, { seconds: 120 }]);
  await card.evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await app.shot('settings-payment-check');
  await page.close();
});
