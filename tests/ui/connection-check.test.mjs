// Settings → Check connection: the report as Rust sends it (as expected, with differences, with
// problems) in words, the readings used from then on, and the answers not as expected met since
// (the diagnostics log), cleared after a confirmation; a refusal is shown as it is said.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startHarness, answering, signedIn, axeViolations, SETTINGS } from './harness.mjs';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */
/** @typedef {import('./mocks').ConnectionReport} ConnectionReport */
/** @typedef {import('./mocks').ProbeRow} ProbeRow */
/** @typedef {import('./mocks').DiagnosticEntry} DiagnosticEntry */
/** @typedef {import('./mocks').IpcError} IpcError */

const SHOTS = new URL('../../target/ui-shots/', import.meta.url).pathname;

let harness;
before(async () => { harness = await startHarness(); });
after(async () => { await harness?.close(); });

/** @type {SessionInfo} */
const SESSION = {
  mode: 'api_key', base_url: 'https://api.zenoti.com', user_name: null, locked: false, can_unlock: true,
  center: { id: 'c-1', name: 'Serenity Day Spa - Downtown', currency: 'USD', culture: 'en-US' },
};

const GUESTS_PATH = '/v1/guests/{invoice_id}/payments/loyalty_points/redeemable';
const INVOICES_PATH = '/v1/invoices/{invoice_id}/payments/loyalty_points/redeemable';

/**
 * A probe that answered as expected, then `fields`.
 * @param {string} step
 * @param {string} call
 * @param {Partial<ProbeRow>} [fields]
 * @returns {ProbeRow}
 */
function probe(step, call, fields = {}) {
  return { step, call, outcome: 'ok', status: 200, millis: 240, rate_limit: [], words: 'Answered as expected.', unexpected: [], ...fields };
}

/** @returns {ProbeRow} */
function notRun(step, words) {
  return { step, call: '', outcome: 'skipped', status: null, millis: null, rate_limit: [], words, unexpected: [] };
}

const READINGS = { redeemable_points: /** @type {const} */ ('guests'), invoice_search: /** @type {const} */ ('as_printed'), page_info_key: 'page_info' };

/** @type {ConnectionReport} */
const AS_EXPECTED = {
  base_url: 'https://api.zenoti.com', center: 'Serenity Day Spa - Downtown', calls: 8, verdict: 'as_expected', readings: READINGS,
  probes: [
    probe('Centers (proves the credentials)', 'GET /v1/centers', { words: '3 center(s) visible to these credentials.', millis: 182,
      rate_limit: [{ name: 'x-ratelimit-limit', value: '1000' }, { name: 'x-ratelimit-remaining', value: '994' }] }),
    probe('Packages of the center', 'GET /v1/centers/{id}/packages', { words: '10 package(s) on the first page of 412.', millis: 1312 }),
    probe('Categories', 'GET /v1/centers/{id}/categories', { words: '6 categories.' }),
    probe('Guest search (a name nobody has)', 'GET /v1/guests/search', { words: 'No guest found, as expected.' }),
    probe("Today's invoices", 'GET /v1/centers/{id}/invoices', { words: '14 invoice(s) today at Serenity Day Spa - Downtown.' }),
    probe("An invoice (today's first)", 'GET /v1/invoices/{id}', { words: 'Invoice SDS16671 read, 3 line(s).' }),
    probe('Invoice search by number', 'GET /v1/centers/{id}/invoices', { words: '"SDS16671" found the invoice.' }),
    probe('Redeemable points', 'GET /v1/guests/{id}/payments/loyalty_points/redeemable', { words: "2 loyalty program(s) on this invoice's guest." }),
  ],
  choices: [
    { question: 'Paging key of lists', answer: '`page_info`', evidence: 'The package list answered with `page_info`; both spellings are read.', settled: true },
    { question: 'Invoice numbers in the search', answer: 'as printed', evidence: 'Searching "SDS16671" found the invoice.', settled: true },
    { question: 'Redeemable points', answer: GUESTS_PATH, evidence: 'The documented path answered.', settled: true },
  ],
};

/** @type {ConnectionReport} */
const DIFFERENCES = {
  ...AS_EXPECTED, calls: 9, verdict: 'works_with_differences',
  readings: { ...READINGS, redeemable_points: 'invoices', page_info_key: 'page_Info' },
  probes: [
    ...AS_EXPECTED.probes.slice(0, 1),
    probe('Packages of the center', 'GET /v1/centers/{id}/packages', {
      outcome: 'unexpected', words: 'Answered, but not all as expected:', millis: 1312,
      unexpected: [{ endpoint: 'GET /v1/centers/{id}/packages', kind: 'undecodable', path: 'packages[0].id', expected: 'a string', found: 'a number', value: null }],
    }),
    ...AS_EXPECTED.probes.slice(2, 7),
    probe('Redeemable points', 'GET /v1/guests/{id}/payments/loyalty_points/redeemable', {
      outcome: 'unexpected', status: 404, millis: 96,
      words: 'Not found here (404): this organization answers at the other path, used from now on.',
    }),
    probe('Redeemable points', 'GET /v1/invoices/{id}/payments/loyalty_points/redeemable', {
      words: "2 loyalty program(s) on this invoice's guest.", millis: 301,
      unexpected: [{ endpoint: 'GET /v1/invoices/{id}/payments/loyalty_points/redeemable', kind: 'unknown_value', path: 'lp_redeemable.loyalty_programs[1].type',
        expected: 'a known ProgramType', found: 'a number', value: '7' }],
    }),
  ],
  choices: [
    { question: 'Paging key of lists', answer: '`page_Info`', evidence: 'The package list answered with `page_Info`; both spellings are read.', settled: true },
    AS_EXPECTED.choices[1],
    { question: 'Redeemable points', answer: INVOICES_PATH, evidence: `${GUESTS_PATH} answered 404; ${INVOICES_PATH} answered.`, settled: true },
  ],
};

const COULD_NOT_CONNECT = "Could not connect to Zenoti. Check the data-center address in Settings and this computer's network.";

/** @type {ConnectionReport} */
const PROBLEMS = {
  ...AS_EXPECTED, calls: 2, verdict: 'problems',
  probes: [
    AS_EXPECTED.probes[0],
    probe('Packages of the center', 'GET /v1/centers/{id}/packages', { outcome: 'failed', status: null, millis: 32, words: COULD_NOT_CONNECT }),
    notRun("Today's invoices", 'Today\'s invoices could not be read: not checked.'),
  ],
  choices: [
    { question: 'Invoice numbers in the search', answer: 'as printed (as documented; not confirmed)', evidence: "Today's invoices could not be read: not checked.", settled: false },
  ],
};

/** @type {DiagnosticEntry[]} */
const ENTRIES = [
  { words: '`packages[0].id`: expected a string, Zenoti sent a number', count: 3, first_seen: '2026-11-20T09:00:00Z', last_seen: '2026-11-22T15:04:05Z',
    endpoint: 'GET /v1/centers/{id}/packages', kind: 'undecodable', path: 'packages[0].id', expected: 'a string', found: 'a number', value: null },
  { words: '`invoice.transactions[0].payment_option`: expected an object, Zenoti sent text (read as absent)', count: 1, first_seen: '2026-11-21T10:00:00Z',
    last_seen: '2026-11-21T10:00:00Z', endpoint: 'GET /v1/invoices/{id}', kind: 'tolerated', path: 'invoice.transactions[0].payment_option',
    expected: 'an object', found: 'text', value: null },
];

/**
 * The signed-in desk with Settings' own reads answered; `reports` are answered in turn by
 * check_connection (the last one again after), each after a moment.
 * @param {(ConnectionReport | IpcError)[]} reports
 * @param {Mocks} [overrides]
 */
function backend(reports, overrides = {}) {
  let n = 0;
  /** @type {Mocks} */
  const all = {
    ...signedIn(SESSION),
    about: () => ({ build: { version: '0.1.0', commit: 'abc1234', profile: 'release', platform: 'linux x86_64' },
      base_url: 'https://api.zenoti.com', mode: 'api_key', log_dir: '/home/desk/.local/share/com.frontdesk.client/logs' }),
    update_status: () => ({ current_version: '0.1.0', available: null, checked_at: null, error: null, older_offered: null, disabled: null }),
    check_connection: async () => {
      const next = reports[Math.min(n++, reports.length - 1)];
      await new Promise((r) => setTimeout(r, 300));
      if ('code' in next) throw next;
      return next;
    },
    ...overrides,
  };
  return answering(all);
}

/** Opens Settings; returns the Connection check card. */
async function openCheck(app) {
  await app.page.getByRole('button', { name: 'Settings' }).click();
  const card = app.page.getByRole('article', { name: 'Connection check' });
  await card.getByTestId('diagnostics').waitFor();
  return card;
}

/** The text of each probe row, in order (the rows beneath, with the differences, included). */
function rows(card) {
  return card.getByRole('table', { name: 'Calls sent to Zenoti' }).locator('tbody tr').allInnerTexts();
}

const oneLine = (s) => s.replace(/\s+/g, ' ').trim();

test('a check as expected: the verdict, the calls sent, each call with its outcome, status and time, and the readings', async () => {
  const app = await harness.open(backend([AS_EXPECTED]));
  const { page } = app;
  const card = await openCheck(app);
  await card.getByText('Reads every call Front Desk uses once, writes nothing to Zenoti, and sends at most 11 calls.').waitFor();
  await page.click('#checkConnection');
  // While it runs: the button is disabled, and "Checking…" is said.
  await card.getByText('Checking…').waitFor();
  assert.equal(await page.isDisabled('#checkConnection'), true);
  assert.equal(await card.getByText('Checking…').evaluate((e) => e.closest('[aria-live]')?.getAttribute('aria-live')), 'polite');
  const report = card.getByTestId('connection-report');
  await report.getByText('Zenoti answers the way Front Desk expects.').waitFor();
  await card.getByText('Checking…').waitFor({ state: 'detached' });
  assert.equal(await page.isDisabled('#checkConnection'), false);
  // The headline takes the focus, for a screen reader to read it.
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Zenoti answers the way Front Desk expects.');
  await report.getByText('8 calls sent to Zenoti at https://api.zenoti.com, nothing written. Center read: Serenity Day Spa - Downtown.').waitFor();

  const texts = (await rows(card)).map(oneLine);
  assert.equal(texts.length, 8);
  assert.equal(texts[0], 'Centers (proves the credentials) GET /v1/centers ✓ OK 200 182 ms 3 center(s) visible to these credentials. x-ratelimit-limit: 1000 · x-ratelimit-remaining: 994');
  assert.equal(texts[1], 'Packages of the center GET /v1/centers/{id}/packages ✓ OK 200 1,312 ms 10 package(s) on the first page of 412.');
  assert.ok(texts.every((t) => t.includes('✓ OK')), texts.join('\n'));
  // The table's headers name each column; each row is headed by its step.
  assert.deepEqual(await card.getByRole('columnheader').allInnerTexts(), ['Step and call', 'Outcome', 'HTTP', 'Time', 'What happened']);
  await card.getByRole('rowheader', { name: /Guest search \(a name nobody has\)/ }).waitFor();
  // The call is in monospace.
  const font = await card.getByText('GET /v1/centers/{id}/categories').evaluate((e) => getComputedStyle(e).fontFamily);
  assert.match(font, /monospace/);

  await report.getByRole('heading', { name: 'Readings used from now on' }).waitFor();
  const readings = oneLine(await report.locator('dl').innerText());
  assert.match(readings, /Paging key of lists page_info The package list answered with page_info; both spellings are read\./);
  assert.match(readings, /Redeemable points \/v1\/guests\/\{invoice_id\}\/payments\/loyalty_points\/redeemable The documented path answered\./);
  assert.equal(await report.locator('dd strong').first().innerText(), 'page_info');
  assert.equal(await report.getByText('Not settled by this check.').count(), 0);
  // The log is read on opening, and again after the check.
  assert.equal(app.named('diagnostics').length, 2);
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('a check with differences: the rows that differ, each difference in words, and the other redeemable path used from now on', async () => {
  const app = await harness.open(backend([DIFFERENCES], { diagnostics: () => ENTRIES }));
  const { page } = app;
  const card = await openCheck(app);
  await page.click('#checkConnection');
  const report = card.getByTestId('connection-report');
  await report.getByText("Everything works, but this organization's Zenoti differs from the documentation in places (below). Front Desk adapts to it.").waitFor();
  await report.getByText('9 calls sent to Zenoti at https://api.zenoti.com, nothing written.', { exact: false }).waitFor();

  const texts = (await rows(card)).map(oneLine);
  assert.equal(texts[1], 'Packages of the center GET /v1/centers/{id}/packages ! Differs 200 1,312 ms Answered, but not all as expected:');
  assert.equal(texts[2], 'packages[0].id: expected a string, Zenoti sent a number');
  assert.equal(await card.getByRole('list', { name: 'Not as expected in: Packages of the center' }).getByRole('listitem').count(), 1);
  assert.match(await report.locator('code', { hasText: 'packages[0].id' }).evaluate((e) => getComputedStyle(e).fontFamily), /monospace/);
  const guests = texts.find((t) => t.includes('GET /v1/guests/{id}/payments'));
  assert.equal(guests, 'Redeemable points GET /v1/guests/{id}/payments/loyalty_points/redeemable ! Differs 404 96 ms Not found here (404): this organization answers at the other path, used from now on.');
  assert.ok(texts.includes('lp_redeemable.loyalty_programs[1].type: a value Front Desk does not know (a number 7), kept as it came'), texts.join('\n'));

  const readings = oneLine(await report.locator('dl').innerText());
  assert.match(readings, /Paging key of lists page_Info/);
  assert.ok(readings.includes(`Redeemable points ${INVOICES_PATH} ${GUESTS_PATH} answered 404; ${INVOICES_PATH} answered.`), readings);
  await report.locator('dd strong', { hasText: INVOICES_PATH }).waitFor();

  // The answers not as expected met since are listed beneath.
  const log = card.getByTestId('diagnostics');
  await log.getByText('Kept on this computer and added to the support bundle: where and what type, never names, amounts or keys.').waitFor();
  assert.equal(await log.getByRole('listitem').count(), 2);

  await card.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(SHOTS, 'settings-connection-check.png'), fullPage: true });
  await card.screenshot({ path: join(SHOTS, 'settings-connection-check-card.png') });
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('a check with problems: the failed call says what to do, the calls not run say why, a reading left unsettled says so', async () => {
  const app = await harness.open(backend([PROBLEMS]));
  const { page } = app;
  const card = await openCheck(app);
  await page.click('#checkConnection');
  const report = card.getByTestId('connection-report');
  await report.getByText('Some calls failed: see the rows marked Failed.').waitFor();
  await report.getByText('2 calls sent to Zenoti at https://api.zenoti.com, nothing written.', { exact: false }).waitFor();
  const texts = (await rows(card)).map(oneLine);
  assert.deepEqual(texts.slice(1), [
    `Packages of the center GET /v1/centers/{id}/packages ✗ Failed — 32 ms ${COULD_NOT_CONNECT}`,
    "Today's invoices – Not run — — Today's invoices could not be read: not checked.",
  ]);
  // The outcome is a word, not a colour alone; the symbol is not read out.
  assert.deepEqual(await card.locator('.outcome').allInnerTexts(), ['✓ OK', '✗ Failed', '– Not run']);
  assert.equal(await card.locator('.outcome [aria-hidden="true"]').count(), 3);
  const unsettled = oneLine(await report.locator('dd').innerText());
  assert.equal(unsettled, "as printed (as documented; not confirmed) Not settled by this check. Today's invoices could not be read: not checked.");
  await card.screenshot({ path: join(SHOTS, 'settings-connection-problems-card.png') });
  await page.close();
});

test('the answers not as expected: listed on opening with how often and when, cleared only after confirming', async () => {
  let entries = ENTRIES;
  const app = await harness.open(backend([AS_EXPECTED], {
    diagnostics: () => entries,
    clear_diagnostics: () => { entries = []; },
  }));
  const { page } = app;
  const card = await openCheck(app);
  const log = card.getByTestId('diagnostics');
  await log.getByRole('heading', { name: 'Answers we did not expect' }).waitFor();
  await log.getByRole('listitem').first().waitFor();
  const items = (await log.getByRole('listitem').allInnerTexts()).map(oneLine);
  const last = await page.evaluate((iso) => new Intl.DateTimeFormat('en-US',
    { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).format(Date.parse(iso)), ENTRIES[0].last_seen);
  assert.equal(items[0], `packages[0].id: expected a string, Zenoti sent a number GET /v1/centers/{id}/packages · seen 3 times, last ${oneLine(last)}`);
  assert.match(items[1], /^invoice\.transactions\[0\]\.payment_option: expected an object, Zenoti sent text \(read as absent\) GET \/v1\/invoices\/\{id\} · seen 1 time, last /);

  // Asked first; keeping them changes nothing and gives the focus back.
  await page.click('#clearDiagnostics');
  const confirm = log.getByRole('group', { name: 'Clear the answers we did not expect?' });
  await confirm.waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === 'Keep them');
  await confirm.getByRole('button', { name: 'Keep them' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'clearDiagnostics');
  assert.equal(app.named('clear_diagnostics').length, 0);

  await page.click('#clearDiagnostics');
  await confirm.getByRole('button', { name: 'Yes, clear them' }).click();
  await log.getByText('None so far.').waitFor();
  await log.getByRole('status').getByText('Cleared.').waitFor();
  assert.equal(app.named('clear_diagnostics').length, 1);
  assert.equal(await log.getByRole('listitem').count(), 0);
  assert.equal(await page.$('#clearDiagnostics'), null);
  assert.deepEqual(app.errors, []);
  await page.close();
});

test('a check refused is shown as Rust says it, and a locked workstation brings the lock screen', async () => {
  /** @type {IpcError} */
  const NETWORK = { code: 'network', message: 'Front Desk could not reach Zenoti. Check this computer\'s network, then try again.', detail: 'dns error: failed to lookup address information' };
  /** @type {IpcError} */
  const LOCKED = { code: 'locked', message: 'The workstation is locked. Unlock it to go on.', detail: null };
  const app = await harness.open(backend([NETWORK, AS_EXPECTED, LOCKED]));
  const { page } = app;
  const card = await openCheck(app);
  await page.click('#checkConnection');
  const banner = card.getByRole('alert');
  await banner.getByText(NETWORK.message).waitFor();
  assert.equal(await banner.getAttribute('data-code'), 'network');
  assert.equal(await card.getByTestId('connection-report').count(), 0);
  // Checked again: the error goes, the report comes.
  await page.click('#checkConnection');
  await card.getByTestId('connection-report').getByText('Zenoti answers the way Front Desk expects.').waitFor();
  assert.equal(await card.getByRole('alert').count(), 0);
  // Locked meanwhile: said, and the lock screen comes.
  await page.click('#checkConnection');
  await card.getByRole('alert').getByText('The workstation is locked: nothing was checked.').waitFor();
  await page.getByRole('dialog', { name: 'Front Desk is locked' }).waitFor();
  await page.close();
});

test('the log that cannot be cleared says so and stays', async () => {
  const app = await harness.open(backend([AS_EXPECTED], {
    diagnostics: () => ENTRIES,
    clear_diagnostics: () => { throw { code: 'not_signed_in', message: 'Sign in first.', detail: null }; },
  }));
  const { page } = app;
  const card = await openCheck(app);
  const log = card.getByTestId('diagnostics');
  await page.click('#clearDiagnostics');
  await log.getByRole('button', { name: 'Yes, clear them' }).click();
  await log.getByRole('alert').getByText('Not signed in: nothing was cleared.').waitFor();
  await log.getByRole('alert').getByText('Sign in first.').waitFor();
  assert.equal(await log.getByRole('listitem').count(), 2);
  await page.close();
});

test('the sign-in screen checks the connection with what was typed, when signing in fails', async () => {
  /** @type {ConnectionReport} */
  const centersUnreadable = {
    base_url: 'https://api.zenoti.com', center: null, calls: 1, verdict: 'problems', readings: READINGS,
    probes: [
      probe('Centers (proves the credentials)', 'GET /v1/centers', {
        outcome: 'failed', words: 'The answer could not be read at `centers[0].id`: Front Desk\'s screens using it would fail. Send the support bundle.',
        unexpected: [{ endpoint: 'GET /v1/centers', kind: 'undecodable', path: 'centers[0].id', expected: 'a string', found: 'a number', value: null }],
      }),
      notRun('Packages of the center', 'No center to read: the centers call gave none.'),
    ],
    choices: [],
  };
  const app = await harness.open(answering({
    app_settings: () => SETTINGS,
    restore_session: () => null,
    sign_in: () => { throw { code: 'unexpected_response', message: 'Zenoti answered in a way Front Desk could not read. Send the support bundle to support.', detail: 'unexpected response from Zenoti at `centers[0].id`' }; },
    check_connection_before_sign_in: async () => {
      await new Promise((r) => setTimeout(r, 200));
      return centersUnreadable;
    },
    export_support_bundle: () => '/home/desk/Downloads/front-desk-support.zip',
  }));
  const { page } = app;
  await page.getByRole('heading', { name: 'Sign in to Zenoti' }).waitFor();
  // Nothing typed: the same field errors as signing in, nothing asked.
  await page.getByRole('button', { name: 'Check connection' }).click();
  await page.getByText('Enter the API key.').waitFor();
  assert.equal(app.named('check_connection_before_sign_in').length, 0);
  await page.locator('#apiKey').fill('the-organizations-key');
  await page.locator('#apiKey').press('Enter');
  await page.getByRole('alert').getByText('Zenoti answered in a way Front Desk could not read.').waitFor();
  await page.getByRole('button', { name: 'Check connection' }).click();
  const card = page.getByRole('region', { name: 'Connection check' });
  const report = card.getByTestId('connection-report');
  await report.waitFor();
  assert.deepEqual(app.named('check_connection_before_sign_in').map((c) => c.args.request),
    [{ method: 'api_key', base_url: 'https://api.zenoti.com', api_key: 'the-organizations-key' }]);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('headline')), true, 'the verdict has the focus');
  await report.getByText('Some calls failed: see the rows marked Failed.').waitFor();
  const notes = report.getByRole('list', { name: 'Not as expected in: Centers (proves the credentials)' });
  assert.equal(await notes.innerText(), 'centers[0].id: expected a string, Zenoti sent a number');
  assert.equal(await app.named('sign_in').length, 1, 'checking signs nothing in');
  // The support bundle, for support, from here too.
  await card.getByRole('button', { name: 'Save a support bundle' }).click();
  await card.getByRole('status').getByText('Saved to /home/desk/Downloads/front-desk-support.zip').waitFor();
  await page.screenshot({ path: join(SHOTS, 'check-before-sign-in.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page, 'sign-in with a connection check'), []);
  assert.deepEqual(app.errors, []);
  await page.close();
});
