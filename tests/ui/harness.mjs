// Serves the built UI and opens it in headless Chromium with the Tauri IPC replaced by a
// handler written in the test.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

/** @typedef {import('./mocks').Mocks} Mocks */
/** @typedef {import('./mocks').SessionInfo} SessionInfo */
/** @typedef {import('./mocks').Center} Center */
/** @typedef {import('./mocks').Package} Package */

const DIST = new URL('../../ui/dist/', import.meta.url).pathname;
const SHOTS = new URL('../../target/ui-shots/', import.meta.url).pathname;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

export async function startHarness() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    const file = join(DIST, path === '' ? 'index.html' : path);
    try {
      const body = await readFile(file.startsWith(DIST) ? file : join(DIST, 'index.html'));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
  mkdirSync(SHOTS, { recursive: true });

  /**
   * Opens the app with `handler(cmd, args)` answering each command (or throwing an IpcError
   * object); `beforeLoad(page)` runs before it loads (e.g. a fake clock).
   * @param {(cmd: string, args: any) => unknown} handler
   * @param {{ beforeLoad?: (page: import('playwright-core').Page) => Promise<unknown> | unknown }} [options]
   */
  async function open(handler, { beforeLoad } = {}) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 780 } });
    page.setDefaultTimeout(10_000);
    const calls = [];
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.exposeFunction('__ipc', async (cmd, args) => {
      calls.push({ cmd, args });
      try {
        return { ok: true, value: (await handler(cmd, args)) ?? null };
      } catch (error) {
        return { ok: false, error };
      }
    });
    await page.addInitScript(() => {
      const callbacks = new Map();
      const listeners = {};
      window.__emit = (event, payload) => {
        for (const id of listeners[event] ?? []) callbacks.get(id)?.({ event, id, payload });
      };
      let nextId = 1;
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      window.__TAURI_INTERNALS__ = {
        // Channels register a callback; a command's streamed events go to it as the runtime
        // sends them ({message, index}), before the command's own result.
        transformCallback: (callback) => {
          const id = nextId++;
          callbacks.set(id, callback);
          return id;
        },
        unregisterCallback: (id) => callbacks.delete(id),
        invoke: async (cmd, args) => {
          // Events the Rust side sends the window: a test sends one with window.__emit.
          if (cmd === 'plugin:event|listen') {
            (listeners[args.event] ??= []).push(args.handler);
            return args.handler;
          }
          if (cmd === 'plugin:event|unlisten') return null;
          const r = await window.__ipc(cmd, JSON.parse(JSON.stringify(args ?? {})));
          if (!r.ok) throw r.error;
          const stream = r.value && r.value.__stream;
          if (!stream) return r.value;
          const channel = Object.values(args).find((v) => v && typeof v === 'object' && 'id' in v && 'onmessage' in v);
          let index = 0;
          for (const message of stream.events) {
            if (stream.delayMs) await sleep(stream.delayMs);
            callbacks.get(channel.id)?.({ message, index: index++ });
          }
          if (stream.holdMs) await sleep(stream.holdMs);
          callbacks.get(channel.id)?.({ end: true, index });
          if (stream.error) throw stream.error;
          return stream.value ?? null;
        },
        metadata: { currentWindow: { label: 'main' }, currentWebview: { label: 'main' } },
      };
    });
    if (beforeLoad) await beforeLoad(page);
    await page.goto(url);
    const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
    return { page, calls, errors, shot, named: (cmd) => calls.filter((c) => c.cmd === cmd) };
  }

  async function close() {
    await browser.close();
    server.close();
  }
  return { open, close };
}

/**
 * A handler for `open` answering each command from `mocks` (a command without one fails, as an
 * unknown command would). The mocks are typed against the app's command table: see mocks.d.ts.
 * @param {Mocks} mocks
 */
export function answering(mocks) {
  return (cmd, args) => {
    if (!mocks[cmd]) throw { code: 'internal', message: `no mock for ${cmd}`, detail: null };
    return mocks[cmd](args ?? {});
  };
}

/**
 * Sends the window `event` as the Rust side would (its payload typed by the generated event table).
 * @template {keyof import('./mocks').Events} E
 * @param {import('playwright-core').Page} page
 * @param {E} event
 * @param {import('./mocks').Events[E]} payload
 */
export function emit(page, event, payload) {
  return page.evaluate(([e, p]) => window.__emit(e, p), /** @type {[string, unknown]} */ ([event, payload]));
}

/**
 * Runs axe-core on the page as it is now and prints every violation, of any impact, under
 * `screen` (so the figures can be reported). Returns them.
 * @param {import('playwright-core').Page} page
 * @param {string} screen
 * @returns {Promise<{ id: string, impact: string | null, help: string, targets: string[] }[]>}
 */
export async function axeViolations(page, screen) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  const byImpact = ['critical', 'serious', 'moderate', 'minor']
    .map((impact) => [impact, violations.filter((v) => v.impact === impact).length])
    .filter(([, n]) => n)
    .map(([impact, n]) => `${n} ${impact}`);
  console.log(`axe: ${screen}: ${violations.length ? byImpact.join(', ') : 'no violations'}`);
  for (const v of violations) console.log(`axe:   ${v.impact} ${v.id}: ${v.help} — ${v.targets.join(' | ')}`);
  return violations;
}

/** Settings as the Rust side sends them, before anything was changed. */
export const SETTINGS = {
  base_url: 'https://api.zenoti.com',
  sign_in_hint: { method: null, account_name: null, user_name: null, app_id: null },
  cash_register_id: null,
  idle_lock_minutes: 10,
  update_endpoint: null,
  payment_check_seconds: 60,
};

/**
 * A `quote_points` mock answering as Rust's quote does for `info`, on an invoice with `balance`
 * left to pay: the points as typed, what they pay at the program's rate (else the guest's).
 * @param {import('./mocks').RedeemableInfo} info
 * @param {string} balance
 * @returns {import('./mocks').Mock<'quote_points'>}
 */
export function quoting(info, balance) {
  return ({ request }) => {
    const program = info.lp_redeemable.loyalty_programs.find((p) => p.id === request.program_id) ?? null;
    const rate = program?.exchange_rate ?? info.lp_redeemable.exchange_rate;
    const points = request.points.trim();
    return {
      points,
      amount: rate === null ? null : (Number(points) * Number(rate)).toFixed(2),
      program_name: program?.name ?? null,
      balance_due: balance,
    };
  };
}

/**
 * The mocks every signed-in screen asks for: `session` restored, the centers, an empty catalog.
 * @param {SessionInfo} session
 * @returns {Mocks}
 */
export function signedIn(session) {
  return {
    app_settings: () => SETTINGS,
    restore_session: () => session,
    list_centers: () => CENTERS,
    open_catalog: () => null,
    list_categories: () => [],
    diagnostics: () => [],
  };
}

/**
 * A command result that first streams `events` over the command's channel, `delayMs` apart,
 * then answers `holdMs` after the last one.
 * @template R, E
 * @param {E[]} events
 * @param {{ delayMs?: number, holdMs?: number, value?: R | null }} [options]
 * @returns {import('./mocks').Streamed<R, E>}
 */
export function stream(events, { delayMs = 0, holdMs = 0, value = null } = {}) {
  return { __stream: { events, delayMs, holdMs, value } };
}

/** @type {Center[]} */
export const CENTERS = [
  { id: 'c-1', code: 'SDS-DT', name: 'Serenity Day Spa - Downtown', display_name: 'Serenity Day Spa - Downtown', description: null, culture_code_at_center: 'en-US',
    currency: { id: 148, code: 'USD', symbol: '$' }, address_info: { address_1: '401 Congress Ave', city: 'Austin', zip_code: '78701' } },
  { id: 'c-2', code: 'SMS-LS', name: 'Serenity Med Spa - Lakeside', display_name: null, description: null, culture_code_at_center: 'en-US',
    currency: { id: 148, code: 'USD', symbol: '$' }, address_info: { address_1: null, city: 'Austin', zip_code: null } },
  { id: 'c-3', code: 'SSQ-TO', name: 'Serenity Spa - Queen Street', display_name: null, description: null, culture_code_at_center: 'en-CA',
    currency: { id: 36, code: 'CAD', symbol: '$' }, address_info: null },
];

/** @returns {{ packages: Package[], page_info: { total: number, page: number, size: number } }} */
export function packagePage(page, size, total, centerId = 'c-1') {
  const start = (page - 1) * size;
  const count = Math.max(0, Math.min(size, total - start));
  const types = ['Day', 'Series', 'Promo', 'Custom', '9'];
  const packages = Array.from({ length: count }, (_, i) => {
    const n = start + i + 1;
    return {
      id: `p-${n}`, code: `PKG-${String(n).padStart(4, '0')}`, name: `Package number ${n}`, description: null,
      html_description: null, type: types[n % types.length], active: n % 10 !== 0, category_id: null,
      business_unit_id: null, version_id: null, time: 60, booking_start_date: null, booking_end_date: null, sac: null,
      commission: null, series_package: null, preferences: null, tags: null, benefits: null, catalog_info: null,
      centers: [{ center_id: centerId, currency_id: 148, sale_price: `${1000 + n}.5`, price_with_tax: null, tax_id: null,
        auto_renewal: false, discount_price: null }],
    };
  });
  return { packages, page_info: { total, page, size } };
}

/**
 * A varied catalog of `total` packages, as the Rust side sends them.
 * @returns {Package[]}
 */
export function catalog(total, centerId = 'c-1') {
  const treatments = ['Signature Facial', 'Hot Stone Massage', 'HydraFacial', 'Gel Manicure', 'Balayage'];
  const types = ['Day', 'Series', 'Promo', 'Custom'];
  return Array.from({ length: total }, (_, i) => {
    const n = i + 1;
    const type = types[n % 4];
    return {
      id: `p-${n}`, code: `PKG-${String(n).padStart(4, '0')}`,
      name: `${treatments[n % 5]} ${type} ${n}`, description: `${treatments[n % 5]} package number ${n}`,
      html_description: `<p><strong>${treatments[n % 5]}</strong> package</p>`, type, active: n % 10 !== 0,
      category_id: n % 2 ? 'cat-massage' : 'cat-skin', business_unit_id: null, version_id: null, time: 60,
      booking_start_date: null, booking_end_date: null, sac: null, commission: null,
      series_package: type === 'Series' ? {
        type: n % 3 ? 'Regular' : 'Offer', cost_to_center: null, freeze_count: 2,
        validity: { expiry_date: null, expiry: 180, grace_period: '30 days', validity_id: null },
        validate_first_redemption: true, transfer_service_credits: false, terms_and_conditions: 'Non-refundable.',
        schedule: { days_for_first_payment: null, payment_frequency: 1, payment_frequency_type: 2, number_of_instalments: 3 },
      } : null,
      preferences: { allow_cancellation_fee: true, allow_no_show_fee: false, allow_membership_redemption: true,
        allow_giftcard_redemption: true, enforce_otp: n % 2 === 0 },
      tags: ['bestseller'],
      benefits: { services: [{ id: `s-${n}`, name: treatments[n % 5], item_type: 1, quantity: 6, order: 1 }], products: [], bundled_products: null },
      catalog_info: { show_in_catalog: true, can_book: true, display_name: null, display_price: `${100 + n}.5` },
      centers: [{ center_id: centerId, currency_id: 148, sale_price: `${100 + n}.5`, price_with_tax: `${108 + n}.79`, tax_id: null, auto_renewal: false, discount_price: null }],
    };
  });
}

/**
 * The events of a fresh catalog load, page by page.
 * @param {Package[]} packages
 * @param {{ fetchedAt?: string, missingPages?: number[], error?: import('./mocks').IpcError | null }} [options]
 * @returns {import('./mocks').CatalogEvent[]}
 */
export function catalogEvents(packages, { fetchedAt = new Date().toISOString(), missingPages = [], error = null } = {}) {
  /** @type {import('./mocks').CatalogEvent[]} */
  const events = [];
  for (let i = 0; i < packages.length || i === 0; i += 100) {
    const batch = packages.slice(i, i + 100);
    events.push({ kind: 'progress', packages: batch, loaded: Math.min(i + 100, packages.length), total: packages.length });
    if (packages.length === 0) break;
  }
  const loaded = packages.length;
  events.push({ kind: 'done', fetched_at: fetchedAt, loaded, total: loaded + missingPages.length * 100, missing_pages: missingPages, error });
  return events;
}

/**
 * The hub as `hub_status` and the `hub-status` event report it: joined as "Downtown · desk 1"
 * (connected or offline), or none.
 * @param {import('./mocks').HubStatus['state']} state
 * @param {import('./mocks').HubStatus['trouble']} [trouble]
 * @returns {import('./mocks').HubStatus}
 */
export function hubStatus(state, trouble = null) {
  return state === 'none'
    ? { state, url: null, desk_name: null, center_id: null, trouble: null }
    : { state, url: 'https://hub.serenity.example', desk_name: 'Downtown · desk 1', center_id: 'c-1', trouble };
}

/**
 * A live update from the hub, as the `hub-update` event carries it.
 * @param {Partial<import('./mocks').HubUpdate>} fields
 * @returns {import('./mocks').HubUpdate}
 */
export function hubUpdate(fields) {
  return { seq: 1, kind: 'package_redeemed', center_id: 'c-1', invoice_id: null, user_package_id: null, guest_id: null,
    desk: null, package_name: null, sessions: 0, ...fields };
}
