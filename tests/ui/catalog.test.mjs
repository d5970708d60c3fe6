import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, CENTERS, SETTINGS, catalog, catalogEvents, stream, answering } from './harness.mjs';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */
/** @typedef {import('./mocks').Guest} Guest */

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

/** @type {SessionInfo} */
const SESSION = {
  mode: 'api_key', base_url: 'https://api.zenoti.com', user_name: null, locked: false, can_unlock: false,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};
// As Zenoti sends them: no center name (the app names the home center from the centers list,
// by an id in any letter case).
/** @type {Guest[]} */
const GUESTS = [
  { id: 'g-anna', code: 'G10000', center_id: 'C-1', center_name: null,
    personal_info: { first_name: 'Anna', last_name: 'Garcia', email: 'anna@example.com', mobile_phone: { country_code: 1, number: '5125551000', display_number: null } } },
  { id: 'g-andy', code: 'G10001', center_id: 'c-1', center_name: null,
    personal_info: { first_name: 'Andy', last_name: 'Kim', email: null, mobile_phone: null } },
];

/** @param {Mocks} [overrides] */
function backend(overrides = {}) {
  const packages = catalog(1240);
  /** @type {Mocks} */
  const all = {
    app_settings: () => SETTINGS,
    restore_session: () => SESSION,
    list_centers: () => CENTERS,
    open_catalog: () => stream(catalogEvents(packages), { delayMs: 5 }),
    list_categories: () => [{ id: 'cat-massage', code: 'MASSAGE', name: 'Massage' }, { id: 'cat-skin', code: 'SKIN', name: 'Skin Care' }],
    search_guests: ({ text }) => {
      const guests = GUESTS.filter((g) => (g.personal_info?.first_name ?? '').toLowerCase().startsWith(text.toLowerCase()));
      return { guests, page_info: { total: guests.length, page: 1, size: 20 } };
    },
    member_prices: ({ guestId }) => packages.map((p, i) => ({ package_id: p.id, price: guestId === 'g-anna' && i % 2 === 0 ? '42.00' : null })),
    gift_card_packages: () => packages.filter((p) => p.type === 'Day' && Number(p.id.slice(2)) % 3 === 0).map((p) => p.id),
    ...overrides,
  };
  return answering(all);
}

const status = (page) => page.getByTestId('catalog-status').innerText();

test('the catalog streams in with progress, then search and filters combine', async () => {
  // Pages 40 ms apart: the progress line is on screen long enough to be seen on a busy machine.
  const app = await harness.open(backend({ open_catalog: () => stream(catalogEvents(catalog(1240)), { delayMs: 40 }) }));
  const { page } = app;
  await page.getByText(/Loaded [\d,]+ of 1,240/).waitFor();
  await page.getByText('1,240 packages at Serenity Day Spa - Downtown').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Search packages');

  await page.keyboard.type('hydra');
  await page.getByText('Showing 248 of 1,240 packages').waitFor();
  await page.selectOption('select[aria-label="Package type"]', 'Series');
  await page.getByText('Showing 62 of 1,240 packages').waitFor();
  await page.getByLabel('Active only').check();
  await page.getByText('Showing 62 of 1,240 packages').waitFor();
  await page.selectOption('select[aria-label="Series type"]', 'Offer');
  await page.getByText('Showing 20 of 1,240 packages').waitFor();
  await page.selectOption('select[aria-label="Category"]', 'cat-skin');
  await page.getByText('Showing 0 of 1,240 packages').waitFor();
  await page.getByText('No package matches "hydra" with 4 filters on.').waitFor();
  await app.shot('catalog-empty-result');
  await page.getByRole('button', { name: 'Clear the search and filters' }).click();
  await page.getByText('1,240 packages at Serenity Day Spa - Downtown').waitFor();
  assert.equal(await page.inputValue('input[aria-label="Search packages"]'), '');
  await page.close();
});

test('sorting by price, and the gift-card filter asks Zenoti once', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.getByText('1,240 packages at Serenity Day Spa - Downtown').waitFor();
  await page.selectOption('select[aria-label="Sort"]', 'price-desc');
  const top = await page.locator('.row .num').first().innerText();
  assert.equal(top, '$1,340.50');
  await page.getByLabel('Sold as gift card').check();
  await page.getByText(/Showing 103 of 1,240 packages/).waitFor();
  await page.getByLabel('Sold as gift card').uncheck();
  await page.getByLabel('Sold as gift card').check();
  await page.getByText(/Showing 103 of 1,240 packages/).waitFor();
  assert.equal(app.named('gift_card_packages').length, 1);
  await page.close();
});

test('a series package shows everything needed to sell it; arrows move through the list', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.getByText('1,240 packages at Serenity Day Spa - Downtown').waitFor();
  await page.fill('input[aria-label="Search packages"]', 'PKG-0005');
  await page.getByRole('option', { name: /Series 5/ }).click();
  const details = page.getByRole('complementary', { name: 'Package details' });
  await details.getByRole('heading', { name: 'Signature Facial Series 5' }).waitFor();
  assert.equal(await details.getByTestId('detail-price').innerText(), '$105.50');
  assert.equal(await details.getByTestId('detail-validity').innerText(), '180 days from the first redemption');
  assert.equal(await details.getByTestId('detail-otp').innerText(), 'No');
  await details.getByText('3 instalments every 1 month').waitFor();
  await details.getByText('6 × Signature Facial').waitFor();
  await details.getByText('Non-refundable.').waitFor();
  await details.getByText('30 days').waitFor();
  await app.shot('catalog-details');
  await page.fill('input[aria-label="Search packages"]', 'Signature Facial Series');
  await page.getByRole('option', { name: /^Signature Facial Series 5 PKG/ }).click();
  await page.keyboard.press('ArrowDown');
  await details.getByRole('heading', { name: 'Signature Facial Series 25' }).waitFor();
  await details.getByRole('button', { name: 'Close details' }).click();
  await details.waitFor({ state: 'detached' });
  await page.close();
});

test('member prices for a guest found by name, and back to regular prices', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.getByText('1,240 packages at Serenity Day Spa - Downtown').waitFor();
  await page.fill('input[aria-label="Find a guest for member prices"]', 'an');
  const anna = page.getByRole('option', { name: /Anna Garcia/ });
  await anna.waitFor();
  await page.getByText('G10000 · •••1000 · Serenity Day Spa - Downtown').waitFor();
  await anna.click();
  await page.getByTestId('member-chip').getByText('Member prices for Anna Garcia (G10000)').waitFor();
  assert.deepEqual(app.named('member_prices')[0].args, { centerId: 'c-1', guestId: 'g-anna' });
  await page.locator('.member-price').first().waitFor();
  assert.equal(await page.locator('.member-price').first().innerText(), '$42.00');
  await app.shot('catalog-member-prices');
  await page.getByRole('button', { name: 'Stop showing member prices' }).click();
  await page.locator('.member-price').first().waitFor({ state: 'detached' });
  await page.close();
});

test('a guest search that finds nobody says so', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await page.fill('input[aria-label="Find a guest for member prices"]', 'zz');
  await page.getByText('No guest at this center matches "zz".').waitFor();
  await page.close();
});

test('a cached catalog shows at once as of its age, then the fresh one replaces it', async () => {
  const old = catalog(300);
  const fresh = catalog(1240);
  const fourMinutesAgo = new Date(Date.now() - 4 * 60_000).toISOString();
  const app = await harness.open(backend({
    open_catalog: () => stream([{ kind: 'cached', packages: old, fetched_at: fourMinutesAgo }, ...catalogEvents(fresh)], { delayMs: 40 }),
  }));
  const { page } = app;
  await page.getByText('300 packages at Serenity Day Spa - Downtown · updated 4 min ago').waitFor();
  await page.getByText('1,240 packages at Serenity Day Spa - Downtown · updated just now').waitFor();
  await page.close();
});

test('when Zenoti is down the saved copy stays, marked with its age and the error', async () => {
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
  const app = await harness.open(backend({
    open_catalog: () => stream([
      { kind: 'cached', packages: catalog(300), fetched_at: twoHoursAgo },
      { kind: 'failed', error: { code: 'network', message: 'Could not reach Zenoti. Check the internet connection and the data-center address, then try again.', detail: 'connection refused' } },
    ]),
  }));
  const { page } = app;
  await page.getByText('The list below is the copy saved 2 h ago.').waitFor();
  assert.match(await status(page), /300 packages .* updated 2 h ago/);
  await app.shot('catalog-stale');
  await page.close();
});

test('a catalog with missing pages says how many packages are missing', async () => {
  const app = await harness.open(backend({
    open_catalog: () => stream(catalogEvents(catalog(1140), {
      missingPages: [4],
      error: { code: 'server_unavailable', message: '100 of 1240 packages could not be loaded from Zenoti. Press Refresh to try again.', detail: 'Zenoti answered HTTP 503' },
    })),
  }));
  const { page } = app;
  await page.getByText('100 of 1240 packages could not be loaded from Zenoti.').waitFor();
  await page.getByText('1,140 packages at Serenity Day Spa - Downtown').waitFor();
  await page.close();
});
