import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, CENTERS, SETTINGS, catalog, catalogEvents, stream, answering } from './harness.mjs';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

/** @type {SessionInfo} */
const API_SESSION = { mode: 'api_key', base_url: 'https://api.zenoti.com', user_name: null, center: null, locked: false, can_unlock: false };
/** @type {SessionInfo} */
const WITH_CENTER = { ...API_SESSION, center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' } };

/**
 * A backend with no saved session; `overrides` replace single commands.
 * @param {Mocks} [overrides]
 */
function backend(overrides = {}) {
  /** @type {Mocks} */
  const base = {
    app_settings: () => SETTINGS,
    restore_session: () => null,
    sign_in: () => API_SESSION,
    start_demo: () => ({ ...API_SESSION, mode: 'demo', base_url: 'http://127.0.0.1:4000' }),
    sign_out: () => null,
    list_centers: () => CENTERS,
    select_center: ({ center }) => ({ ...API_SESSION, center }),
    open_catalog: ({ centerId }) => stream(catalogEvents(catalog(1240, centerId))),
    list_categories: () => [{ id: 'cat-massage', code: 'MASSAGE', name: 'Massage' }, { id: 'cat-skin', code: 'SKIN', name: 'Skin Care' }],
  };
  const all = { ...base, ...overrides };
  return answering(all);
}

test('the sign-in screen focuses the API key and refuses empty fields without calling the backend', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.getByRole('heading', { name: 'Sign in to Zenoti' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'apiKey');
  await app.shot('sign-in');
  await page.keyboard.press('Enter');
  await page.getByText('Enter the API key.').waitFor();
  await page.fill('#apiKey', '   ');
  await page.keyboard.press('Enter');
  await page.getByText('Enter the API key.').waitFor();

  await page.selectOption('#dataCenter', 'custom');
  await page.fill('#apiKey', 'abc');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText('Enter the data-center address.').waitFor();
  assert.equal(app.named('sign_in').length, 0);
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('the employee form asks for each missing field', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.getByRole('tab', { name: 'Employee login' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'accountName');
  await page.keyboard.press('Enter');
  for (const text of ['Enter the account name.', 'Enter your user name.', 'Enter your password.', 'Enter the app id.', 'Enter the app secret.']) {
    await page.getByText(text).waitFor();
  }
  assert.equal(app.named('sign_in').length, 0);
  await page.fill('#accountName', 'serenity');
  await page.fill('#userName', 'frontdesk');
  await page.fill('#password', 'pw');
  await page.fill('#appId', 'app');
  await page.fill('#appSecret', 'secret');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Choose your center' }).waitFor();
  assert.deepEqual(app.named('sign_in')[0].args.request, {
    method: 'employee', base_url: 'https://api.zenoti.com', account_name: 'serenity', user_name: 'frontdesk',
    password: 'pw', app_id: 'app', app_secret: 'secret',
  });
  await page.close();
});

test('a refused sign-in shows the message, its details, and keeps the form', async () => {
  const app = await harness.open(backend({
    sign_in: () => { throw { code: 'unauthorized', message: 'Zenoti refused the sign-in: "Authorization has been denied for this request." Check the API key or the employee login, then sign in again.', detail: 'Zenoti refused the credentials' }; },
  }));
  const { page } = app;
  await page.fill('#apiKey', 'wrong-key');
  await page.keyboard.press('Enter');
  const banner = page.getByRole('alert');
  await banner.getByText('Check the API key').waitFor();
  assert.equal(await banner.getAttribute('data-code'), 'unauthorized');
  await banner.getByRole('button', { name: 'Details' }).click();
  await banner.getByText('unauthorized: Zenoti refused the credentials').waitFor();
  assert.equal(await page.inputValue('#apiKey'), 'wrong-key');
  await app.shot('sign-in-error');
  await page.close();
});

test('sign in with Enter, pick a center, see its catalog with prices in its currency', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.fill('#apiKey', 'the-key');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Choose your center' }).waitFor();
  assert.deepEqual(app.named('sign_in')[0].args.request, { method: 'api_key', base_url: 'https://api.zenoti.com', api_key: 'the-key' });
  await page.getByText('Serenity Spa - Queen Street').waitFor();
  await app.shot('centers');

  await page.fill('input[aria-label="Filter centers"]', 'lakeside');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Packages' }).waitFor();
  assert.deepEqual(app.named('select_center')[0].args.center, { id: 'c-2', name: 'Serenity Med Spa - Lakeside', currency: 'USD', culture: 'en-US' });
  await page.getByText('1,240 packages at Serenity Med Spa - Lakeside').waitFor();
  await page.fill('input[aria-label="Search packages"]', 'PKG-0001');
  await page.getByText('$101.50').waitFor();
  assert.equal(app.named('open_catalog')[0].args.centerId, 'c-2');
  await page.close();
});

test('a saved session with a center opens straight on its packages; sign out returns to sign-in', async () => {
  const app = await harness.open(backend({ restore_session: () => WITH_CENTER }));
  const { page } = app;
  await page.getByText('1,240 packages at Serenity Day Spa - Downtown').waitFor();
  await app.shot('catalog');
  await page.getByRole('button', { name: 'Change center' }).click();
  await page.getByRole('heading', { name: 'Choose your center' }).waitFor();
  await page.locator('.center.current').getByText('Current').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Zenoti' }).waitFor();
  assert.equal(app.named('sign_out').length, 1);
  await page.close();
});

test('the demo starts from the sign-in screen and is labelled as a demo', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.getByTestId('try-demo').click();
  await page.getByRole('heading', { name: 'Choose your center' }).waitFor();
  await page.locator('.mode.demo').getByText('Demo').waitFor();
  assert.equal(app.named('start_demo').length, 1);
  await page.close();
});

test('a failing catalog shows what to do and retries; an empty center says so', async () => {
  let fail = true;
  const app = await harness.open(backend({
    restore_session: () => WITH_CENTER,
    open_catalog: () => {
      if (fail) {
        fail = false;
        return stream([{ kind: 'failed', error: { code: 'network', message: 'Could not reach Zenoti. Check the internet connection and the data-center address, then try again.', detail: 'connection refused' } }]);
      }
      return stream(catalogEvents([]));
    },
  }));
  const { page } = app;
  await page.getByText('Could not reach Zenoti.').waitFor();
  await app.shot('catalog-error');
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByText('This center has no packages in Zenoti yet.').waitFor();
  await page.close();
});

test('a failing center list offers a retry', async () => {
  let fail = true;
  const app = await harness.open(backend({
    restore_session: () => API_SESSION,
    list_centers: () => {
      if (fail) { fail = false; throw { code: 'rate_limited', message: 'Zenoti is busy: your organization made too many requests. Wait 30 seconds and try again.', detail: null }; }
      return CENTERS;
    },
  }));
  const { page } = app;
  await page.getByText('Zenoti is busy').waitFor();
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByText('Serenity Day Spa - Downtown').waitFor();
  await page.close();
});

test('an error the UI does not know is still shown plainly', async () => {
  const app = await harness.open(backend({ start_demo: () => { throw new Error('boom'); } }));
  const { page } = app;
  await page.getByTestId('try-demo').click();
  const banner = page.getByRole('alert');
  await banner.getByText('Something went wrong inside Front Desk').waitFor();
  assert.equal(await banner.getAttribute('data-code'), 'internal');
  await page.close();
});
