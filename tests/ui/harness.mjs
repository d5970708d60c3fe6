// Serves the built UI and opens it in headless Chromium with the Tauri IPC replaced by a
// handler written in the test.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const DIST = new URL('../../ui/dist/', import.meta.url).pathname;
const SHOTS = new URL('../../target/ui-shots/', import.meta.url).pathname;
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

  /** Opens the app; `handler(cmd, args)` answers each command or throws an IpcError object. */
  async function open(handler) {
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
      window.__TAURI_INTERNALS__ = {
        invoke: (cmd, args) => window.__ipc(cmd, args).then((r) => (r.ok ? r.value : Promise.reject(r.error))),
        transformCallback: () => 0,
        metadata: { currentWindow: { label: 'main' }, currentWebview: { label: 'main' } },
      };
    });
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

export const CENTERS = [
  { id: 'c-1', code: 'SDS-DT', name: 'Serenity Day Spa - Downtown', display_name: 'Serenity Day Spa - Downtown', description: null, culture_code_at_center: 'en-US',
    currency: { id: 148, code: 'USD', symbol: '$' }, address_info: { address_1: '401 Congress Ave', city: 'Austin', zip_code: '78701' } },
  { id: 'c-2', code: 'SMS-LS', name: 'Serenity Med Spa - Lakeside', display_name: null, description: null, culture_code_at_center: 'en-US',
    currency: { id: 148, code: 'USD', symbol: '$' }, address_info: { address_1: null, city: 'Austin', zip_code: null } },
  { id: 'c-3', code: 'SSQ-TO', name: 'Serenity Spa - Queen Street', display_name: null, description: null, culture_code_at_center: 'en-CA',
    currency: { id: 36, code: 'CAD', symbol: '$' }, address_info: null },
];

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
      commission: null, series_package: null, preferences: null, tags: null, benefits: null,
      centers: [{ center_id: centerId, currency_id: 148, sale_price: `${1000 + n}.5`, price_with_tax: null, tax_id: null,
        auto_renewal: false, discount_price: null }],
    };
  });
  return { packages, page_info: { total, page, size } };
}
