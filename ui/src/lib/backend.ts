// The one way the UI reaches the Rust side. Tests replace the IPC underneath it.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { About } from '../bindings/About';
import type { AppSettings } from '../bindings/AppSettings';
import type { AuditEntry } from '../bindings/AuditEntry';
import type { CatalogEvent } from '../bindings/CatalogEvent';
import type { Category } from '../bindings/Category';
import type { Center } from '../bindings/Center';
import type { CenterChoice } from '../bindings/CenterChoice';
import type { ConnectionReport } from '../bindings/ConnectionReport';
import { CHANNELS, ERROR_CODES, type Commands, type Events } from '../bindings/commands';
import type { DemoCodes } from '../bindings/DemoCodes';
import type { DeskPackage } from '../bindings/DeskPackage';
import type { DiagnosticEntry } from '../bindings/DiagnosticEntry';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { Guest } from '../bindings/Guest';
import type { GuestPage } from '../bindings/GuestPage';
import type { HistoryLine } from '../bindings/HistoryLine';
import type { HubStatus } from '../bindings/HubStatus';
import type { HubUpdate } from '../bindings/HubUpdate';
import type { Invoice } from '../bindings/Invoice';
import type { InvoiceItem } from '../bindings/InvoiceItem';
import type { InvoiceSummary } from '../bindings/InvoiceSummary';
import type { IpcError } from '../bindings/IpcError';
import type { MemberPrice } from '../bindings/MemberPrice';
import type { Package } from '../bindings/Package';
import type { PackageBenefit } from '../bindings/PackageBenefit';
import type { PackageDetails } from '../bindings/PackageDetails';
import type { RedeemableInfo } from '../bindings/RedeemableInfo';
import type { RedeemPackageRequest } from '../bindings/RedeemPackageRequest';
import type { PointsQuote } from '../bindings/PointsQuote';
import type { RedeemPointsRequest } from '../bindings/RedeemPointsRequest';
import type { RedeemProgress } from '../bindings/RedeemProgress';
import type { RedemptionOutcome } from '../bindings/RedemptionOutcome';
import type { SessionInfo } from '../bindings/SessionInfo';
import type { SignInRequest } from '../bindings/SignInRequest';
import type { Transaction } from '../bindings/Transaction';
import type { UpdateProgress } from '../bindings/UpdateProgress';
import type { UpdateStatus } from '../bindings/UpdateStatus';

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

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

type NoArgs = Record<string, never>;

type Name = keyof Commands;
type Result<K extends Name> = Commands[K]['result'];

async function call<K extends Name>(command: K, args: Commands[K]['args']): Promise<Result<K>> {
  try {
    return await invoke<Result<K>>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

/** A command that streams events on its channel (see `CHANNELS`) before it answers. */
function streaming<K extends keyof typeof CHANNELS>(
  command: K,
  args: Commands[K]['args'],
  onEvent: (event: Commands[K]['event']) => void,
): Promise<Result<K>> {
  const channel = new Channel<Commands[K]['event']>();
  channel.onmessage = onEvent;
  return call(command, { ...args, [CHANNELS[command]]: channel });
}

const none: NoArgs = {};

export const backend = {
  appSettings: () => call('app_settings', none),
  restoreSession: () => call('restore_session', none),
  signIn: (request: SignInRequest) => call('sign_in', { request }),
  startDemo: () => call('start_demo', none),
  signOut: () => call('sign_out', none),
  lock: () => call('lock', none),
  unlock: (secret: string) => call('unlock', { secret }),
  setWorkstationPin: (pin: string) => call('set_workstation_pin', { pin }),
  setIdleLockMinutes: (minutes: number) => call('set_idle_lock_minutes', { minutes }),
  /** How long a lost payment answer is checked for (15–600 s). */
  setPaymentCheckSeconds: (seconds: number) => call('set_payment_check_seconds', { seconds }),
  listCenters: () => call('list_centers', none),
  selectCenter: (center: CenterChoice) => call('select_center', { center }),
  /** Streams the whole catalog to `onEvent`; resolves when it is done or has failed. */
  openCatalog: (centerId: string, onEvent: (event: CatalogEvent) => void) =>
    streaming('open_catalog', { centerId }, onEvent),
  memberPrices: (centerId: string, guestId: string) => call('member_prices', { centerId, guestId }),
  giftCardPackages: (centerId: string) => call('gift_card_packages', { centerId }),
  listCategories: (centerId: string) => call('list_categories', { centerId }),
  searchGuests: (centerId: string, text: string, page = 1, acrossCenters = false) =>
    call('search_guests', { centerId, text, page, acrossCenters }),
  findInvoices: (centerId: string, number: string | null) => call('find_invoices', { centerId, number }),
  getInvoice: (invoiceId: string) => call('get_invoice', { invoiceId }),
  redeemablePoints: (invoiceId: string) => call('redeemable_points', { invoiceId }),
  /** What the points typed would pay, by the redemption's own reads and rules; sends nothing. */
  quotePoints: (request: RedeemPointsRequest) => call('quote_points', { request }),
  /** Sends one redemption; `onProgress` hears when it is sent and counts down while a lost answer is checked. */
  redeemPoints: (request: RedeemPointsRequest, onProgress: (step: RedeemProgress) => void) =>
    streaming('redeem_points', { request }, onProgress),
  /** Check again: reads Zenoti once more for a redemption that was not seen yet. */
  checkRedemption: (attemptId: string) => call('check_redemption', { attemptId }),
  dismissRedemption: (attemptId: string) => call('dismiss_redemption', { attemptId }),
  guestPackages: (guestId: string, centerId: string) => call('guest_packages', { guestId, centerId }),
  packageDetails: (guestId: string, userPackageId: string) => call('package_details', { guestId, userPackageId }),
  /** Redeems one session; `onProgress` hears when it is sent and counts down while a lost answer is checked. */
  redeemPackage: (request: RedeemPackageRequest, onProgress: (step: RedeemProgress) => void) =>
    streaming('redeem_package', { request }, onProgress),
  auditLog: () => call('audit_log', none),
  setCashRegister: (cashRegisterId: string) => call('set_cash_register', { cashRegisterId }),
  exportAuditCsv: () => call('export_audit_csv', none),
  demoCodes: () => call('demo_codes', none),
  about: () => call('about', none),
  updateStatus: () => call('update_status', none),
  checkForUpdate: () => call('check_for_update', none),
  setUpdateEndpoint: (endpoint: string) => call('set_update_endpoint', { endpoint }),
  /** Downloads, verifies and installs the update found, then restarts into it. */
  installUpdate: (onProgress: (p: UpdateProgress) => void) => streaming('install_update', none, onProgress),
  exportSupportBundle: () => call('export_support_bundle', none),
  /** Reads every call Front Desk uses once (writes nothing); the readings it settles are used from then on. */
  checkConnection: () => call('check_connection', none),
  /** The same from the sign-in screen, with what was typed there: signs nothing in, keeps no credential. */
  checkConnectionBeforeSignIn: (request: SignInRequest) => call('check_connection_before_sign_in', { request }),
  /** The answers from Zenoti that were not as expected, the most recent first. */
  diagnostics: () => call('diagnostics', none),
  clearDiagnostics: () => call('clear_diagnostics', none),
  hubStatus: () => call('hub_status', none),
  /** Joins the hub at `url` with the one-time enrollment code IT gave. */
  joinHub: (url: string, code: string) => call('join_hub', { url, code }),
  leaveHub: () => call('leave_hub', none),
};

/** Calls `handler` with each `event` the Rust side sends the window; resolves to a stop function. */
export function onEvent<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void> {
  return listen<Events[E]>(event, (e) => handler(e.payload));
}

/** Ids from Zenoti arrive in either letter case: compare them with this. */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

/** An invoice's number as it is printed (and as a scanner types it): the prefix, then the number. */
export function printedNumber(invoice: Pick<Invoice, 'invoice_number' | 'invoice_number_prefix' | 'id'>): string {
  if (!invoice.invoice_number) return invoice.id;
  return `${invoice.invoice_number_prefix ?? ''}${invoice.invoice_number}`;
}

export type {
  Commands,
  Events,
  About,
  AppSettings,
  AuditEntry,
  CatalogEvent,
  Category,
  Center,
  CenterChoice,
  ConnectionReport,
  DemoCodes,
  DeskPackage,
  DiagnosticEntry,
  ErrorCode,
  Guest,
  GuestPage,
  HistoryLine,
  HubStatus,
  HubUpdate,
  Invoice,
  InvoiceItem,
  InvoiceSummary,
  IpcError,
  MemberPrice,
  Package,
  PackageBenefit,
  PackageDetails,
  PointsQuote,
  RedeemableInfo,
  RedeemPointsRequest,
  RedeemProgress,
  RedemptionOutcome,
  SessionInfo,
  SignInRequest,
  Transaction,
  UpdateProgress,
  UpdateStatus,
};
