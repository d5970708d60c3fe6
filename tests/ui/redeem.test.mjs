import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, stream, answering, signedIn } from './harness.mjs';

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

const SESSION = {
  mode: 'api_key', base_url: 'https://api.zenoti.com', user_name: null,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};
const INVOICE = {
  id: '0000001e-0000-4000-8000-000000000001', invoice_number: 'SDS16671', receipt_number: null, center_id: 'c-1',
  invoice_date: '2026-11-22T10:00:00', is_closed: false, lock: false, is_refund: false, has_redemptions: false,
  guest: { id: 'g-1', first_name: 'Anna', last_name: 'Garcia', code: 'G10000', mobile_phone: '5125551000' },
  total_price: { net_price: '215', tax: '0', sum_total: '215' },
  invoice_dues: { total: '215', paid: '0', balance: '215' },
  invoice_items: [
    { id: 'i-1', name: 'Swedish Massage', item_type: 'Service', quantity: 1, price: { sales: '120', tax: '0', final: '120', discount: '0' } },
    { id: 'i-2', name: 'Signature Facial', item_type: 'Service', quantity: 1, price: { sales: '95', tax: '0', final: '95', discount: '0' } },
  ],
  transactions: [],
};
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

function backend(overrides = {}) {
  const all = {
    ...signedIn(SESSION),
    find_invoices: ({ number }) => number === null
      ? [{ invoice_id: INVOICE.id, invoice_no: 'SDS16671', name: 'Anna Garcia', mobile_phone: null, sale_date: null, final_price: '215', user_id: 'g-1', is_closed: false }]
      : number === '16671' ? [{ invoice_id: INVOICE.id, invoice_no: 'SDS16671', name: 'Anna Garcia', mobile_phone: null, sale_date: null, final_price: '215', user_id: 'g-1', is_closed: false }] : [],
    get_invoice: () => INVOICE,
    redeemable_points: () => REDEEMABLE,
    audit_log: () => [],
    redeem_points: ({ request }) => ({
      status: 'applied', checked_after_lost_answer: false, invoice_id: request.invoice_id, invoice_number: 'SDS16671',
      points: request.points, amount: '25', program_name: 'Serenity Rewards', points_left: '6180', balance_due: '190',
      at: new Date().toISOString(), center_time: '2026-11-22T09:05:00', workstation: 'frontdesk-00ff',
    }),
    ...overrides,
  };
  return answering(all);
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
    invoice_id: INVOICE.id, program_id: 'prog-1', points: '250', otp: '246810',
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

test('a refusal keeps the form filled in and says what to do', async () => {
  const app = await harness.open(backend({
    redeem_points: () => { throw { code: 'redemption_refused', message: "That code is not the one Zenoti sent. Ask the guest for the latest code, or use the center's override code.", detail: 'Zenoti error 502: Please enter a valid OTP.' }; },
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('250');
  await page.fill('#otp', '111111');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.getByText('That code is not the one Zenoti sent.').waitFor();
  assert.equal(await page.inputValue('#points'), '250');
  assert.equal(await page.inputValue('#otp'), '111111');
  await app.shot('redeem-refused');
  await page.close();
});

test('a lost answer that was not applied says it is safe to try again', async () => {
  const app = await harness.open(backend({
    redeem_points: ({ request }) => ({ status: 'not_applied', checked_after_lost_answer: true, invoice_id: request.invoice_id,
      invoice_number: 'SDS16671', points: request.points, amount: null, program_name: null, points_left: null, balance_due: null, at: new Date().toISOString() }),
  }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('100');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.getByText('Not applied — safe to try again').waitFor();
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

test('a lost answer: the screen says it is checking, then that the payment went through', async () => {
  const outcome = { status: 'applied', checked_after_lost_answer: true, invoice_id: INVOICE.id, invoice_number: 'SDS16671',
    points: '100', amount: '10', program_name: 'Serenity Rewards', points_left: null, balance_due: '205',
    at: new Date().toISOString(), center_time: '2026-11-22T16:40:00', workstation: 'frontdesk-00ff' };
  const app = await harness.open(backend({ redeem_points: () => stream(['sending', 'checking'], { delayMs: 200, holdMs: 1500, value: outcome }) }));
  const { page } = app;
  await openInvoice(app);
  await page.keyboard.type('100');
  await page.fill('#otp', '246810');
  await page.focus('#points');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').getByText('Redeem 100 points?').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('checking').waitFor();
  assert.match(await page.getByTestId('checking').innerText(), /Checking whether the payment went through — do not redeem again/);
  await app.shot('redeem-checking');
  assert.ok(await page.getByRole('button', { name: 'Sending…' }).isDisabled(), 'Redeem must stay disabled while checking');
  await page.getByText('the payment went through.').waitFor();
  assert.equal(await page.getByTestId('checking').count(), 0);
  assert.equal(await page.getByTestId('receipt-time').innerText(), 'Nov 22, 2026, 4:40 PM');
  assert.equal(app.named('redeem_points').length, 1);
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
  const entry = { time: '2026-11-22T15:05:00Z', workstation: 'frontdesk-00ff', employee: 'API key', center_id: 'c-1',
    invoice_id: INVOICE.id, invoice_number: 'SDS16671', guest_id: 'g-1', points: '250', package: null, amount: '25', outcome: 'applied',
    zenoti_code: null, zenoti_message: null };
  const session = { ...entry, time: '2026-11-22T15:09:00Z', points: null, package: 'Massage Series 10: Swedish Massage', amount: '120' };
  let register = null;
  const app = await harness.open(backend({
    app_settings: () => ({ base_url: '', sign_in_hint: {}, cash_register_id: register }),
    set_cash_register: ({ cashRegisterId }) => { register = cashRegisterId; },
    audit_log: () => [entry, session],
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
  await log.getByRole('button', { name: 'Export CSV' }).click();
  await page.getByText('Saved to /home/frontdesk/Downloads/front-desk-redemptions-2026-11-22-150500.csv').waitFor();
  await app.shot('redeem-log');
  await page.close();
});

test('the demo shows the OTP codes a guest would have received', async () => {
  const app = await harness.open(backend({
    restore_session: () => ({ ...SESSION, mode: 'demo' }),
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
