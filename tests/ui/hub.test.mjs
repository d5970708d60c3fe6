// The desk on a hub: joining and leaving in Settings, the hub's state in the top bar, live
// updates read again on the guest packages and Redeem points screens, another desk holding an
// invoice (nothing sent, Try again), and the warning while the hub is offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, answering, signedIn, quoting, emit, hubStatus, hubUpdate } from './harness.mjs';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */
/** @typedef {import('./mocks').Invoice} Invoice */
/** @typedef {import('./mocks').DeskPackage} DeskPackage */
/** @typedef {import('./mocks').PackageDetails} PackageDetails */
/** @typedef {import('./mocks').RedeemableInfo} RedeemableInfo */
/** @typedef {import('./mocks').RedemptionOutcome} RedemptionOutcome */
/** @typedef {import('./mocks').IpcError} IpcError */

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

/** @type {SessionInfo} */
const SESSION = {
  mode: 'employee', base_url: 'https://api.zenoti.com', user_name: 'maria', locked: false, can_unlock: true,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};
const ANNA = { id: 'G-1', code: 'G10000', center_id: 'c-1', center_name: null,
  personal_info: { first_name: 'Anna', last_name: 'Garcia', email: null, mobile_phone: { country_code: 1, number: '5125551000', display_number: null } } };
const MASSAGE = 's-massage';

/**
 * Anna's Massage Series 10 with `used` of its 10 sessions used.
 * @returns {DeskPackage}
 */
function massageSeries(used) {
  return {
    why_not: null, redeemable: true, user_package_id: 'up-01', status: 'Active', user_package_state: 'Open', invoice: null,
    package: { id: 'p-1', code: 'MAS', name: 'Massage Series 10', type: 'Series', is_otp_required: false },
    purchase: { price: { currency_id: 148, sales: '950', tax: '0', final: '950' }, date: '2026-01-10T10:00:00' },
    date: { start: '2026-01-10T10:00:00', end: '2027-12-31T10:00:00', end_date_with_grace: '2027-12-31T10:00:00' },
    schedule: { completed_schedules: used, next_schedule_date: null }, center: { id: 'c-1', name: 'Serenity Day Spa - Downtown' }, is_refunded: false,
    sale_invoice: { id: 'sale-1', no: 'SDS1201', receipt_no: null, status: 1, item_id: null }, lookup_package_user_id: 'up-01',
    start_validity_at_first_redemption: false, never_expires: false, has_first_redemption: true, expiration_days: 365,
    services: [{ service_type_info: { id: MASSAGE, name: 'Swedish Massage', service_category_type: 0, duration: 60, has_segments: false },
      exists_in_current_center: true, total: 10, used, balance: 10 - used, balance_amount: String((10 - used) * 95), price: '120', package_service_price: '95',
      sale_as_part_of_package_or_membership_only: false, book_with_partial_balance: false }],
    products: [],
  };
}

/** @returns {PackageDetails} */
function details(used) {
  return {
    benefits: [{ item: { id: MASSAGE, name: 'Swedish Massage', type: 'Service' }, total: 10, redeemed: used, transferred: 0, refunded: 0, balance: 10 - used, balance_amount: String((10 - used) * 95) }],
    history: Array.from({ length: used }, (_, i) => ({ reversal: false, product: false, item: 'Swedish Massage', invoice_id: `inv-h${i}`, invoice_no: `SDS2010${i}`,
      invoice_item_id: `ii-h${i}`, therapist: 'Maya Chen', center: 'Serenity Day Spa - Downtown', date: `2026-11-${String(20 - i).padStart(2, '0')}T10:00:00` })),
  };
}

/** @type {Invoice} */
const INVOICE = {
  id: '0000001e-0000-4000-8000-000000000001', invoice_number: '16671', invoice_number_prefix: 'SDS', receipt_number: null, center_id: 'c-1',
  invoice_date: '2026-11-22T10:00:00', is_closed: false, lock: false, is_refund: false, has_redemptions: false,
  guest: { id: 'g-1', first_name: 'Anna', last_name: 'Garcia', code: 'G10000', mobile_phone: '5125551000', email: null },
  total_price: { net_price: '215', tax: '0', sum_total: '215' }, invoice_dues: { total: '215', paid: '0', balance: '215' },
  invoice_items: [{ invoice_item_id: 'ii-1', id: MASSAGE, name: 'Swedish Massage', type: 'Service', code: 'SWM60', quantity: 1,
    price: { sales: '120', tax: '0', final: '120', discount: '0' }, therapist_name: 'Maya Chen', package_redemption: null }],
  transactions: [],
};
/** @type {Invoice} */
const CLOSED = { ...INVOICE, is_closed: true, lock: true, invoice_dues: { total: '215', paid: '215', balance: '0' } };
/** @type {RedeemableInfo} */
const REDEEMABLE = { otp_required: false, lp_redeemable: { points: '2150', amount: '215', total_available_points: '6430', total_available_amount: '643',
  exchange_rate: '0.1', loyalty_programs: [{ id: 'prog-1', name: 'Serenity Rewards', points: { earned: '6430', available: '6430', redeemable: '2150' },
    exchange_rate: '0.1', max_points_per_invoice: null, increment: null }] } };

/**
 * @param {Partial<RedemptionOutcome>} [fields]
 * @returns {RedemptionOutcome}
 */
function paid(fields = {}) {
  return {
    kind: 'points', status: 'applied', attempt_id: 'att-1', checked_after_lost_answer: false, evidence: "Zenoti's answer", check_error: null,
    checked_for_seconds: null, invoice_id: INVOICE.id, invoice_number: 'SDS16671', points: '250', amount: '25', program_name: 'Serenity Rewards',
    points_left: '6180', package_name: null, service_name: null, sessions_left: null, balance_due: '190', at: new Date().toISOString(),
    center_time: '2026-11-22T10:05:00', workstation: 'frontdesk-00ff', ...fields,
  };
}

/** What Rust says when another desk holds the invoice's lease on the hub. */
/** @type {IpcError} */
const LEASED = {
  code: 'invoice_leased',
  message: 'Maria at Downtown · desk 2 is redeeming on this invoice (since 10:02). Nothing was sent. Wait until they finish, then try again.',
  detail: JSON.stringify({ desk: 'Downtown · desk 2', employee: 'Maria', since: '2026-11-22T10:02:00Z' }),
};

/** @param {Mocks} [overrides] */
function backend(overrides = {}) {
  /** @type {Mocks} */
  const all = {
    ...signedIn(SESSION),
    hub_status: () => hubStatus('connected'),
    about: () => ({ build: { version: '0.1.0', commit: 'abc1234', profile: 'release', platform: 'linux x86_64' },
      base_url: 'https://api.zenoti.com', mode: 'employee', log_dir: '/home/desk/.local/share/com.frontdesk.client/logs' }),
    update_status: () => ({ current_version: '0.1.0', available: null, checked_at: null, error: null, older_offered: null, disabled: null }),
    search_guests: () => ({ guests: [ANNA], page_info: { total: 1, page: 1, size: 20 } }),
    guest_packages: () => [massageSeries(3)],
    package_details: () => details(3),
    find_invoices: () => [{ invoice_id: INVOICE.id, invoice_no: 'SDS16671', name: 'Anna Garcia', mobile_phone: null, sale_date: null, final_price: '215', user_id: 'g-1', is_closed: false }],
    get_invoice: () => INVOICE,
    redeemable_points: () => REDEEMABLE,
    quote_points: quoting(REDEEMABLE, '215'),
    audit_log: () => [],
    ...overrides,
  };
  return answering(all);
}

/** The hub's state, under the top bar. */
const topBar = (page) => page.getByTestId('hub-state');

async function openSettings(page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('article', { name: 'Hub' });
}

/** Opens Guest packages on Anna: her Massage Series 10 with its history. */
async function openAnna(page) {
  await page.getByRole('button', { name: 'Guest packages' }).click();
  await page.getByLabel('Find a guest').fill('anna');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /Anna Garcia/ }).click();
  await page.getByRole('table', { name: 'History' }).waitFor();
}

/** Opens invoice 16671 on Redeem points and types 250 points. */
async function openInvoice(page) {
  await page.getByRole('button', { name: 'Redeem points' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'points');
  await page.keyboard.type('250');
}

test('Settings → Hub: a refused code says what to do, a new one joins, and leaving asks first', async () => {
  /** @type {IpcError} */
  const refused = { code: 'enrollment_refused', message: 'The hub did not accept this enrollment code: it may be mistyped, already used, or more than a day old. Check it, or ask IT for a new one.', detail: 'HTTP 401 from https://hub.serenity.example' };
  /** @type {IpcError} */
  const unreachable = { code: 'hub_unavailable', message: 'Front Desk could not reach the hub at https://hub.serenity.example. Check the address and that this computer can reach it, then try again.', detail: 'error sending request' };
  const app = await harness.open(backend({
    hub_status: () => hubStatus('none'),
    join_hub: ({ code }) => {
      if (code === 'DOWN-CODE') throw unreachable;
      if (code !== 'FRESH-CODE') throw refused;
      return hubStatus('connected');
    },
    leave_hub: () => hubStatus('none'),
  }));
  const { page } = app;
  const card = await openSettings(page);
  await card.getByLabel('Hub address').fill('https://hub.serenity.example');
  // The code is checked for before anything is asked.
  await card.getByRole('button', { name: 'Join hub' }).click();
  await card.getByText('Type the enrollment code IT gave you.').waitFor();
  assert.equal(app.named('join_hub').length, 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'hubCode');
  await page.keyboard.type('DOWN-CODE');
  await page.keyboard.press('Enter');
  const banner = card.getByRole('alert');
  await banner.getByText(unreachable.message).waitFor();
  assert.equal(await banner.getAttribute('data-code'), 'hub_unavailable');
  await card.getByLabel('Enrollment code').fill('USED-CODE');
  await card.getByLabel('Enrollment code').press('Enter');
  await banner.getByText(refused.message).waitFor();
  await banner.getByText('This desk did not join the hub.').waitFor();
  assert.equal(await banner.getAttribute('data-code'), 'enrollment_refused');
  // The code is what to look at again: it has the focus.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'hubCode');
  assert.equal(await card.getByLabel('Hub address').inputValue(), 'https://hub.serenity.example', 'the address is kept');
  assert.equal(await topBar(page).innerText(), '', 'no hub in the top bar');
  await card.scrollIntoViewIfNeeded();
  await app.shot('hub-settings-refused');

  await card.getByLabel('Enrollment code').fill('FRESH-CODE');
  await card.getByRole('button', { name: 'Join hub' }).click();
  await card.getByRole('status').getByText('Joined the hub as Downtown · desk 1.').waitFor();
  assert.deepEqual(app.named('join_hub').map((c) => c.args), [{ url: 'https://hub.serenity.example', code: 'DOWN-CODE' },
    { url: 'https://hub.serenity.example', code: 'USED-CODE' }, { url: 'https://hub.serenity.example', code: 'FRESH-CODE' }]);
  const facts = await card.locator('dl').innerText();
  assert.match(facts, /Desk\s+Downtown · desk 1/);
  assert.match(facts, /Hub address\s+https:\/\/hub\.serenity\.example/);
  assert.match(facts, /State\s+Connected: this desk hears the other desks live/);
  await topBar(page).getByText('Hub connected').waitFor();
  assert.equal(await card.getByRole('alert').count(), 0);
  await app.shot('hub-settings-joined');

  // Leaving asks first; staying changes nothing.
  await card.getByRole('button', { name: 'Leave hub' }).click();
  const ask = card.getByRole('group', { name: 'Leave the hub?' });
  await ask.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Stay on the hub');
  await app.shot('hub-settings-leave');
  await page.keyboard.press('Enter');
  await ask.waitFor({ state: 'detached' });
  assert.equal(app.named('leave_hub').length, 0);
  await card.getByRole('button', { name: 'Leave hub' }).click();
  await ask.getByRole('button', { name: 'Yes, leave the hub' }).click();
  await card.getByRole('status').getByText('Left the hub: this desk works directly with Zenoti.').waitFor();
  await card.getByRole('button', { name: 'Join hub' }).waitFor();
  assert.equal(app.named('leave_hub').length, 1);
  assert.equal(await topBar(page).innerText(), '');
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('Settings → Hub: Rust refusing because the workstation is locked brings the lock screen', async () => {
  const app = await harness.open(backend({
    hub_status: () => hubStatus('none'),
    join_hub: () => { throw { code: 'locked', message: 'This workstation is locked. Unlock it with your password or PIN, or sign out.', detail: null }; },
  }));
  const { page } = app;
  const card = await openSettings(page);
  await card.getByLabel('Hub address').fill('https://hub.serenity.example');
  await card.getByLabel('Enrollment code').fill('CODE-1');
  await card.getByLabel('Enrollment code').press('Enter');
  await page.getByRole('dialog', { name: 'Front Desk is locked' }).waitFor();
  assert.equal(app.named('join_hub').length, 1);
  await page.close();
});

test('the top bar says when the hub goes offline and when it is back, from the hub-status events', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await topBar(page).getByText('Hub connected').waitFor();
  const card = await openSettings(page);
  await emit(page, 'hub-status', hubStatus('offline'));
  await topBar(page).getByText('Hub offline — working directly with Zenoti').waitFor();
  assert.equal(await topBar(page).getByText('Hub connected').count(), 0);
  // Settings says the same, in what it means for the desk.
  await card.getByText('Offline: working directly with Zenoti.').waitFor();
  await app.shot('hub-offline-banner');
  await emit(page, 'hub-status', hubStatus('connected'));
  await topBar(page).getByText('Hub connected').waitFor();
  assert.equal(await topBar(page).getByText('Hub offline').count(), 0);
  // Left on another way (another window, a support tool): nothing is shown.
  await emit(page, 'hub-status', hubStatus('none'));
  await card.getByRole('button', { name: 'Join hub' }).waitFor();
  assert.equal(await topBar(page).innerText(), '');
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('guest packages: a live update is said and the packages are read again, balance from the read', async () => {
  let used = 3;
  const app = await harness.open(backend({
    guest_packages: () => [massageSeries(used)],
    package_details: () => details(used),
  }));
  const { page } = app;
  await openAnna(page);
  await page.getByTestId('package-answer').getByText('7 of 10 sessions left').waitFor();
  const reads = app.named('guest_packages').length;
  const detailReads = app.named('package_details').length;

  // Another desk redeems one session: the event says so (and its id in another letter case).
  used = 4;
  await emit(page, 'hub-update', hubUpdate({ kind: 'package_redeemed', user_package_id: 'UP-01', guest_id: 'g-1', desk: 'Downtown · desk 2',
    package_name: 'Massage Series 10', sessions: 1, invoice_id: 'inv-9' }));
  const notice = page.getByTestId('hub-notice');
  await notice.getByText('1 session of Massage Series 10 redeemed at Downtown · desk 2 just now').waitFor();
  await page.getByTestId('package-answer').getByText('6 of 10 sessions left').waitFor();
  await notice.getByText(/read again at/).waitFor();
  assert.equal(app.named('guest_packages').length, reads + 1, 'the packages were read again');
  assert.equal(app.named('package_details').length, detailReads + 1, "the open package's balances and history were read again");
  assert.equal(app.named('package_details').at(-1).args.userPackageId, 'up-01');
  assert.match(await page.getByRole('table', { name: 'Balances' }).innerText(), /Swedish Massage\s+10\s+4\s+6/);
  await app.shot('hub-live-update');

  // Reversed in Zenoti's own POS (no desk): said so, with the sessions counted.
  used = 2;
  await emit(page, 'hub-update', hubUpdate({ seq: 2, kind: 'package_redemption_reversed', user_package_id: 'up-01', desk: null, package_name: null, sessions: 2 }));
  await notice.getByText('2 sessions of Massage Series 10 reversed in Zenoti just now').waitFor();
  await page.getByTestId('package-answer').getByText('8 of 10 sessions left').waitFor();

  // About another guest's package: nothing is read.
  const before = app.named('guest_packages').length;
  await emit(page, 'hub-update', hubUpdate({ seq: 3, kind: 'package_redeemed', user_package_id: 'up-77', guest_id: 'g-2', desk: 'Lakeside · desk 1', sessions: 1 }));
  // The hub was away: what is on screen is read again.
  await emit(page, 'hub-resync', hubStatus('connected'));
  await notice.getByText('The hub is back after being offline').waitFor();
  await notice.getByText(/read again at/).waitFor();
  assert.equal(app.named('guest_packages').length, before + 1, 'only the resync read the packages again');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await notice.waitFor({ state: 'detached' });
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('Redeem points: an invoice closed elsewhere is said before Redeem is pressed, and read again', async () => {
  let invoice = INVOICE;
  const app = await harness.open(backend({ get_invoice: () => invoice }));
  const { page } = app;
  await openInvoice(page);
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Redeem 250 points?' }).waitFor();
  const reads = app.named('get_invoice').length;
  const pointReads = app.named('redeemable_points').length;

  // Closed at Zenoti's own POS while the confirmation is open: it closes, and the screen says so.
  invoice = CLOSED;
  await emit(page, 'hub-update', hubUpdate({ kind: 'invoice_closed', invoice_id: INVOICE.id.toUpperCase(), guest_id: 'g-1', desk: null }));
  const notice = page.getByRole('alert').filter({ hasText: 'This invoice was closed in Zenoti (elsewhere)' });
  await notice.waitFor();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await page.getByTestId('closed-note').waitFor();
  await notice.getByText(/read again at/).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Redeem', exact: true }).count(), 0);
  assert.equal(app.named('get_invoice').length, reads + 1, 'the invoice was read again');
  assert.equal(app.named('redeemable_points').length, pointReads + 1, 'its points were read again');
  assert.equal(await page.getByTestId('balance-due').innerText(), '$0.00');
  assert.equal(app.named('redeem_points').length, 0);
  await app.shot('hub-invoice-closed');

  // Closed at another desk: named. Other updates about the invoice read it again too; others' do not.
  await emit(page, 'hub-update', hubUpdate({ seq: 2, kind: 'invoice_closed', invoice_id: INVOICE.id, desk: 'Downtown · desk 2' }));
  await page.getByRole('alert').getByText('This invoice was closed in Zenoti (at Downtown · desk 2)').waitFor();
  await page.getByRole('alert').getByText(/read again at/).waitFor();
  await emit(page, 'hub-update', hubUpdate({ seq: 3, kind: 'package_redeemed', invoice_id: INVOICE.id, desk: 'Downtown · desk 2', sessions: 1 }));
  await page.getByTestId('hub-notice').getByText('A package session was redeemed on this invoice at Downtown · desk 2 just now').waitFor();
  await page.getByTestId('hub-notice').getByText(/read again at/).waitFor();
  const now = app.named('get_invoice').length;
  assert.equal(now, reads + 3);
  await emit(page, 'hub-update', hubUpdate({ seq: 4, kind: 'invoice_closed', invoice_id: 'another-invoice', desk: 'Downtown · desk 2' }));
  await emit(page, 'hub-resync', hubStatus('connected'));
  await page.getByTestId('hub-notice').getByText('The hub is back after being offline').waitFor();
  await page.getByTestId('hub-notice').getByText(/read again at/).waitFor();
  assert.equal(app.named('get_invoice').length, now + 1, 'only the resync read it again');
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('another desk is redeeming on the invoice: nothing was sent, Try again sends the same request', async () => {
  let refusals = 2;
  const app = await harness.open(backend({
    redeem_points: ({ request }) => {
      if (refusals-- > 0) throw LEASED;
      return paid({ points: request.points });
    },
  }));
  const { page } = app;
  await openInvoice(page);
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  const leased = page.getByTestId('invoice-leased');
  await leased.getByRole('heading', { name: 'Nothing was sent: another desk is redeeming on this invoice.' }).waitFor();
  await leased.getByText('Maria at Downtown · desk 2 is redeeming on this invoice (since 10:02). Nothing was sent. Wait until they finish, then try again.').waitFor();
  assert.equal(await leased.getAttribute('role'), 'alert');
  // No receipt, nothing said to be paid, and the form waits.
  assert.equal(await page.getByRole('region', { name: 'Receipt' }).count(), 0);
  assert.equal(await page.getByTestId('redemption-applied').count(), 0);
  assert.doesNotMatch(await page.locator('main').innerText(), /Paid \$|applied/i);
  assert.ok(await page.getByLabel('Points to redeem').isDisabled());
  assert.equal(await page.locator('.field-error-box').count(), 0, 'said once, below the form');
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Try again');
  await app.shot('hub-another-desk');

  // Back to the form: as typed, nothing sent.
  await leased.getByRole('button', { name: 'Back to the form' }).click();
  await leased.waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('Points to redeem').isDisabled(), false);
  assert.equal(await page.inputValue('#points'), '250');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await leased.waitFor();
  // Try again (Enter: it has the focus) sends the very same request once more.
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Try again');
  await page.keyboard.press('Enter');
  await page.getByText('Paid $25.00 with 250 points').waitFor();
  assert.equal(await leased.count(), 0);
  const sent = app.named('redeem_points').map((c) => c.args.request);
  assert.equal(sent.length, 3);
  assert.deepEqual(sent[2], sent[1]);
  assert.deepEqual(sent[2], { invoice_id: INVOICE.id, guest_id: 'g-1', program_id: 'prog-1', points: '250', otp: null });
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('another desk is redeeming a session\'s invoice: the same state on Guest packages, and Try again', async () => {
  let refused = false;
  const app = await harness.open(backend({
    redeem_package: () => {
      if (!refused) { refused = true; throw LEASED; }
      return paid({ kind: 'session', points: null, amount: null, program_name: null, points_left: null, package_name: 'Massage Series 10',
        service_name: 'Swedish Massage', sessions_left: 6, balance_due: '95' });
    },
  }));
  const { page } = app;
  await openAnna(page);
  await page.getByRole('button', { name: 'Redeem a session' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.getByRole('radio', { name: /Swedish Massage/ }).waitFor();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  await page.getByRole('dialog', { name: 'Redeem 1 Swedish Massage?' }).getByRole('button', { name: 'Redeem' }).click();
  const leased = page.getByTestId('invoice-leased');
  await leased.getByText('Maria at Downtown · desk 2 is redeeming on this invoice (since 10:02).').waitFor();
  await leased.getByRole('heading', { name: 'Nothing was sent: another desk is redeeming on this invoice.' }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'Receipt' }).count(), 0);
  assert.ok(await page.getByRole('button', { name: 'Redeem session' }).isDisabled());
  await app.shot('hub-another-desk-session');
  await leased.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('status').getByText('Redeemed 1 Swedish Massage from Massage Series 10').waitFor();
  const sent = app.named('redeem_package').map((c) => c.args.request);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1], sent[0]);
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('while the hub is offline, both confirmations warn that another desk could be redeeming', async () => {
  const app = await harness.open(backend({ hub_status: () => hubStatus('offline') }));
  const { page } = app;
  const WARNING = 'The hub is offline: another desk could be redeeming on this invoice. Check with the other desks before confirming.';
  await topBar(page).getByText('Hub offline — working directly with Zenoti').waitFor();
  await openInvoice(page);
  await page.keyboard.press('Enter');
  const points = page.getByRole('dialog', { name: 'Redeem 250 points?' });
  await points.waitFor();
  assert.equal(await points.getByTestId('hub-offline-warning').innerText(), WARNING);
  // Read with the dialog: it describes it.
  const described = await points.evaluate((d) => (d.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent?.trim()));
  assert.equal(described[0], WARNING);
  await app.shot('hub-offline-confirm');
  await page.keyboard.press('Escape');

  await openAnna(page);
  await page.getByRole('button', { name: 'Redeem a session' }).click();
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  const session = page.getByRole('dialog', { name: 'Redeem 1 Swedish Massage?' });
  await session.getByTestId('hub-offline-warning').getByText('The hub is offline:').waitFor();
  await page.keyboard.press('Escape');

  // Connected again: no warning.
  await emit(page, 'hub-status', hubStatus('connected'));
  await topBar(page).getByText('Hub connected').waitFor();
  await page.getByRole('button', { name: 'Redeem session' }).click();
  await session.waitFor();
  assert.equal(await session.getByTestId('hub-offline-warning').count(), 0);
  assert.equal(app.named('redeem_package').length + app.named('redeem_points').length, 0);
  await page.close();
});

test('a desk the hub no longer knows: the top bar and Settings say to ask IT for a new code and join again', async () => {
  const app = await harness.open(backend({ hub_status: () => hubStatus('offline', 'revoked') }));
  const { page } = app;
  const SAID = 'The hub no longer knows this desk. Ask IT for a new enrollment code, then Leave hub in Settings and join again.';
  await topBar(page).getByText('Hub offline — working directly with Zenoti').waitFor();
  assert.equal(await topBar(page).getByTestId('hub-trouble').innerText(), SAID);
  const card = await openSettings(page);
  assert.match(await card.getByTestId('hub-meaning').innerText(), /^Offline: working directly with Zenoti\. The hub no longer knows this desk/);
  await card.getByRole('button', { name: 'Leave hub' }).waitFor();
  await app.shot('hub-desk-revoked');
  // Joined again (a hub-status event): the trouble is gone.
  await emit(page, 'hub-status', hubStatus('connected'));
  await topBar(page).getByText('Hub connected').waitFor();
  assert.equal(await topBar(page).getByTestId('hub-trouble').count(), 0);
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('Redeem points: points redeemed on the invoice at another desk are said as an alert and the invoice read again', async () => {
  let invoice = INVOICE;
  const app = await harness.open(backend({ get_invoice: () => invoice }));
  const { page } = app;
  await openInvoice(page);
  const reads = app.named('get_invoice').length;
  invoice = { ...INVOICE, invoice_dues: { total: '215', paid: '50', balance: '165' } };
  await emit(page, 'hub-update', hubUpdate({ kind: 'points_redeemed', invoice_id: INVOICE.id, desk: 'Downtown · desk 2' }));
  const notice = page.getByRole('alert').filter({ hasText: 'Points were redeemed on this invoice at Downtown · desk 2 just now' });
  await notice.waitFor();
  await notice.getByText(/read again at/).waitFor();
  assert.equal(app.named('get_invoice').length, reads + 1, 'the invoice was read again');
  // The balance shown is the fresh read's, never a figure from the event.
  assert.equal(await page.getByTestId('balance-due').innerText(), '$165.00');
  assert.equal(app.named('redeem_points').length, 0);
  await app.shot('hub-points-redeemed-elsewhere');
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('the hub does not answer when asked to hold the invoice: nothing sent, the confirmation shows again with the warning', async () => {
  /** @type {IpcError} */
  const unavailable = { code: 'hub_lease_unavailable',
    message: 'The hub did not answer, so nothing was sent and no other desk is kept off this invoice. Check with the other desks, then confirm again to redeem directly with Zenoti.',
    detail: 'HTTP 503' };
  let first = true;
  const app = await harness.open(backend({
    redeem_points: ({ request }) => {
      if (first) { first = false; throw unavailable; }
      return paid({ points: request.points });
    },
  }));
  const { page } = app;
  await openInvoice(page);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Redeem 250 points?' });
  await dialog.waitFor();
  assert.equal(await dialog.getByTestId('hub-offline-warning').count(), 0, 'connected: no warning yet');
  await page.keyboard.press('Enter');
  // Asked again, now saying nothing was sent and that no lease keeps the other desks off.
  const warning = dialog.getByTestId('hub-offline-warning');
  await warning.getByText('Nothing was sent: the hub did not answer.').waitFor();
  await warning.getByText(/check with the other desks, then press Redeem to redeem directly with Zenoti/).waitFor();
  assert.equal(await page.getByTestId('redemption-applied').count(), 0);
  await page.waitForFunction(() => document.activeElement?.closest('[role=dialog]') && document.activeElement?.textContent?.trim() === 'Redeem');
  await app.shot('hub-lease-unavailable-confirm');
  await page.keyboard.press('Enter');
  await page.getByText('Paid $25.00 with 250 points').waitFor();
  const sent = app.named('redeem_points').map((c) => c.args.request);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1], sent[0], 'the same request, confirmed again');
  assert.deepEqual(app.errors, []);
  await page.close();
});
