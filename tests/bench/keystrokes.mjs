// The keystroke measurement both search benches run inside the page (headless Chromium through
// Playwright, the app's WebKit webview through WebDriver): type each word a letter at a time
// into the catalog's search box, timing each from the input event to the list re-rendered
// (Svelte's update has run) and laid out. Resolves to the timings in milliseconds.
export const WORDS = ['hydrafacial series', 'massage day 12', 'gel manicure promo', 'pkg-01', 'signature'];
export const ROUNDS = 4;

/** Runs in the page: keep it self-contained (it is sent as source text). */
export async function typeAndTime(words, rounds) {
  const input = document.querySelector('input[aria-label="Search packages"]');
  if (!input) throw new Error('no catalog search box on screen');
  const macrotask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
  const out = [];
  for (let round = 0; round < rounds; round++) {
    for (const word of words) {
      for (let i = 1; i <= word.length; i++) {
        const t0 = performance.now();
        input.value = word.slice(0, i);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await macrotask(); // Svelte's update has run
        void document.body.offsetHeight; // and the browser has laid it out
        out.push(performance.now() - t0);
      }
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await macrotask();
    }
  }
  return out;
}

/** p50, p95 and max of `timings`, in words. */
export function summary(timings) {
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${sorted.at(-1).toFixed(2)} ms (target p95 <= 5 ms)`;
}
