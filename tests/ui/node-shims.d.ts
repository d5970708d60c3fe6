// Just enough of Node and of the page for checking the tests' mocks (the project has no
// @types/node): Node's modules are untyped here.
declare module 'node:*';
declare const process: { env: Record<string, string | undefined> };
interface Window {
  __TAURI_INTERNALS__: unknown;
  axe: typeof import('axe-core');
  __ipc: (cmd: string, args: unknown) => Promise<{ ok: boolean; value?: any; error?: unknown }>;
  /** Sends the window an event as the Rust side would (tests only). */
  __emit: (event: string, payload: unknown) => void;
}
