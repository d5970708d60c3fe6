// The one way the UI reaches the Rust side. Tests replace the IPC underneath it.
import { invoke } from '@tauri-apps/api/core';
import type { AppSettings } from '../bindings/AppSettings';
import type { Center } from '../bindings/Center';
import type { CenterChoice } from '../bindings/CenterChoice';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { IpcError } from '../bindings/IpcError';
import type { PackagePage } from '../bindings/PackagePage';
import type { SessionInfo } from '../bindings/SessionInfo';
import type { SignInRequest } from '../bindings/SignInRequest';

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_input', 'not_signed_in', 'unauthorized', 'session_renewed', 'invalid_center', 'zenoti_error',
  'rate_limited', 'server_unavailable', 'timeout', 'network', 'unexpected_response', 'keychain_unavailable',
  'keychain_locked', 'keychain_error', 'settings_error', 'demo_unavailable', 'internal',
]);

/** Whatever a command rejected with, as an IpcError. */
export function toIpcError(error: unknown): IpcError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const e = error as { code: unknown; message: unknown; detail?: unknown };
    if (typeof e.code === 'string' && KNOWN_CODES.has(e.code) && typeof e.message === 'string') {
      return { code: e.code as ErrorCode, message: e.message, detail: typeof e.detail === 'string' ? e.detail : null };
    }
  }
  return {
    code: 'internal',
    message: 'Something went wrong inside Front Desk. Try again; if it keeps happening, restart the app.',
    detail: error instanceof Error ? error.message : String(error),
  };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

export const backend = {
  appSettings: () => call<AppSettings>('app_settings'),
  restoreSession: () => call<SessionInfo | null>('restore_session'),
  signIn: (request: SignInRequest) => call<SessionInfo>('sign_in', { request }),
  startDemo: () => call<SessionInfo>('start_demo'),
  signOut: () => call<void>('sign_out'),
  listCenters: () => call<Center[]>('list_centers'),
  selectCenter: (center: CenterChoice) => call<SessionInfo>('select_center', { center }),
  listPackages: (centerId: string, page: number, size: number) =>
    call<PackagePage>('list_packages', { centerId, page, size }),
};

export type { AppSettings, Center, CenterChoice, IpcError, PackagePage, SessionInfo, SignInRequest };
