import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stream, catalog, catalogEvents, answering, signedIn } from './harness.mjs';

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

const SESSION = {
  mode: 'api_key', base_url: 'https://api.zenoti.com', user_name: null,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};
const ANNA = {
  id: 'g-1', code: 'G10000', center_id: 'c-1', center_name: 'Serenity Day Spa - Downtown',
  personal_info: { first_name: 'Anna', last_name: 'Garcia', email: 'anna@example.com', mobile_phone: { country_code: 1, number: '5125551000', display_number: null } },
};
const MASSAGE = 's-massage';
const FACIAL = 's-facial';

/** A date `days` from today, center-local, as Zenoti writes it. */
function day(days, time = '11:00:00') {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${time}`;
}

function held(id, name, { status = 'Active', state = 'Open', services = [], otp = false, start = day(-120), end = day(200), grace = null, never = false, whyNot = null, pkgId = `p-${id}` } = {}) {
  return {
    user_package_id: id, status, user_package_state: state, redeemable: !whyNot,
    invoice: null, package: { id: pkgId, code: name.slice(0, 3).toUpperCase(), name, package_type: 'Series', is_otp_required: otp },
    purchase: { price: { currency_id: 148, sales: '950', tax: '0', final: '950' }, date: start },
    date: { start, end: never ? null : end, end_date_with_grace: never ? null : (grace ?? end) },
    schedule: { completed_schedules: 3, next_schedule_date: day(7, '14:00:00') },
    center: { id: 'c-1', name: 'Serenity Day Spa - Downtown' }, is_refunded: false,
    sale_invoice: { id: `sale-${id}`, no: `SDS12${id.slice(-2)}`, receipt_no: null, status: 1, item_id: null },
    lookup_package_user_id: id, start_validity_at_first_redemption: false, never_expires: never, has_first_redemption: true,
    expiration_days: 365,
    services: services.map(([sid, sname, total, used]) => ({
      service_type_info: { id: sid, name: sname, service_category_type: 0, duration: 60, has_segments: false },
      exists_in_current_center: true, total, used, balance: total - used, balance_amount: String((total - used) * 95),
      price: '120', package_service_price: '95', sale_as_part_of_package_or_membership_only: false, book_with_partial_balance: false,
    })),
    products: [],
    why_not: whyNot,
  };
}

// As the app sorts them: usable first, frozen and expired last.
const PACKAGES = [
  held('up-01', 'Massage Series 10', { services: [[MASSAGE, 'Swedish Massage', 10, 3]] }),
  held('up-02', 'Facial Glow 6', { services: [[FACIAL, 'Signature Facial', 6, 2]], otp: true, never: true }),
  held('up-03', 'Body Sculpt 8', { status: 'Frozen', services: [[MASSAGE, 'Swedish Massage', 8, 2]], whyNot: 'This package is frozen. Unfreeze it in Zenoti first.' }),
  held('up-04', 'Summer Glow 3', { status: 'Expired', state: 'Closed', services: [[FACIAL, 'Signature Facial', 3, 1]], end: day(-100), grace: day(-70), whyNot: 'This package has expired.' }),
];

function history(n) {
  return Array.from({ length: n }, (_, i) => ({
    reversal: i === 1, product: false, item: 'Swedish Massage', invoice_id: `inv-h${i}`, invoice_no: `SDS2010${i}`,
    invoice_item_id: `ii-h${i}`, therapist: ['Maya Chen', 'Luis Ortega', 'Priya Raman'][i % 3],
    center: i % 2 ? 'Serenity Med Spa - Lakeside' : 'Serenity Day Spa - Downtown', date: day(-10 * (i + 1), '10:00:00'),
  }));
}

const DETAILS = {
  benefits: [{ item: { id: MASSAGE, name: 'Swedish Massage', type: 'Service' }, total: 10, redeemed: 3, transferred: 0, refunded: 0, balance: 7, balance_amount: '665' }],
  history: history(4),
};

const INVOICE = {
  id: '0000001e-0000-4000-8000-000000000001', invoice_number: 'SDS16671', receipt_number: null, center_id: 'c-1',
  invoice_date: day(0, '10:00:00'), is_closed: false, lock: false, is_refund: false, has_redemptions: false,
  guest: { id: 'g-1', first_name: 'Anna', last_name: 'Garcia', code: 'G10000', mobile_phone: '5125551000' },
  total_price: { net_price: '215', tax: '0', sum_total: '215' },
  invoice_dues: { total: '215', paid: '0', balance: '215' },
  invoice_items: [
    { id: 'i-1', name: 'Swedish Massage', item_type: 'Service', quantity: 1, price: { sales: '120', tax: '0', final: '120', discount: '0' }, item: { id: MASSAGE, name: 'Swedish Massage' }, package_redemption: null },
    { id: 'i-2', name: 'Signature Facial', item_type: 'Service', quantity: 1, price: { sales: '95', tax: '0', final: '95', discount: '0' }, item: { id: FACIAL, name: 'Signature Facial' }, package_redemption: null },
  ],
  transactions: [],
};

const APPLIED = {
  status: 'applied', checked_after_lost_answer: false, invoice_id: INVOICE.id, invoice_number: 'SDS16671',
  package_name: 'Massage Series 10', service_name: 'Swedish Massage', sessions_left: 6, balance_due: '95',
  at: new Date().toISOString(), center_time: '2026-11-22T09:05:00', workstation: 'frontdesk-00ff',
};

function backend(overrides = {}) {
  const all = {
    ...signedIn(SESSION),
    search_guests: ({ text }) => (text.toLowerCase().startsWith('an') ? { guests: [ANNA], page_info: { total: 1, page: 1, size: 20 } } : { guests: [], page_info: { total: 0, page: 1, size: 20 } }),
    guest_packages: () => PACKAGES,
    package_details: () => DETAILS,
    find_invoices: ({ number }) => (number === null || number === '16671'
      ? [{ invoice_id: INVOICE.id, invoice_no: 'SDS16671', name: 'Anna Garcia', mobile_phone: null, sale_date: null, final_price: '215', user_id: 'g-1', is_closed: false }]
      : []),
    get_invoice: () => INVOICE,
    redeemable_points: () => ({ otp_required: false, lp_redeemable: { loyalty_programs: [] } }),
    audit_log: () => [],
    redeem_package: () => APPLIED,
    ...overrides,
  };
  return answering(all);
}

const focused = (page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

/** Presses Tab until the focused element's text starts with `text`. */
async function tabTo(page, text) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).startsWith(text)) return;
  }
  throw new Error(`Tab never reached "${text}"`);
}

/** Opens Guest packages and finds Anna by keyboard; her first package is then selected and focused. */
async function openAnna(app) {
  const { page } = app;
  await page.getByRole('button', { name: 'Guest packages' }).click();
  await page.getByLabel('Find a guest').waitFor();
  await page.keyboard.type('anna');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.textContent?.includes('Anna Garcia'));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-pressed') === 'true');
  await page.getByTestId('package-answer').waitFor();
}

test('keyboard only: find the guest, read the answer, move between packages, redeem a session', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await openAnna(app);
  const answer = await page.getByTestId('package-answer').innerText();
  assert.match(answer, /7 of 10 sessions left/);
  assert.match(answer, /Valid until .* · 200 days left/);
  assert.match(answer, /last used/, 'the newest redemption that was not reversed');
  // History newest first, the reversal marked.
  const rows = await page.getByRole('table', { name: 'History' }).locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 4);
  assert.match(rows[0], /SDS20100/);
  assert.match(rows[1], /Reversed: Swedish Massage/);
  await app.shot('guests-packages');

  // Arrow keys move between packages.
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.activeElement?.textContent?.includes('Facial Glow 6'));
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => document.activeElement?.textContent?.includes('Massage Series 10'));
  assert.deepEqual(app.named('package_details').map((c) => c.args.userPackageId), ['up-01', 'up-02', 'up-01']);

  await tabTo(page, 'Redeem a session');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'invoiceLookup');
  await page.keyboard.type('16671');
  await page.keyboard.press('Enter');
  await page.getByRole('radio', { name: /Swedish Massage/ }).waitFor();
  assert.equal(await page.getByRole('radio', { name: /Swedish Massage/ }).isChecked(), true, 'the covered service is chosen');
  assert.equal(await page.getByRole('radio', { name: /Signature Facial/ }).count(), 0, 'a service the package lacks is not offered');
  await tabTo(page, 'Redeem session');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Redeem 1 Swedish Massage?' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Left after\s+6 sessions/);
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText('Redeemed 1 Swedish Massage from Massage Series 10').waitFor();
  const calls = app.named('redeem_package');
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].args.request, { invoice_id: INVOICE.id, guest_id: 'g-1', user_package_id: 'up-01', invoice_item_id: 'i-1', otp: null });
  assert.match(await page.getByRole('region', { name: 'Receipt' }).innerText(), /Sessions left\s+6/);
  assert.equal(await page.getByRole('button', { name: 'Redeem session' }).count(), 0, 'the form is closed: no second press');
  await app.shot('guests-redeemed');
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('a package that needs the guest\'s code asks for it; Escape cancels; a refusal keeps the form', async () => {
  let refuse = true;
  const app = await harness.open(backend({
    redeem_package: () => {
      if (refuse) {
        refuse = false;
        throw { code: 'redemption_refused', message: 'That code is not the one Zenoti sent. Ask the guest for the latest code, or use the center\'s override code.', detail: 'Zenoti error 502: Please enter a valid OTP.' };
      }
      return { ...APPLIED, package_name: 'Facial Glow 6', service_name: 'Signature Facial', sessions_left: 3 };
    },
  }));
  const { page } = app;
  await openAnna(app);
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.activeElement?.textContent?.includes('Facial Glow 6'));
  await tabTo(page, 'Redeem a session');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'invoiceLookup');
  await page.keyboard.type('16671');
  await page.keyboard.press('Enter');
  await page.getByRole('radio', { name: /Signature Facial/ }).waitFor();
  await tabTo(page, 'Redeem session');
  await page.keyboard.press('Enter');
  await page.getByText('This package asks for the code Zenoti sent the guest').waitFor();
  assert.equal(app.named('redeem_package').length, 0, 'nothing sent without the code');
  await page.getByLabel(/Code the guest received/).focus();
  await page.keyboard.type('111111');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  assert.equal(app.named('redeem_package').length, 0, 'Escape sends nothing');
  await page.getByLabel(/Code the guest received/).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.getByText('That code is not the one Zenoti sent').waitFor();
  assert.equal(await page.getByLabel(/Code the guest received/).inputValue(), '111111', 'the form is kept');
  await page.getByLabel(/Code the guest received/).fill('246810');
  await page.getByLabel(/Code the guest received/).press('Enter');
  await page.keyboard.press('Enter');
  await page.getByText('Redeemed 1 Signature Facial from Facial Glow 6').waitFor();
  assert.deepEqual(app.named('redeem_package').map((c) => c.args.request.otp), ['111111', '246810']);
  await page.close();
});

test('frozen and expired packages are last, dimmed, and say why they cannot be redeemed', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await openAnna(app);
  const cards = page.getByRole('list', { name: 'Packages' }).locator('button');
  assert.deepEqual(await cards.evaluateAll((els) => els.map((e) => e.classList.contains('dim'))), [false, false, true, true]);
  const texts = await cards.allInnerTexts();
  assert.match(texts[2], /Body Sculpt 8\s+Frozen/);
  assert.match(texts[3], /Summer Glow 3\s+Expired[\s\S]*Expired /);
  assert.match(texts[1], /Never expires/);
  await cards.nth(2).click();
  await page.getByText('This package is frozen. Unfreeze it in Zenoti first.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Redeem a session' }).count(), 0);
  await page.close();
});

test('a lost answer shows the check, then the outcome it found', async () => {
  const app = await harness.open(backend({
    redeem_package: () => stream(['sending', 'checking'], { delayMs: 50, holdMs: 600, value: { ...APPLIED, checked_after_lost_answer: true } }),
  }));
  const { page } = app;
  await openAnna(app);
  await page.getByRole('button', { name: 'Redeem a session' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
  await page.getByTestId('checking').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sending…' }).isDisabled(), true);
  await page.getByText('Front Desk read the package again: the session was redeemed').waitFor();
  await page.close();
});

test('a lost answer that did not go through says it is safe to try again', async () => {
  const app = await harness.open(backend({
    redeem_package: () => ({ ...APPLIED, status: 'not_applied', checked_after_lost_answer: true, sessions_left: null }),
  }));
  const { page } = app;
  await openAnna(app);
  await page.getByRole('button', { name: 'Redeem a session' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
  await page.getByText('Not redeemed — safe to try again').waitFor();
  await page.close();
});

test('guests page through, and can be searched across centers', async () => {
  const many = Array.from({ length: 25 }, (_, i) => ({ ...ANNA, id: `g-${i}`, code: `G1${String(i).padStart(4, '0')}` }));
  const app = await harness.open(backend({
    search_guests: ({ page: p }) => ({ guests: many.slice((p - 1) * 20, p * 20), page_info: { total: 25, page: p, size: 20 } }),
  }));
  const { page } = app;
  await page.getByRole('button', { name: 'Guest packages' }).click();
  await page.getByLabel('Find a guest').fill('anna');
  await page.getByLabel('All centers').check();
  await page.keyboard.press('Enter');
  await page.getByText('20 of 25 guests').waitFor();
  await page.getByRole('button', { name: 'Show more' }).click();
  await page.getByText('25 of 25 guests').waitFor();
  assert.deepEqual(app.named('search_guests').map((c) => [c.args.page, c.args.acrossCenters]), [[1, true], [2, true]]);
  assert.equal(await page.getByRole('button', { name: 'Show more' }).count(), 0);
  await page.close();
});

test('one click from a package to its invoice and its catalog entry, and from the catalog to the guest', async () => {
  const catalogPackage = { ...catalog(2)[1], id: 'p-up-01', name: 'Massage Series 10' };
  const app = await harness.open(backend({
    open_catalog: () => stream(catalogEvents([catalogPackage]), { delayMs: 5 }),
    member_prices: () => [{ package_id: 'p-up-01', price: '900.00' }],
    gift_card_packages: () => [],
  }));
  const { page } = app;
  await openAnna(app);
  await page.getByRole('button', { name: 'SDS1201' }).click();
  await page.getByRole('heading', { name: 'Invoice SDS16671' }).waitFor();
  assert.equal(app.named('get_invoice').at(-1).args.invoiceId, 'sale-up-01');

  await page.getByRole('button', { name: 'Guest packages' }).click();
  await page.getByLabel('Find a guest').fill('anna');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /Anna Garcia/ }).click();
  await page.getByRole('button', { name: 'Show this package in the catalog' }).click();
  const details = page.getByRole('complementary').filter({ hasText: 'Massage Series 10' });
  await details.waitFor();

  // The catalog's member-pricing guest leads back to her packages.
  await page.getByLabel('Find a guest for member prices').fill('an');
  await page.getByRole('option', { name: /Anna Garcia/ }).click();
  await page.getByRole('button', { name: "Anna Garcia's packages" }).click();
  await page.getByTestId('guest-name').getByText('Anna Garcia').waitFor();
  await page.getByTestId('package-answer').waitFor();
  await page.close();
});
