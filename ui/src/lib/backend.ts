// The one way the UI reaches the Rust side. Tests replace the IPC underneath it.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { AppSettings } from '../bindings/AppSettings';
import type { CatalogEvent } from '../bindings/CatalogEvent';
import type { Category } from '../bindings/Category';
import type { Center } from '../bindings/Center';
import type { CenterChoice } from '../bindings/CenterChoice';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { Guest } from '../bindings/Guest';
import type { GuestPage } from '../bindings/GuestPage';
import type { Invoice } from '../bindings/Invoice';
import type { InvoiceSummary } from '../bindings/InvoiceSummary';
import type { IpcError } from '../bindings/IpcError';
import type { AuditEntry } from '../bindings/AuditEntry';
import type { DemoCodes } from '../bindings/DemoCodes';
import type { RedeemableInfo } from '../bindings/RedeemableInfo';
import type { RedeemOutcome } from '../bindings/RedeemOutcome';
import type { RedeemPointsRequest } from '../bindings/RedeemPointsRequest';
import type { RedeemProgress } from '../bindings/RedeemProgress';
import type { MemberPrice } from '../bindings/MemberPrice';
import type { Package } from '../bindings/Package';
import type { SessionInfo } from '../bindings/SessionInfo';
import type { SignInRequest } from '../bindings/SignInRequest';
import type { DeskPackage } from '../bindings/DeskPackage';
import type { About } from '../bindings/About';
import type { UpdateProgress } from '../bindings/UpdateProgress';
import type { UpdateStatus } from '../bindings/UpdateStatus';
import type { HistoryLine } from '../bindings/HistoryLine';
import type { PackageBenefit } from '../bindings/PackageBenefit';
import type { PackageDetails } from '../bindings/PackageDetails';
import type { PackageOutcome } from '../bindings/PackageOutcome';
import type { RedeemPackageRequest } from '../bindings/RedeemPackageRequest';

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_input', 'not_signed_in', 'unauthorized', 'session_renewed', 'invalid_center', 'zenoti_error',
  'rate_limited', 'server_unavailable', 'timeout', 'network', 'unexpected_response', 'keychain_unavailable',
  'keychain_locked', 'keychain_error', 'settings_error', 'demo_unavailable', 'internal', 'redemption_in_progress',
  'redemption_refused', 'otp_required', 'outcome_unknown', 'locked', 'unlock_refused', 'update_failed',
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
  lock: () => call<SessionInfo>('lock'),
  unlock: (secret: string) => call<SessionInfo>('unlock', { secret }),
  setWorkstationPin: (pin: string) => call<SessionInfo>('set_workstation_pin', { pin }),
  setIdleLockMinutes: (minutes: number) => call<void>('set_idle_lock_minutes', { minutes }),
  listCenters: () => call<Center[]>('list_centers'),
  selectCenter: (center: CenterChoice) => call<SessionInfo>('select_center', { center }),
  /** Streams the whole catalog to `onEvent`; resolves when it is done or has failed. */
  openCatalog: (centerId: string, onEvent: (event: CatalogEvent) => void) => {
    const channel = new Channel<CatalogEvent>();
    channel.onmessage = onEvent;
    return call<void>('open_catalog', { centerId, onEvent: channel });
  },
  memberPrices: (centerId: string, guestId: string) => call<MemberPrice[]>('member_prices', { centerId, guestId }),
  giftCardPackages: (centerId: string) => call<string[]>('gift_card_packages', { centerId }),
  listCategories: (centerId: string) => call<Category[]>('list_categories', { centerId }),
  searchGuests: (centerId: string, text: string, page = 1, acrossCenters = false) =>
    call<GuestPage>('search_guests', { centerId, text, page, acrossCenters }),
  findInvoices: (centerId: string, number: string | null) => call<InvoiceSummary[]>('find_invoices', { centerId, number }),
  getInvoice: (invoiceId: string) => call<Invoice>('get_invoice', { invoiceId }),
  redeemablePoints: (invoiceId: string) => call<RedeemableInfo>('redeemable_points', { invoiceId }),
  /** Sends one redemption; `onProgress` hears when it is sent and when a lost answer is being checked. */
  redeemPoints: (request: RedeemPointsRequest, onProgress: (step: RedeemProgress) => void) => {
    const channel = new Channel<RedeemProgress>();
    channel.onmessage = onProgress;
    return call<RedeemOutcome>('redeem_points', { request, onProgress: channel });
  },
  guestPackages: (guestId: string, centerId: string) => call<DeskPackage[]>('guest_packages', { guestId, centerId }),
  packageDetails: (guestId: string, userPackageId: string) =>
    call<PackageDetails>('package_details', { guestId, userPackageId }),
  /** Redeems one session; `onProgress` hears when it is sent and when a lost answer is being checked. */
  redeemPackage: (request: RedeemPackageRequest, onProgress: (step: RedeemProgress) => void) => {
    const channel = new Channel<RedeemProgress>();
    channel.onmessage = onProgress;
    return call<PackageOutcome>('redeem_package', { request, onProgress: channel });
  },
  auditLog: () => call<AuditEntry[]>('audit_log'),
  setCashRegister: (cashRegisterId: string) => call<void>('set_cash_register', { cashRegisterId }),
  exportAuditCsv: () => call<string>('export_audit_csv'),
  demoCodes: () => call<DemoCodes>('demo_codes'),
  about: () => call<About>('about'),
  updateStatus: () => call<UpdateStatus>('update_status'),
  checkForUpdate: () => call<UpdateStatus>('check_for_update'),
  setUpdateEndpoint: (endpoint: string) => call<void>('set_update_endpoint', { endpoint }),
  /** Downloads, verifies and installs the update found, then restarts into it. */
  installUpdate: (onProgress: (p: UpdateProgress) => void) => {
    const channel = new Channel<UpdateProgress>();
    channel.onmessage = onProgress;
    return call<void>('install_update', { onProgress: channel });
  },
  exportSupportBundle: () => call<string>('export_support_bundle'),
};

export type {
  About,
  UpdateProgress,
  UpdateStatus,
  AppSettings,
  AuditEntry,
  DemoCodes,
  Invoice,
  InvoiceSummary,
  RedeemableInfo,
  RedeemOutcome,
  CatalogEvent,
  Category,
  Center,
  CenterChoice,
  Guest,
  GuestPage,
  DeskPackage,
  HistoryLine,
  IpcError,
  PackageBenefit,
  PackageDetails,
  PackageOutcome,
  MemberPrice,
  Package,
  SessionInfo,
  SignInRequest,
};
