// Front Desk as a desktop product, against an empty Tauri window built in the same run
// (tests/bench/hello): cold start to an interactive first screen, and idle memory. Also the
// size of the .deb. Run by `make bench` through tests/e2e/run.sh (Xvfb, a D-Bus session with a
// keyring, zenoti-sandbox, tauri-driver). Prints figures; it never judges a run by its time.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { App } from '../e2e/webdriver.mjs';

const { APP, HELLO, DEB, E2E_OUT, SANDBOX_URL, E2E_API_KEY } = process.env;
for (const [k, v] of Object.entries({ APP, HELLO, DEB, E2E_OUT, SANDBOX_URL, E2E_API_KEY })) {
  if (!v) throw new Error(`${k} is not set: run \`make bench\``);
}
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const MEMORY_ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS ?? 3);
const IDLE_MS = 10_000;

// The line each prints once its first screen has made its first IPC round trip. Front Desk's is
// its answer to "is anyone signed in?", after which the sign-in form takes input.
const READY = {
  [APP]: 'no saved sign-in: showing the sign-in screen',
  [HELLO]: 'hello-window: page ready',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const env = { ...process.env, WEBKIT_DISABLE_DMABUF_RENDERER: '1' };

/** Milliseconds from spawning `bin` to its ready line; then it is stopped. */
function coldStart(bin) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(bin, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let seen = '';
    let elapsed;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (chunk) => {
      if (elapsed !== undefined) return;
      seen += chunk;
      if (seen.includes(READY[bin])) {
        elapsed = performance.now() - started;
        child.kill('SIGTERM');
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (elapsed === undefined) reject(new Error(`${bin} never became ready:\n${seen.slice(-2000)}`));
      else resolve(elapsed);
    });
  });
}

/** The pids of `pid` and all its descendants. */
function tree(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Summed proportional set size (MiB) of the process `name` and its WebKit processes, with their names. */
function pss(name) {
  const pid = Number(execFileSync('pgrep', ['-nx', name], { encoding: 'utf8' }).trim());
  let kb = 0;
  const names = [];
  for (const p of tree(pid)) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1]);
      names.push(readFileSync(`/proc/${p}/comm`, 'utf8').trim());
    } catch {
      // gone meanwhile
    }
  }
  return { mib: kb / 1024, names };
}

async function appIdleMemory() {
  const app = await App.launch(APP, E2E_OUT);
  try {
    await app.waitForText('Sign in to Zenoti', 30_000);
    // A real sign-in (API key, against the sandbox on loopback), a center, and its catalog.
    await app.signInWithApiKey(SANDBOX_URL, E2E_API_KEY);
    await app.until('the catalog or the center picker', () =>
      app.execute('return /Choose your center|packages at/.test(document.body.innerText)'), 30_000);
    if (await app.execute('return document.body.innerText.includes("Choose your center")')) {
      await app.click('//button[contains(., "Serenity Day Spa - Downtown")]');
    }
    await app.waitForText('1,240 packages at Serenity Day Spa - Downtown', 60_000);
    await sleep(IDLE_MS);
    const measured = pss('frontdesk');
    // The next round signs in afresh.
    await app.click('Sign out');
    await app.waitForText('Sign in to Zenoti');
    return measured;
  } finally {
    await app.quit();
  }
}

async function helloIdleMemory() {
  const app = await App.launch(HELLO, E2E_OUT);
  try {
    await app.waitForText('Hello', 30_000);
    await sleep(IDLE_MS);
    return pss('hello-window');
  } finally {
    await app.quit();
  }
}

const row = (label, a, b, unit) =>
  console.log(`${label.padEnd(34)} ${a.toFixed(1).padStart(8)} ${unit}  vs ${b.toFixed(1).padStart(8)} ${unit}  ratio ${(a / b).toFixed(2)}`);

// Cold start: one start of each not counted, then turns A B A B … so drift hits both alike.
await coldStart(APP);
await coldStart(HELLO);
const starts = { app: [], hello: [], ratio: [] };
for (let i = 0; i < STARTS; i++) {
  const a = await coldStart(APP);
  await sleep(300);
  const b = await coldStart(HELLO);
  await sleep(300);
  starts.app.push(a);
  starts.hello.push(b);
  starts.ratio.push(a / b);
}

const memory = { app: [], hello: [], ratio: [] };
let processes;
for (let i = 0; i < MEMORY_ROUNDS; i++) {
  const a = await appIdleMemory();
  const b = await helloIdleMemory();
  processes = { app: a.names, hello: b.names };
  memory.app.push(a.mib);
  memory.hello.push(b.mib);
  memory.ratio.push(a.mib / b.mib);
}

const debBytes = statSync(DEB).size;
console.log(`\nFront Desk (release) vs an empty Tauri window, medians; ratio = median of the pairs' ratios`);
row(`start to first screen (${STARTS} pairs)`, median(starts.app), median(starts.hello), 'ms');
console.log(`  ratio per pair: min ${Math.min(...starts.ratio).toFixed(2)}, median ${median(starts.ratio).toFixed(2)}, max ${Math.max(...starts.ratio).toFixed(2)} (target ≤ 1.30)`);
row(`idle memory, summed PSS (${MEMORY_ROUNDS} rounds)`, median(memory.app), median(memory.hello), 'MiB');
console.log(`  ratio per round: ${memory.ratio.map((r) => r.toFixed(2)).join(', ')}; median ${median(memory.ratio).toFixed(2)} (target ≤ 1.30)`);
console.log(`  processes: Front Desk ${processes.app.join(' + ')}; baseline ${processes.hello.join(' + ')}`);
console.log(`.deb size: ${debBytes.toLocaleString('en-US')} bytes (${(debBytes / 1e6).toFixed(2)} MB; target ≤ 6 MB)`);
