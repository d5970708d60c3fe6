import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stream, catalog, catalogEvents, answering, signedIn } from './harness.mjs';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */
/** @typedef {import('./mocks').Guest} Guest */
/** @typedef {import('./mocks').DeskPackage} DeskPackage */
/** @typedef {import('./mocks').PackageDetails} PackageDetails */
/** @typedef {import('./mocks').HistoryLine} HistoryLine */
/** @typedef {import('./mocks').Invoice} Invoice */
/** @typedef {import('./mocks').RedemptionOutcome} RedemptionOutcome */

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

/** @type {SessionInfo} */
const SESSION = {
  mode: 'api_key', base_url: 'https://api.zenoti.com', user_name: null, locked: false, can_unlock: true,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};
// As Zenoti's guest search sends her: her id in upper case (her invoices say "g-1"), and no
// center name (the app names her home center from the centers list).
/** @type {Guest} */
const ANNA = {
  id: 'G-1', code: 'G10000', center_id: 'c-1', center_name: null,
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

/**
 * A guest's package as the Rust side sends it; `services` are [id, name, total, used].
 * @param {string} id
 * @param {string} name
 * @param {{ status?: DeskPackage['status'], state?: DeskPackage['user_package_state'], services?: [string, string, number, number][],
 *   otp?: boolean, start?: string, end?: string, grace?: string | null, never?: boolean, whyNot?: string | null, pkgId?: string }} [options]
 * @returns {DeskPackage}
 */
function held(id, name, { status = 'Active', state = 'Open', services = [], otp = false, start = day(-120), end = day(200), grace = null, never = false, whyNot = null, pkgId = `p-${id}` } = {}) {
  return {
    user_package_id: id, status, user_package_state: state, redeemable: !whyNot,
    invoice: null, package: { id: pkgId, code: name.slice(0, 3).toUpperCase(), name, type: 'Series', is_otp_required: otp },
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
/** @type {DeskPackage[]} */
const PACKAGES = [
  held('up-01', 'Massage Series 10', { services: [[MASSAGE, 'Swedish Massage', 10, 3]] }),
  held('up-02', 'Facial Glow 6', { services: [[FACIAL, 'Signature Facial', 6, 2]], otp: true, never: true }),
  held('up-03', 'Body Sculpt 8', { status: 'Frozen', services: [[MASSAGE, 'Swedish Massage', 8, 2]], whyNot: 'This package is frozen. Unfreeze it in Zenoti first.' }),
  held('up-04', 'Summer Glow 3', { status: 'Expired', state: 'Closed', services: [[FACIAL, 'Signature Facial', 3, 1]], end: day(-100), grace: day(-70), whyNot: 'This package has expired.' }),
];

/** @returns {HistoryLine[]} */
function history(n) {
  return Array.from({ length: n }, (_, i) => ({
    reversal: i === 1, product: false, item: 'Swedish Massage', invoice_id: `inv-h${i}`, invoice_no: `SDS2010${i}`,
    invoice_item_id: `ii-h${i}`, therapist: ['Maya Chen', 'Luis Ortega', 'Priya Raman'][i % 3],
    center: i % 2 ? 'Serenity Med Spa - Lakeside' : 'Serenity Day Spa - Downtown', date: day(-10 * (i + 1), '10:00:00'),
  }));
}

/** @type {PackageDetails} */
const DETAILS = {
  benefits: [{ item: { id: MASSAGE, name: 'Swedish Massage', type: 'Service' }, total: 10, redeemed: 3, transferred: 0, refunded: 0, balance: 7, balance_amount: '665' }],
  history: history(4),
};

// Each line names itself (`invoice_item_id`) and the service it sells (`id`, here in upper case:
// the package's services say "s-massage").
/** @type {Invoice} */
const INVOICE = {
  id: '0000001e-0000-4000-8000-000000000001', invoice_number: '16671', invoice_number_prefix: 'SDS', receipt_number: null, center_id: 'c-1',
  invoice_date: day(0, '10:00:00'), is_closed: false, lock: false, is_refund: false, has_redemptions: false,
  guest: { id: 'g-1', first_name: 'Anna', last_name: 'Garcia', code: 'G10000', mobile_phone: '5125551000', email: 'anna@example.com' },
  total_price: { net_price: '215', tax: '0', sum_total: '215' },
  invoice_dues: { total: '215', paid: '0', balance: '215' },
  invoice_items: [
    { invoice_item_id: 'ii-1', id: MASSAGE.toUpperCase(), name: 'Swedish Massage', type: 'Service', code: 'SWM60', quantity: 1,
      price: { sales: '120', tax: '0', final: '120', discount: '0' }, therapist_name: 'Maya Chen', package_redemption: null },
    { invoice_item_id: 'ii-2', id: FACIAL.toUpperCase(), name: 'Signature Facial', type: 'Service', code: 'SGF50', quantity: 1,
      price: { sales: '95', tax: '0', final: '95', discount: '0' }, therapist_name: 'Luis Ortega', package_redemption: null },
  ],
  transactions: [],
};

/** @type {RedemptionOutcome} */
const APPLIED = {
  kind: 'session', status: 'applied', attempt_id: 'att-7', checked_after_lost_answer: false, evidence: "Zenoti's answer", check_error: null,
  checked_for_seconds: null, invoice_id: INVOICE.id, invoice_number: 'SDS16671', points: null, amount: null, program_name: null,
  points_left: null, package_name: 'Massage Series 10', service_name: 'Swedish Massage', sessions_left: 6, balance_due: '95',
  at: new Date().toISOString(), center_time: '2026-11-22T09:05:00', workstation: 'frontdesk-00ff',
};

/** Its answer was lost, and the package's history did not show it within the 60 s check. */
/** @type {RedemptionOutcome} */
const NOT_SEEN = {
  ...APPLIED, status: 'not_seen_yet', checked_after_lost_answer: true, evidence: null, checked_for_seconds: 60,
  sessions_left: null, balance_due: null, center_time: null,
};

/** @param {Mocks} [overrides] */
function backend(overrides = {}) {
  /** @type {Mocks} */
  const all = {
    ...signedIn(SESSION),
    search_guests: ({ text }) => (text.toLowerCase().startsWith('an') ? { guests: [ANNA], page_info: { total: 1, page: 1, size: 20 } } : { guests: [], page_info: { total: 0, page: 1, size: 20 } }),
    guest_packages: () => PACKAGES,
    package_details: () => DETAILS,
    find_invoices: ({ number }) => (number === null || number === '16671'
      ? [{ invoice_id: INVOICE.id, invoice_no: 'SDS16671', name: 'Anna Garcia', mobile_phone: null, sale_date: null, final_price: '215', user_id: 'g-1', is_closed: false }]
      : []),
    get_invoice: () => INVOICE,
    redeemable_points: () => ({ otp_required: false, lp_redeemable: { points: '0', amount: '0', loyalty_programs: [], total_available_points: '0', total_available_amount: '0', exchange_rate: null } }),
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

/** Fails if anything on the page tells the receptionist that a lost answer is safe to redeem again. */
async function neverSaysSafe(page) {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /safe to try again/i);
  assert.doesNotMatch(text, /not applied|not redeemed/i);
}

test('keyboard only: find the guest, read the answer, move between packages, redeem a session', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await openAnna(app);
  // Her home center, named from the centers list (the guest search does not name it).
  await page.getByText('G10000 · •••1000 · home center Serenity Day Spa - Downtown').waitFor();
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
  // Her own invoices of today come first and are marked, whatever the letter case of her id.
  assert.equal(await page.getByRole('list', { name: "Today's invoices" }).locator('button.mine').count(), 1);
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
  // The line is named by its own id, not by the service it sells; the center is the invoice's.
  assert.deepEqual(calls[0].args.request, { invoice_id: INVOICE.id, center_id: 'c-1', guest_id: 'G-1', user_package_id: 'up-01', invoice_item_id: 'ii-1', otp: null });
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
        throw /** @type {import('./mocks').IpcError} */ ({ code: 'redemption_refused', message: 'That code is not the one Zenoti sent. Ask the guest for the latest code, or use the center\'s override code.', detail: 'Zenoti error 502: Please enter a valid OTP.' });
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
  // The confirmation opens once Rust's quote is back; Enter then confirms.
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await page.getByText('That code is not the one Zenoti sent').waitFor();
  await page.getByText('Zenoti refused the redemption: nothing was redeemed.').waitFor();
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

test('a lost answer shows the countdown of the check, then the outcome it found', async () => {
  const app = await harness.open(backend({
    redeem_package: () => stream([{ step: 'sending' }, { step: 'checking', seconds_left: 2 }, { step: 'checking', seconds_left: 1 }],
      { delayMs: 300, holdMs: 600, value: { ...APPLIED, checked_after_lost_answer: true, evidence: "the package's history" } }),
  }));
  const { page } = app;
  await openAnna(app);
  await page.getByRole('button', { name: 'Redeem a session' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
  await page.getByTestId('checking').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="seconds-left"]')?.textContent === '2 s');
  assert.match(await page.getByTestId('checking').innerText(),
    /The answer from Zenoti was lost\. Checking whether the session was redeemed… ?2 s — do not redeem again\./);
  await page.waitForFunction(() => document.querySelector('[data-testid="seconds-left"]')?.textContent === '1 s');
  assert.equal(await page.getByRole('button', { name: 'Checking…' }).isDisabled(), true);
  await app.shot('guests-checking');
  await page.getByText('The connection to Zenoti broke, so Front Desk checked in Zenoti: the session was redeemed.').waitFor();
  assert.match(await page.getByTestId('confirmed-in-zenoti').innerText(), /Seen in the package's history\./);
  await neverSaysSafe(page);
  await page.close();
});

test('a lost answer not seen yet: a warning, the form locked, Check again until it shows', async () => {
  let checks = 0;
  const app = await harness.open(backend({
    redeem_package: () => NOT_SEEN,
    check_redemption: ({ attemptId }) => (++checks === 1 ? NOT_SEEN : { ...APPLIED, attempt_id: attemptId, checked_after_lost_answer: true, evidence: 'the invoice line' }),
  }));
  const { page } = app;
  await openAnna(app);
  await page.getByRole('button', { name: 'Redeem a session' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
  const warning = page.getByTestId('not-seen-yet');
  await warning.getByRole('heading', { name: "Not in the guest's package after 60 s" }).waitFor();
  assert.match(await warning.innerText(), /The session may still be redeemed: check the guest's package in Zenoti before redeeming again\./);
  await neverSaysSafe(page);
  assert.equal(await page.getByRole('button', { name: 'Redeem session' }).isDisabled(), true);
  assert.equal(await page.getByRole('radio', { name: /Swedish Massage/ }).isDisabled(), true);
  await app.shot('guests-not-seen-yet');
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Check again');
  await page.keyboard.press('Enter');
  await warning.getByRole('heading', { name: "Still not in the guest's package" }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Redeem session' }).isDisabled(), true);
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText('Redeemed 1 Swedish Massage from Massage Series 10').waitFor();
  assert.match(await page.getByTestId('confirmed-in-zenoti').innerText(), /Seen in the invoice line\./);
  assert.equal(app.named('redeem_package').length, 1, 'Check again never redeems again');
  assert.deepEqual(app.named('check_redemption').map((c) => c.args.attemptId), ['att-7', 'att-7']);
  assert.equal(await page.getByRole('button', { name: 'Redeem session' }).count(), 0, 'the form is closed: no second press');
  await neverSaysSafe(page);
  await page.close();
});

test('a session not seen yet locks that invoice for points too, until "it did not go through"', async () => {
  const app = await harness.open(backend({
    redeem_package: () => NOT_SEEN,
    dismiss_redemption: () => undefined,
    redeemable_points: () => ({ otp_required: false, lp_redeemable: { points: '100', amount: '10', total_available_points: '100', total_available_amount: '10', exchange_rate: '0.1', loyalty_programs: [] } }),
  }));
  const { page } = app;
  await openAnna(app);
  await page.getByRole('button', { name: 'Redeem a session' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Redeem' }).click();
  await page.getByTestId('not-seen-yet').waitFor();
  // The same invoice on the Redeem points screen: the same warning, nothing can be sent.
  await page.getByRole('button', { name: 'Redeem points' }).click();
  await page.fill('#invoiceLookup', '16671');
  await page.press('#invoiceLookup', 'Enter');
  await page.getByTestId('not-seen-yet').getByRole('heading', { name: "Not in the guest's package after 60 s" }).waitFor();
  assert.equal(await page.getByLabel('Points to redeem').isDisabled(), true);
  await page.getByRole('button', { name: 'I checked in Zenoti: it did not go through' }).click();
  await page.getByTestId('not-seen-yet').waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('Points to redeem').isDisabled(), false);
  assert.deepEqual(app.named('dismiss_redemption').map((c) => c.args), [{ attemptId: NOT_SEEN.attempt_id }], 'the receptionist\'s word reaches the audit log');
  await neverSaysSafe(page);
  await page.close();
});

test('guests page through, and can be searched across centers', async () => {
  const many = Array.from({ length: 25 }, (_, i) => ({ ...ANNA, id: `g-${i}`, code: `G1${String(i).padStart(4, '0')}` }));
  const app = await harness.open(backend({
    search_guests: ({ page: p = 1 }) => ({ guests: many.slice(((p ?? 1) - 1) * 20, (p ?? 1) * 20), page_info: { total: 25, page: p ?? 1, size: 20 } }),
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
