import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stream, answering, signedIn, quoting, SETTINGS } from './harness.mjs';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */
/** @typedef {import('./mocks').Invoice} Invoice */
/** @typedef {import('./mocks').InvoiceSummary} InvoiceSummary */
/** @typedef {import('./mocks').RedeemableInfo} RedeemableInfo */
/** @typedef {import('./mocks').RedemptionOutcome} RedemptionOutcome */
/** @typedef {import('./mocks').AuditEntry} AuditEntry */
/** @typedef {import('./mocks').IpcError} IpcError */

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

/** @type {SessionInfo} */
const SESSION = {
  mode: 'api_key', base_url: 'https://api.zenoti.com', user_name: null, locked: false, can_unlock: true,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};
// As Zenoti sends it: the number without its prefix, each line's own id (`invoice_item_id`)
// beside the service it sells (`id`).
/** @type {Invoice} */
const INVOICE = {
  id: '0000001e-0000-4000-8000-000000000001', invoice_number: '16671', invoice_number_prefix: 'SDS', receipt_number: null, center_id: 'c-1',
  invoice_date: '2026-11-22T10:00:00', is_closed: false, lock: false, is_refund: false, has_redemptions: false,
  guest: { id: 'g-1', first_name: 'Anna', last_name: 'Garcia', code: 'G10000', mobile_phone: '5125551000', email: 'anna@example.com' },
  total_price: { net_price: '215', tax: '0', sum_total: '215' },
  invoice_dues: { total: '215', paid: '0', balance: '215' },
  invoice_items: [
    { invoice_item_id: 'ii-1', id: 's-massage', name: 'Swedish Massage', type: 'Service', code: 'SWM60', quantity: 1,
      price: { sales: '120', tax: '0', final: '120', discount: '0' }, therapist_name: 'Maya Chen', package_redemption: null },
    { invoice_item_id: 'ii-2', id: 's-facial', name: 'Signature Facial', type: 'Service', code: 'SGF50', quantity: 1,
      price: { sales: '95', tax: '0', final: '95', discount: '0' }, therapist_name: 'Luis Ortega', package_redemption: null },
  ],
  transactions: [],
};
/** @type {InvoiceSummary} */
const TODAYS = { invoice_id: INVOICE.id, invoice_no: 'SDS16671', name: 'Anna Garcia', mobile_phone: null, sale_date: null, final_price: '215', user_id: 'g-1', is_closed: false };
/** @type {RedeemableInfo} */
const REDEEMABLE = {
  otp_required: true,
  lp_redeemable: {
    points: '5000', amount: '215', total_available_points: '6430', total_available_amount: '643',
    exchange_rate: '0.1',
    loyalty_programs: [
      { id: 'prog-1', name: 'Serenity Rewards', points: { earned: '6430', available: '6430', redeemable: '5000' }, exchange_rate: '0.1', max_points_per_invoice: '5000', increment: '10' },
      { id: 'prog-2', name: 'Glow Club', points: { earned: '900', available: '900', redeemable: '900' }, exchange_rate: '0.05', max_points_per_invoice: '3000', increment: '3' },
    ],
  },
};

/**
 * An outcome of a points redemption, as the Rust side sends it.
 * @param {Partial<RedemptionOutcome>} [fields]
 * @returns {RedemptionOutcome}
 */
function outcome(fields = {}) {
  return {
    kind: 'points', status: 'applied', attempt_id: 'att-1', checked_after_lost_answer: false, evidence: "Zenoti's answer (payment t-9)",
    check_error: null, checked_for_seconds: null, invoice_id: INVOICE.id, invoice_number: 'SDS16671',
    points: '250', amount: '25', program_name: 'Serenity Rewards', points_left: '6180',
    package_name: null, service_name: null, sessions_left: null, balance_due: '190',
    at: new Date().toISOString(), center_time: '2026-11-22T09:05:00', workstation: 'frontdesk-00ff',
    ...fields,
  };
}

/** Its answer was lost and Zenoti did not show it within the 60 s check. */
const NOT_SEEN = outcome({
  status: 'not_seen_yet', checked_after_lost_answer: true, evidence: null, checked_for_seconds: 60,
  points: '100', amount: '10', points_left: null, balance_due: null, center_time: null,
});

/** @param {Mocks} [overrides] */
function backend(overrides = {}) {
  /** @type {Mocks} */
  const all = {
    ...signedIn(SESSION),
    find_invoices: ({ number }) => number === null ? [TODAYS] : number === '16671' ? [TODAYS] : [],
    get_invoice: () => INVOICE,
    redeemable_points: () => REDEEMABLE,
    quote_points: quoting(REDEEMABLE, '215'),
    audit_log: () => [],
    redeem_points: ({ request }) => outcome({ invoice_id: request.invoice_id, points: request.points }),
    ...overrides,
  };
  return answering(all);
}

/** @returns {IpcError} */
const ipcError = (/** @type {import('./mocks').ErrorCode} */ code, /** @type {string} */ message, /** @type {string | null} */ detail = null) => ({ code, message, detail });

/** Fails if anything on the page tells the receptionist that a lost answer is safe to redeem again. */
async function neverSaysSafe(page) {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /safe to try again/i);
  assert.doesNotMatch(text, /not applied/i);
}

async function openRedeem(app) {
  const { page } = app;
  await page.getByRole('button', { name: 'Redeem points' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'invoiceLookup');
}

/** Opens the Redeem screen and scans invoice 16671; the cursor is then in the points box. */
async function openInvoice(app) {
  await openRedeem(app);
  await app.page.keyboard.type('16671');
  await app.page.keyboard.press('Enter');
  await app.page.waitForFunction(() => document.activeElement?.id === 'points');
}

test('keyboard only: scan, choose program, points, OTP, confirm with Enter, see the result', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await openRedeem(app);
  await page.keyboard.type('16671');
  await page.keyboard.press('Enter');
  await page.getByTestId('guest-name').getByText('Anna Garcia').waitFor();
  assert.equal(await page.getByTestId('balance-due').innerText(), '$215.00');
  assert.equal(await page.getByTestId('points-available').innerText(), '6430 points worth $643.00');
  await page.waitForFunction(() => document.activeElement?.id === 'points');
  // Back to the programs (the checked one, "Across all programs", takes the focus), then up
  // with the arrows to Serenity Rewards, and forward again to the points.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.ok(await page.getByLabel(/Serenity Rewards/).isChecked());
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('250');
  assert.equal(await page.getByTestId('points-value').innerText(), '= $25.00');
  await page.keyboard.press('Tab');
  await page.keyboard.type('246810');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Redeem 250 points?').waitFor();
  await app.shot('redeem-confirm');
  await page.keyboard.press('Enter');
  await page.getByText('Paid $25.00 with 250 points').waitFor();
  await page.getByText('Balance due now $190.00 · 6180 points left in Serenity Rewards.').waitFor();
  // The receipt shows Zenoti's time on the center's clock, whatever this computer's zone.
  assert.equal(await page.getByTestId('receipt-time').innerText(), 'Nov 22, 2026, 9:05 AM');
  await page.getByText('frontdesk-00ff').waitFor();
  await app.shot('redeem-result');
  assert.deepEqual(app.named('redeem_points')[0].args.request, {
    invoice_id: INVOICE.id, guest_id: 'g-1', program_id: 'prog-1', points: '250', otp: '246810',
  });
  await page.close();
});

test('Escape cancels the confirmation and nothing is sent', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await openRedeem(app);
  await page.getByRole('button', { name: /SDS16671/ }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'points');
  await page.keyboard.type('100');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  assert.equal(app.named('redeem_points').length, 0);
  assert.equal(await page.inputValue('#points'), '100');
  await page.close();
});

test('the confirmation shows what Rust computed, and a quote the rules refuse sends nothing', async () => {
  // Rust's quote is the figure shown, whatever the form's own estimate said.
  const app = await harness.open(backend({
    quote_points: ({ request }) => request.points.trim() === '9999'
      ? (() => { throw ipcError('invalid_input', '9999 points are worth 999.9, more than the 215 left to pay: type fewer points.'); })()
      : { points: '250', amount: '24.99', program_name: 'Serenity Rewards', balance_due: '214.50' },
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('9999');
  await page.fill('#otp', '246810');
  await page.press('#points', 'Enter');
  await page.getByText('more than the 215 left to pay: type fewer points.').waitFor();
  assert.equal(await page.getByRole('dialog').count(), 0, 'a refused quote opened the confirmation');
  await page.fill('#points', '250');
  await page.press('#points', 'Enter');
  const dialog = page.getByRole('dialog', { name: 'Redeem 250 points?' });
  await dialog.waitFor();
  assert.equal(await page.getByTestId('confirm-value').innerText(), '$24.99');
  await dialog.getByText('$214.50').waitFor();
  await page.keyboard.press('Escape');
  assert.equal(app.named('redeem_points').length, 0, 'a quote sent a redemption');
  assert.deepEqual(app.named('quote_points').map((c) => c.args.request.points), ['9999', '250']);
  await page.close();
});

test('a refusal keeps the form filled in and says what to do', async () => {
  const app = await harness.open(backend({
    redeem_points: () => { throw ipcError('redemption_refused', "That code is not the one Zenoti sent. Ask the guest for the latest code, or use the center's override code.", 'Zenoti error 502: Please enter a valid OTP.'); },
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('250');
  await page.fill('#otp', '111111');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  // The confirmation opens once Rust's quote is back; Enter then confirms.
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await page.getByText('That code is not the one Zenoti sent.').waitFor();
  // Said by its code: a refusal means nothing was paid.
  await page.getByText('Zenoti refused the payment: nothing was paid.').waitFor();
  assert.equal(await page.inputValue('#points'), '250');
  assert.equal(await page.inputValue('#otp'), '111111');
  await app.shot('redeem-refused');
  await page.close();
});

test('a lost answer not seen yet warns, never says it is safe, and Check again finds it (keyboard only)', async () => {
  let checks = 0;
  const app = await harness.open(backend({
    redeem_points: () => NOT_SEEN,
    check_redemption: ({ attemptId }) => (++checks === 1
      ? { ...NOT_SEEN, at: '2026-11-22T15:20:00Z' }
      : outcome({ attempt_id: attemptId, points: '100', amount: '10', checked_after_lost_answer: true, evidence: 'payment t-9 on the invoice', balance_due: '205', points_left: null })),
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('100');
  await page.fill('#otp', '246810');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  // The confirmation opens once Rust's quote is back; Enter then confirms.
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  const warning = page.getByTestId('not-seen-yet');
  await warning.getByRole('heading', { name: 'Not on the invoice after 60 s' }).waitFor();
  assert.match(await warning.innerText(), /The payment may still go through: check invoice SDS16671 in Zenoti before redeeming again\./);
  assert.match(await warning.innerText(), /Sent: 100 points \(\$10\.00\) on invoice SDS16671, and Zenoti's answer was lost\./);
  await neverSaysSafe(page);
  // Nothing more can be sent on this invoice meanwhile.
  assert.ok(await page.getByLabel('Points to redeem').isDisabled());
  assert.ok(await page.getByRole('button', { name: 'Redeem', exact: true }).isDisabled());
  assert.ok(await page.getByLabel(/Serenity Rewards/).isDisabled(), 'the whole form is disabled, programs too');
  assert.ok(await page.getByLabel('Enter an amount instead of points').isDisabled());
  await page.getByTestId('form-locked').waitFor();
  await app.shot('redeem-not-seen-yet');

  // Check again has the focus: Enter reads Zenoti once more.
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Check again');
  await page.keyboard.press('Enter');
  await warning.getByRole('heading', { name: 'Still not on the invoice' }).waitFor();
  await neverSaysSafe(page);
  assert.ok(await page.getByLabel('Points to redeem').isDisabled());
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Check again');
  await page.keyboard.press('Enter');
  await page.getByText('Paid $10.00 with 100 points').waitFor();
  const confirmed = await page.getByTestId('confirmed-in-zenoti').innerText();
  assert.match(confirmed, /The connection to Zenoti broke, so Front Desk checked in Zenoti: the payment went through\./);
  assert.match(confirmed, /Seen in payment t-9 on the invoice\./);
  assert.equal(await page.getByTestId('not-seen-yet').count(), 0);
  assert.deepEqual(app.named('check_redemption').map((c) => c.args), [{ attemptId: 'att-1' }, { attemptId: 'att-1' }]);
  assert.equal(app.named('redeem_points').length, 1, 'Check again never sends the payment again');
  // Paid: the invoice is read again and the form is back, empty.
  assert.ok(app.named('get_invoice').length >= 2);
  assert.equal(await page.getByLabel('Points to redeem').isDisabled(), false);
  assert.equal(await page.inputValue('#points'), '');
  await neverSaysSafe(page);
  await app.shot('redeem-checked-again-receipt');
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('the invoice stays locked while not seen yet, also when found again, until "it did not go through"', async () => {
  let sends = 0;
  const app = await harness.open(backend({
    redeem_points: ({ request }) => (++sends === 1 ? NOT_SEEN : outcome({ invoice_id: request.invoice_id, points: request.points, amount: '10' })),
    check_redemption: () => NOT_SEEN,
    dismiss_redemption: () => undefined,
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('100');
  await page.fill('#otp', '246810');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  // The confirmation opens once Rust's quote is back; Enter then confirms.
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('not-seen-yet').waitFor();
  // Finding the invoice again, or leaving the screen and coming back, does not unlock it.
  await page.fill('#invoiceLookup', '16671');
  await page.press('#invoiceLookup', 'Enter');
  await page.getByTestId('not-seen-yet').getByRole('heading', { name: 'Not on the invoice after 60 s' }).waitFor();
  assert.ok(await page.getByLabel('Points to redeem').isDisabled());
  await page.getByRole('button', { name: 'Packages', exact: true }).click();
  await page.getByRole('button', { name: 'Redeem points' }).click();
  await page.fill('#invoiceLookup', '16671');
  await page.press('#invoiceLookup', 'Enter');
  await page.getByTestId('not-seen-yet').waitFor();
  assert.ok(await page.getByLabel('Points to redeem').isDisabled());
  assert.ok(await page.getByRole('button', { name: 'Redeem', exact: true }).isDisabled());
  // Enter now checks again (its button has the focus); it never sends the payment again.
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Check again');
  await page.keyboard.press('Enter');
  await page.getByTestId('not-seen-yet').getByRole('heading', { name: 'Still not on the invoice' }).waitFor();
  assert.equal(app.named('redeem_points').length, 1);
  assert.equal(app.named('check_redemption').length, 1);
  await neverSaysSafe(page);

  // The receptionist looked in Zenoti: by keyboard, from Check again to the secondary button.
  await page.getByRole('button', { name: 'Check again' }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'I checked in Zenoti: it did not go through');
  await page.keyboard.press('Enter');
  await page.getByTestId('not-seen-yet').waitFor({ state: 'detached' });
  assert.deepEqual(app.named('dismiss_redemption').map((c) => c.args), [{ attemptId: NOT_SEEN.attempt_id }]);
  await page.waitForFunction(() => document.activeElement?.id === 'points');
  assert.equal(await page.getByLabel('Points to redeem').isDisabled(), false);
  await page.keyboard.type('100');
  await page.keyboard.press('Enter');
  // The confirmation opens once Rust's quote is back; Enter then confirms.
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await page.getByText('Paid $10.00 with 100 points').waitFor();
  assert.equal(app.named('redeem_points').length, 2);
  await page.close();
});

test('a lost answer that could not be checked says Front Desk could not reach Zenoti', async () => {
  const app = await harness.open(backend({
    redeem_points: () => ({ ...NOT_SEEN, check_error: 'Could not reach Zenoti: connection refused' }),
    check_redemption: () => { throw ipcError('invalid_input', 'Front Desk no longer has that redemption to check (the app was restarted). Check the invoice in Zenoti.'); },
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('100');
  await page.fill('#otp', '246810');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  // The confirmation opens once Rust's quote is back; Enter then confirms.
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  const warning = page.getByTestId('not-seen-yet');
  await warning.getByRole('heading', { name: 'Front Desk could not check whether the payment went through' }).waitFor();
  assert.match(await warning.innerText(), /Front Desk could not reach Zenoti to check\. The payment may still go through: check invoice SDS16671 in Zenoti before redeeming again\./);
  assert.match(await warning.innerText(), /Why: Could not reach Zenoti: connection refused/);
  await warning.getByRole('button', { name: 'Check again' }).click();
  await warning.getByText('Front Desk no longer has that redemption to check').waitFor();
  assert.ok(await page.getByLabel('Points to redeem').isDisabled(), 'still locked: nobody knows whether it went through');
  await neverSaysSafe(page);
  await app.shot('redeem-not-checked');
  await page.close();
});

test('an unknown invoice number says so', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await openRedeem(app);
  await page.keyboard.type('99999');
  await page.keyboard.press('Enter');
  await page.getByText('No invoice numbered "99999"').waitFor();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Enter');
  await page.getByText('Type or scan the invoice number.').waitFor();
  assert.equal(app.named('get_invoice').length, 0);
  await page.close();
});

test('a lost answer: the screen counts the check down, then says that the payment went through', async () => {
  const found = outcome({ checked_after_lost_answer: true, points: '100', amount: '10', points_left: null, balance_due: '205',
    evidence: 'payment t-9 on the invoice', center_time: '2026-11-22T16:40:00' });
  const app = await harness.open(backend({
    redeem_points: () => stream([
      { step: 'sending' }, { step: 'checking', seconds_left: 3 }, { step: 'checking', seconds_left: 2 },
      { step: 'checking', seconds_left: 1 }, { step: 'checking', seconds_left: 0 },
    ], { delayMs: 1000, holdMs: 600, value: found }),
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('100');
  await page.fill('#otp', '246810');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByText('Redeem 100 points?').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('checking').waitFor();
  // The countdown follows what Rust sends, second by second.
  for (const left of ['3 s', '2 s', '1 s', 'last check']) {
    await page.waitForFunction((t) => document.querySelector('[data-testid="seconds-left"]')?.textContent === t, left);
    if (left === '2 s') {
      assert.match(await page.getByTestId('checking').innerText(),
        /The answer from Zenoti was lost\. Checking whether the payment went through… ?2 s — do not redeem again\./);
      await app.shot('redeem-checking');
    }
  }
  assert.ok(await page.getByRole('button', { name: 'Checking…' }).isDisabled(), 'Redeem must stay disabled while checking');
  assert.ok(await page.getByLabel('Points to redeem').isDisabled());
  assert.ok(await page.getByLabel(/Glow Club/).isDisabled());
  await page.getByText('the payment went through.').waitFor();
  assert.match(await page.getByTestId('confirmed-in-zenoti').innerText(), /Seen in payment t-9 on the invoice\./);
  assert.equal(await page.getByTestId('checking').count(), 0);
  assert.equal(await page.getByTestId('receipt-time').innerText(), 'Nov 22, 2026, 4:40 PM');
  assert.equal(app.named('redeem_points').length, 1);
  await neverSaysSafe(page);
  await app.shot('redeem-confirmed-after-lost-answer');
  await page.close();
});

test('an invoice already part paid shows its payments, and points pay what is left', async () => {
  /** @type {Invoice} */
  const partPaid = {
    ...INVOICE,
    invoice_dues: { total: '215', paid: '50', balance: '165' },
    transactions: [{
      transaction_id: 't-1', payment_option: { id: 'po-card', payment_mode: 1, payment_name: 'Card', card_number: 'XXXXXXXXXXXX4242' },
      amount_paid: '50', total_amount_paid: '50', payment_date: '2026-11-22T10:05:00', cash_register_id: 'reg-1',
    }],
  };
  const app = await harness.open(backend({ get_invoice: () => partPaid }));
  const { page } = app;
  await openInvoice(app);
  const payments = page.getByRole('list', { name: 'Payments' });
  assert.equal(await payments.locator('li').count(), 1);
  assert.match(await payments.innerText(), /Card •••• 4242 · Nov 22, 2026, 10:05 AM\s+\$50\.00/);
  const invoice = await page.getByRole('article', { name: 'Invoice' }).innerText();
  assert.match(invoice, /Paid\s+\$50\.00/);
  assert.equal(await page.getByTestId('balance-due').innerText(), '$165.00');
  await app.shot('redeem-existing-payment');
  await page.close();
});

test('errors are told by their code: the log could not be written, another redemption, an earlier one went through', async () => {
  /** @type {IpcError[]} */
  const errors = [
    ipcError('audit_unavailable', 'Front Desk could not write to its redemption log, so nothing was sent. Check that the disk is not full, then try again; if it keeps happening, call IT.', 'No space left on device (os error 28)'),
    ipcError('redemption_in_progress', 'A redemption on this invoice is already being sent from this computer. Wait for its result.'),
    ipcError('already_applied', 'The earlier redemption on this invoice went through after all. Nothing more was sent: open the invoice again to see it.', 'payment t-9 on the invoice'),
  ];
  let invoiceReads = 0;
  const app = await harness.open(backend({
    redeem_points: () => { throw errors.shift(); },
    get_invoice: () => { invoiceReads += 1; return INVOICE; },
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('250');
  await page.fill('#otp', '246810');
  const redeem = async () => {
    await page.focus('#points');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Enter');
  };
  await redeem();
  const box = page.locator('.field-error-box [role="alert"]');
  await box.getByText('Front Desk could not write to its redemption log, so nothing was sent.').waitFor();
  assert.equal(await box.getAttribute('data-code'), 'audit_unavailable');
  assert.equal(await page.inputValue('#points'), '250', 'nothing was sent: the form is kept');
  assert.equal(await page.getByLabel('Points to redeem').isDisabled(), false);
  await app.shot('redeem-audit-unavailable');
  await redeem();
  await box.getByText('A redemption on this invoice is already being sent').waitFor();
  assert.equal(await box.getAttribute('data-code'), 'redemption_in_progress');
  assert.equal(await page.inputValue('#points'), '250');
  const before = invoiceReads;
  await redeem();
  await box.getByText('The earlier redemption on this invoice went through after all.').waitFor();
  assert.equal(await box.getAttribute('data-code'), 'already_applied');
  // It was paid after all: the invoice is read again and what was typed is cleared.
  await page.waitForFunction(() => /** @type {HTMLInputElement | null} */ (document.querySelector('#points'))?.value === '');
  assert.ok(invoiceReads > before, 'the invoice was not read again');
  assert.equal(app.named('redeem_points').length, 3);
  await neverSaysSafe(page);
  await page.close();
});

test('an amount is turned into whole steps of points at the program rate', async () => {
  const app = await harness.open(backend());
  const { page } = app;
  await openInvoice(app);
  await page.getByLabel(/Serenity Rewards/).check();
  await page.getByLabel('Enter an amount instead of points').check();
  // $25.37 at $0.10 a point in steps of 10: 250 points, worth $25.00.
  await page.fill('#amount', '25.37');
  assert.equal(await page.getByTestId('amount-points').innerText(), '= 250 points ($25.00)');
  await page.fill('#amount', '0.3');
  assert.equal(await page.getByTestId('amount-points').innerText(), 'Less than 10 points ($1.00): type a larger amount.');
  await page.fill('#amount', '25.37');
  await page.fill('#otp', '246810');
  await page.focus('#amount');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByText('Redeem 250 points?').waitFor();
  await page.keyboard.press('Enter');
  await page.getByText('Paid $25.00 with 250 points').waitFor();
  assert.equal(app.named('redeem_points')[0].args.request.points, '250');
  await page.close();
});

test('the workstation cash register is set on the screen; the log is shown and exported', async () => {
  /** @type {AuditEntry} */
  const entry = { time: '2026-11-22T15:05:00Z', attempt_id: '00000000000000a1', workstation: 'frontdesk-00ff', employee: 'API key', center_id: 'c-1',
    invoice_id: INVOICE.id, invoice_number: 'SDS16671', guest_id: 'g-1', points: '250', package: null, amount: '25', outcome: 'applied',
    evidence: "Zenoti's answer (payment t-9)", zenoti_code: null, zenoti_message: null };
  /** @type {AuditEntry} */
  const session = { ...entry, time: '2026-11-22T15:09:00Z', attempt_id: '00000000000000a2', points: null, package: 'Massage Series 10: Swedish Massage', amount: '120' };
  /** @type {AuditEntry} */
  const unseen = { ...entry, time: '2026-11-22T15:12:00Z', attempt_id: '00000000000000a3', points: '100', amount: '10', outcome: 'not_seen_yet',
    evidence: null, zenoti_message: 'timed out' };
  /** @type {string | null} */
  let register = null;
  const app = await harness.open(backend({
    app_settings: () => ({ ...SETTINGS, cash_register_id: register }),
    set_cash_register: ({ cashRegisterId }) => { register = cashRegisterId; },
    audit_log: () => [entry, session, unseen],
    export_audit_csv: () => '/home/frontdesk/Downloads/front-desk-redemptions-2026-11-22-150500.csv',
  }));
  const { page } = app;
  await openRedeem(app);
  await page.getByLabel('Cash register of this workstation (its Zenoti id)').fill('reg-9');
  await page.keyboard.press('Enter');
  await page.getByText('Cash register: reg-9').waitFor();
  assert.deepEqual(app.named('set_cash_register').map((c) => c.args), [{ cashRegisterId: 'reg-9' }]);
  await page.getByRole('button', { name: 'Show the redemption log' }).click();
  const log = page.getByRole('region', { name: 'Redemption log' });
  await log.getByText('SDS16671').first().waitFor();
  assert.match(await log.innerText(), /250 points\s+\$25\.00\s+applied/);
  assert.match(await log.innerText(), /Massage Series 10: Swedish Massage\s+\$120\.00\s+applied/);
  assert.match(await log.innerText(), /100 points\s+\$10\.00\s+not seen yet/);
  await log.getByRole('button', { name: 'Export CSV' }).click();
  await page.getByText('Saved to /home/frontdesk/Downloads/front-desk-redemptions-2026-11-22-150500.csv').waitFor();
  await app.shot('redeem-log');
  await page.close();
});

test('the demo shows the OTP codes a guest would have received', async () => {
  const app = await harness.open(backend({
    restore_session: () => ({ ...SESSION, mode: /** @type {const} */ ('demo') }),
    demo_codes: () => ({ sent: [['SDS16671', '493021']], package_codes: [], override_codes: ['246810'] }),
  }));
  const { page } = app;
  await openRedeem(app);
  const help = page.getByRole('complementary', { name: 'Demo codes' });
  await help.getByText('SDS16671: 493021').waitFor();
  await help.getByText('246810').waitFor();
  await page.getByText('Cash register: the demo register').waitFor();
  await app.shot('redeem-demo-codes');
  await page.close();
});

test('a closed invoice shows what was paid and offers no redemption', async () => {
  const app = await harness.open(backend({ get_invoice: () => ({ ...INVOICE, is_closed: true, lock: true }) }));
  const { page } = app;
  await openRedeem(app);
  await page.keyboard.type('16671');
  await page.keyboard.press('Enter');
  await page.getByTestId('closed-note').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Redeem', exact: true }).count(), 0);
  assert.equal(await page.getByLabel('Points to redeem').count(), 0);
  await page.close();
});

test('asked to close during a redemption, the window says it waits for the result', async () => {
  const app = await harness.open(backend({
    redeem_points: ({ request }) => stream([{ step: 'sending' }], { holdMs: 1500, value: outcome({ invoice_id: request.invoice_id, points: request.points }) }),
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('250');
  await page.fill('#otp', '246810');
  await page.press('#points', 'Enter');
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await page.getByText('Sending the payment to Zenoti…').waitFor();
  // What the Rust side sends when the window is closed (or the app stopped) meanwhile.
  /** @type {import('./mocks').ClosingNotice} */
  const notice = { redemptions: 1, seconds_at_most: 90 };
  await page.evaluate((n) => window.__emit('closing', n), notice);
  const banner = page.getByTestId('closing');
  await banner.waitFor();
  assert.match(await banner.innerText(), /Front Desk will close when the redemption in progress has its result \(at most 90 s\)\. Wait for it; nothing new can be redeemed meanwhile\./);
  await app.shot('closing-waits-for-redemption');
  await page.getByText('Paid $25.00 with 250 points').waitFor();
  await page.close();
});
