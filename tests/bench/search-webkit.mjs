// `make bench`: time per search keystroke over 5,000 packages in the real app's WebKit webview
// (release build, under Xvfb through tauri-driver), signed in to a sandbox whose first center
// has 5,000 packages; the same measurement as search.mjs runs in headless Chromium.
import { spawn } from 'node:child_process';
import { App } from '../e2e/webdriver.mjs';
import { ROUNDS, WORDS, summary, typeAndTime } from './keystrokes.mjs';

const { APP, SANDBOX_BIN, E2E_OUT, E2E_API_KEY } = process.env;
for (const [k, v] of Object.entries({ APP, SANDBOX_BIN, E2E_OUT, E2E_API_KEY })) {
  if (!v) throw new Error(`${k} is not set: run \`make bench\``);
}
const PACKAGES = 5000;

const sandbox = spawn(SANDBOX_BIN, ['--port', '0', '--api-key', E2E_API_KEY, '--packages', `${PACKAGES},240,60,0`], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let seen = '';
  sandbox.stdout.on('data', (chunk) => {
    seen += chunk;
    const m = /listening on (http\S+)/.exec(seen);
    if (m) resolve(m[1]);
  });
  sandbox.on('exit', () => reject(new Error(`the sandbox stopped:\n${seen}`)));
});

const app = await App.launch(APP, E2E_OUT);
try {
  await app.waitForText('Sign in to Zenoti', 30_000);
  await app.signInWithApiKey(url, E2E_API_KEY);
  await app.until('the catalog or the center picker', () =>
    app.execute('return /Choose your center|packages at/.test(document.body.innerText)'), 30_000);
  if (await app.execute('return document.body.innerText.includes("Choose your center")')) {
    await app.click('//button[contains(., "Serenity Day Spa - Downtown")]');
  }
  await app.waitForText('5,000 packages at Serenity Day Spa - Downtown', 120_000);
  const timings = await app.call('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      (${typeAndTime.toString()})(arguments[0], arguments[1]).then(done, (e) => done({ error: String(e) }));`,
    args: [WORDS, ROUNDS],
  }, 300_000);
  if (!Array.isArray(timings)) throw new Error(`the measurement failed: ${JSON.stringify(timings)}`);
  console.log(`search keystroke over ${PACKAGES} packages, the app's WebKit webview (release), ${timings.length} keystrokes:`);
  console.log(`  ${summary(timings)}`);
  await app.click('Sign out');
} finally {
  await app.quit();
  sandbox.kill();
}
