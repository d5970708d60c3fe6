// A small W3C WebDriver client over fetch, for tauri-driver. Every call has a timeout: a
// missing display makes session creation hang forever otherwise.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

async function request(method, path, body, timeoutMs = 30_000, driver = DRIVER) {
  const response = await fetch(`${driver}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await response.json();
  if (!response.ok) {
    const e = json.value ?? {};
    throw new Error(`WebDriver ${method} ${path}: ${e.error ?? response.status} ${e.message ?? ''}`);
  }
  return json.value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class App {
  /** Starts the app through the tauri-driver at `driver` (each desk of a test has its own). */
  static async launch(application, outDir, driver = DRIVER) {
    const value = await request('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application } } },
    }, 90_000, driver);
    return new App(value.sessionId, outDir, driver);
  }

  constructor(id, outDir, driver = DRIVER) {
    this.id = id;
    this.outDir = outDir;
    this.driver = driver;
  }

  call(method, path, body, timeoutMs) {
    return request(method, `/session/${this.id}${path}`, body, timeoutMs, this.driver);
  }

  execute(script, ...args) {
    return this.call('POST', '/execute/sync', { script, args });
  }

  /** Polls until `probe()` returns a truthy value. */
  async until(what, probe, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (e) {
        last = e;
      }
      await sleep(150);
    }
    const body = await this.execute('return document.body.innerText').catch(() => '(unreadable)');
    await this.screenshot(`timeout-${Date.now()}`).catch(() => {});
    throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}; the window shows:\n${body}`);
  }

  waitForText(text, timeoutMs) {
    return this.until(`"${text}"`, () => this.execute('return document.body.innerText.includes(arguments[0])', text), timeoutMs);
  }

  async find(xpath, timeoutMs) {
    return this.until(xpath, async () => {
      const value = await this.call('POST', '/element', { using: 'xpath', value: xpath });
      return value[ELEMENT];
    }, timeoutMs);
  }

  button(label) {
    return this.find(`//button[normalize-space()=${JSON.stringify(label)}]`);
  }

  async click(elementOrLabel) {
    const id = elementOrLabel.startsWith('//') ? await this.find(elementOrLabel) : await this.button(elementOrLabel);
    await this.call('POST', `/element/${id}/click`, {});
  }

  async type(cssId, text) {
    const id = await this.find(`//*[@id=${JSON.stringify(cssId)}]`);
    await this.call('POST', `/element/${id}/clear`, {});
    await this.call('POST', `/element/${id}/value`, { text });
  }

  /** Scrolls the element with this id or data-testid into view (for a screenshot of it). */
  scrollTo(idOrTestId) {
    return this.execute(
      'const e = document.getElementById(arguments[0]) ?? document.querySelector(`[data-testid="${arguments[0]}"]`); e?.scrollIntoView({ block: "start" }); return !!e;',
      idOrTestId);
  }

  pressEnter(cssId) {
    return this.find(`//*[@id=${JSON.stringify(cssId)}]`).then((id) =>
      this.call('POST', `/element/${id}/value`, { text: '\uE007' }));
  }

  /** Sets a <select> the way a person's choice would, with its change event. */
  select(cssId, value) {
    return this.execute(
      'const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event("change", {bubbles: true}));',
      cssId, value,
    );
  }

  /** Signs in on the sign-in screen with an API key, against `baseUrl` as a custom data center. */
  async signInWithApiKey(baseUrl, key) {
    await this.select('dataCenter', 'custom');
    await this.type('customUrl', baseUrl);
    await this.type('apiKey', key);
    await this.pressEnter('apiKey');
  }

  async screenshot(name) {
    // Let the page paint what it last changed before taking the picture.
    await this.call('POST', '/execute/async', {
      script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
      args: [],
    });
    const path = join(this.outDir, `${name}.png`);
    try {
      const png = await this.call('GET', '/screenshot', undefined, 10_000);
      await writeFile(path, Buffer.from(png, 'base64'));
    } catch {
      // WebKitWebDriver's screenshot never answers while a fixed-position modal is open: take
      // the X display instead (the window sits at 0,0 with no window manager).
      execFileSync('import', ['-window', 'root', path], { timeout: 20_000 });
    }
  }

  async quit() {
    await request('DELETE', `/session/${this.id}`, undefined, 30_000, this.driver).catch(() => {});
  }
}
