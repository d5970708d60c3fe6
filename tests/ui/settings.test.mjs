import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, CENTERS } from './harness.mjs';

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

const SESSION = {
  mode: 'employee', base_url: 'https://api.zenoti.com', user_name: 'frontdesk',
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};

function backend(overrides = {}) {
  const all = {
    app_settings: () => ({ base_url: '', sign_in_hint: {} }),
    restore_session: () => SESSION,
    list_centers: () => CENTERS,
    open_catalog: () => null,
    list_categories: () => [],
    about: () => ({
      build: { version: '0.1.0', commit: 'abc1234', profile: 'release', platform: 'linux x86_64' },
      base_url: 'https://api.zenoti.com', mode: 'employee', log_dir: '/home/desk/.local/share/com.frontdesk.client/logs',
    }),
    export_support_bundle: () => '/home/desk/Downloads/front-desk-support-2026-11-22-150500.zip',
    ...overrides,
  };
  return (cmd, args) => {
    if (!all[cmd]) throw { code: 'internal', message: `no mock for ${cmd}`, detail: null };
    return all[cmd](args ?? {});
  };
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
