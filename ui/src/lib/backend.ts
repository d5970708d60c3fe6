// The one way the UI reaches the Rust side. Tests replace the IPC underneath it.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { About } from '../bindings/About';
import type { AppSettings } from '../bindings/AppSettings';
import type { AuditEntry } from '../bindings/AuditEntry';
import type { CatalogEvent } from '../bindings/CatalogEvent';
import type { Category } from '../bindings/Category';
import type { Center } from '../bindings/Center';
import type { CenterChoice } from '../bindings/CenterChoice';
import type { DemoCodes } from '../bindings/DemoCodes';
import type { DeskPackage } from '../bindings/DeskPackage';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { Guest } from '../bindings/Guest';
import type { GuestPage } from '../bindings/GuestPage';
import type { HistoryLine } from '../bindings/HistoryLine';
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
import type { RedeemPointsRequest } from '../bindings/RedeemPointsRequest';
import type { RedeemProgress } from '../bindings/RedeemProgress';
import type { RedemptionOutcome } from '../bindings/RedemptionOutcome';
import type { SessionInfo } from '../bindings/SessionInfo';
import type { SignInRequest } from '../bindings/SignInRequest';
import type { Transaction } from '../bindings/Transaction';
import type { UpdateProgress } from '../bindings/UpdateProgress';
import type { UpdateStatus } from '../bindings/UpdateStatus';

/**
 * Every error code the Rust side sends. A `Record` over the generated `ErrorCode` union: the
 * build fails when a code is added to or removed from the Rust enum and not here.
 */
const ERROR_CODES: Record<ErrorCode, true> = {
  invalid_input: true, not_signed_in: true, unauthorized: true, session_renewed: true, invalid_center: true,
  zenoti_error: true, rate_limited: true, server_unavailable: true, timeout: true, network: true,
  unexpected_response: true, keychain_unavailable: true, keychain_locked: true, keychain_error: true,
  settings_error: true, demo_unavailable: true, internal: true, redemption_in_progress: true,
  redemption_refused: true, otp_required: true, locked: true, unlock_refused: true, update_failed: true,
  audit_unavailable: true, already_applied: true, outcome_unchecked: true,
};
const KNOWN_CODES: ReadonlySet<string> = new Set(Object.keys(ERROR_CODES));

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
/** A command: its arguments (camelCase, as Tauri takes them), its answer, and what its channel streams. */
type Command<Args, Result, Event = never> = { args: Args; result: Result; event: Event };

/**
 * Every command the UI calls, with its arguments and answer. The UI tests type their mocked
 * backend against this table, so a mock cannot drift from what the screens send and expect.
 */
export interface Commands {
  app_settings: Command<NoArgs, AppSettings>;
  restore_session: Command<NoArgs, SessionInfo | null>;
  sign_in: Command<{ request: SignInRequest }, SessionInfo>;
  start_demo: Command<NoArgs, SessionInfo>;
  sign_out: Command<NoArgs, void>;
  lock: Command<NoArgs, SessionInfo>;
  unlock: Command<{ secret: string }, SessionInfo>;
  set_workstation_pin: Command<{ pin: string }, SessionInfo>;
  set_idle_lock_minutes: Command<{ minutes: number }, void>;
  set_payment_check_seconds: Command<{ seconds: number }, void>;
  list_centers: Command<NoArgs, Center[]>;
  select_center: Command<{ center: CenterChoice }, SessionInfo>;
  open_catalog: Command<{ centerId: string }, void, CatalogEvent>;
  member_prices: Command<{ centerId: string; guestId: string }, MemberPrice[]>;
  gift_card_packages: Command<{ centerId: string }, string[]>;
  list_categories: Command<{ centerId: string }, Category[]>;
  search_guests: Command<{ centerId: string; text: string; page: number; acrossCenters: boolean }, GuestPage>;
  find_invoices: Command<{ centerId: string; number: string | null }, InvoiceSummary[]>;
  get_invoice: Command<{ invoiceId: string }, Invoice>;
  redeemable_points: Command<{ invoiceId: string }, RedeemableInfo>;
  redeem_points: Command<{ request: RedeemPointsRequest }, RedemptionOutcome, RedeemProgress>;
  check_redemption: Command<{ attemptId: string }, RedemptionOutcome>;
  dismiss_redemption: Command<{ attemptId: string }, void>;
  guest_packages: Command<{ guestId: string; centerId: string }, DeskPackage[]>;
  package_details: Command<{ guestId: string; userPackageId: string }, PackageDetails>;
  redeem_package: Command<{ request: RedeemPackageRequest }, RedemptionOutcome, RedeemProgress>;
  audit_log: Command<NoArgs, AuditEntry[]>;
  set_cash_register: Command<{ cashRegisterId: string }, void>;
  export_audit_csv: Command<NoArgs, string>;
  demo_codes: Command<NoArgs, DemoCodes>;
  about: Command<NoArgs, About>;
  update_status: Command<NoArgs, UpdateStatus>;
  check_for_update: Command<NoArgs, UpdateStatus>;
  set_update_endpoint: Command<{ endpoint: string }, void>;
  install_update: Command<NoArgs, void, UpdateProgress>;
  export_support_bundle: Command<NoArgs, string>;
}

type Name = keyof Commands;
type Result<K extends Name> = Commands[K]['result'];

async function call<K extends Name>(command: K, args: Commands[K]['args']): Promise<Result<K>> {
  try {
    return await invoke<Result<K>>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

/** A command that streams events on a channel (named `channelArg`) before it answers. */
function streaming<K extends Name>(
  command: K,
  args: Commands[K]['args'],
  channelArg: 'onEvent' | 'onProgress',
  onEvent: (event: Commands[K]['event']) => void,
): Promise<Result<K>> {
  const channel = new Channel<Commands[K]['event']>();
  channel.onmessage = onEvent;
  return call(command, { ...args, [channelArg]: channel });
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
    streaming('open_catalog', { centerId }, 'onEvent', onEvent),
  memberPrices: (centerId: string, guestId: string) => call('member_prices', { centerId, guestId }),
  giftCardPackages: (centerId: string) => call('gift_card_packages', { centerId }),
  listCategories: (centerId: string) => call('list_categories', { centerId }),
  searchGuests: (centerId: string, text: string, page = 1, acrossCenters = false) =>
    call('search_guests', { centerId, text, page, acrossCenters }),
  findInvoices: (centerId: string, number: string | null) => call('find_invoices', { centerId, number }),
  getInvoice: (invoiceId: string) => call('get_invoice', { invoiceId }),
  redeemablePoints: (invoiceId: string) => call('redeemable_points', { invoiceId }),
  /** Sends one redemption; `onProgress` hears when it is sent and counts down while a lost answer is checked. */
  redeemPoints: (request: RedeemPointsRequest, onProgress: (step: RedeemProgress) => void) =>
    streaming('redeem_points', { request }, 'onProgress', onProgress),
  /** Check again: reads Zenoti once more for a redemption that was not seen yet. */
  checkRedemption: (attemptId: string) => call('check_redemption', { attemptId }),
  dismissRedemption: (attemptId: string) => call('dismiss_redemption', { attemptId }),
  guestPackages: (guestId: string, centerId: string) => call('guest_packages', { guestId, centerId }),
  packageDetails: (guestId: string, userPackageId: string) => call('package_details', { guestId, userPackageId }),
  /** Redeems one session; `onProgress` hears when it is sent and counts down while a lost answer is checked. */
  redeemPackage: (request: RedeemPackageRequest, onProgress: (step: RedeemProgress) => void) =>
    streaming('redeem_package', { request }, 'onProgress', onProgress),
  auditLog: () => call('audit_log', none),
  setCashRegister: (cashRegisterId: string) => call('set_cash_register', { cashRegisterId }),
  exportAuditCsv: () => call('export_audit_csv', none),
  demoCodes: () => call('demo_codes', none),
  about: () => call('about', none),
  updateStatus: () => call('update_status', none),
  checkForUpdate: () => call('check_for_update', none),
  setUpdateEndpoint: (endpoint: string) => call('set_update_endpoint', { endpoint }),
  /** Downloads, verifies and installs the update found, then restarts into it. */
  installUpdate: (onProgress: (p: UpdateProgress) => void) => streaming('install_update', none, 'onProgress', onProgress),
  exportSupportBundle: () => call('export_support_bundle', none),
};

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
  About,
  AppSettings,
  AuditEntry,
  CatalogEvent,
  Category,
  Center,
  CenterChoice,
  DemoCodes,
  DeskPackage,
  ErrorCode,
  Guest,
  GuestPage,
  HistoryLine,
  Invoice,
  InvoiceItem,
  InvoiceSummary,
  IpcError,
  MemberPrice,
  Package,
  PackageBenefit,
  PackageDetails,
  RedeemableInfo,
  RedeemProgress,
  RedemptionOutcome,
  SessionInfo,
  SignInRequest,
  Transaction,
  UpdateProgress,
  UpdateStatus,
};
