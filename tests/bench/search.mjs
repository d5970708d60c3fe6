// `make bench`: time per search keystroke over 5,000 packages in the real UI, in headless
// Chromium: from the input event to the list re-rendered and laid out.
import { startHarness, catalog, catalogEvents, stream } from '../ui/harness.mjs';
import { ROUNDS, WORDS, summary, typeAndTime } from './keystrokes.mjs';

const PACKAGES = 5000;
const SESSION = {
  mode: 'demo', base_url: 'http://127.0.0.1:1', user_name: null,
  center: { id: 'c-1', name: 'Bench Spa', currency: 'USD', culture: 'en-US' },
};

const harness = await startHarness();
try {
  const packages = catalog(PACKAGES);
  const app = await harness.open((cmd) => {
    if (cmd === 'restore_session') return SESSION;
    if (cmd === 'open_catalog') return stream(catalogEvents(packages));
    if (cmd === 'list_categories') return [];
    if (cmd === 'app_settings') return { base_url: '', sign_in_hint: {} };
    throw { code: 'internal', message: cmd, detail: null };
  });
  const { page } = app;
  await page.getByText('5,000 packages at Bench Spa').waitFor({ timeout: 30_000 });
  const timings = await page.evaluate(`(${typeAndTime})(${JSON.stringify(WORDS)}, ${ROUNDS})`);
  console.log(`search keystroke over ${PACKAGES} packages, headless Chromium, ${timings.length} keystrokes:`);
  console.log(`  ${summary(timings)}`);
  await page.close();
} finally {
  await harness.close();
}
