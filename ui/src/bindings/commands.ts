// Generated from src-tauri/src/commands by `make bindings`. Do not edit.
import type { About } from './About';
import type { AppSettings } from './AppSettings';
import type { AuditEntry } from './AuditEntry';
import type { CatalogEvent } from './CatalogEvent';
import type { Category } from './Category';
import type { Center } from './Center';
import type { CenterChoice } from './CenterChoice';
import type { ClosingNotice } from './ClosingNotice';
import type { ConnectionReport } from './ConnectionReport';
import type { DemoCodes } from './DemoCodes';
import type { DeskPackage } from './DeskPackage';
import type { DiagnosticEntry } from './DiagnosticEntry';
import type { ErrorCode } from './ErrorCode';
import type { GuestPage } from './GuestPage';
import type { HubStatus } from './HubStatus';
import type { HubUpdate } from './HubUpdate';
import type { Invoice } from './Invoice';
import type { InvoiceSummary } from './InvoiceSummary';
import type { MemberPrice } from './MemberPrice';
import type { PackageDetails } from './PackageDetails';
import type { PointsQuote } from './PointsQuote';
import type { RedeemPackageRequest } from './RedeemPackageRequest';
import type { RedeemPointsRequest } from './RedeemPointsRequest';
import type { RedeemProgress } from './RedeemProgress';
import type { RedeemableInfo } from './RedeemableInfo';
import type { RedemptionOutcome } from './RedemptionOutcome';
import type { SessionInfo } from './SessionInfo';
import type { SignInRequest } from './SignInRequest';
import type { UpdateProgress } from './UpdateProgress';
import type { UpdateStatus } from './UpdateStatus';

/** Every command: its arguments (as Tauri takes them), its answer, and the channel it
 * streams on with what it streams (`never` without one). */
export interface Commands {
  about: { args: Record<string, never>; result: About; event: never };
  app_settings: { args: Record<string, never>; result: AppSettings; event: never };
  audit_log: { args: Record<string, never>; result: AuditEntry[]; event: never };
  check_connection: { args: Record<string, never>; result: ConnectionReport; event: never };
  check_connection_before_sign_in: { args: { request: SignInRequest }; result: ConnectionReport; event: never };
  check_for_update: { args: Record<string, never>; result: UpdateStatus; event: never };
  check_redemption: { args: { attemptId: string }; result: RedemptionOutcome; event: never };
  clear_diagnostics: { args: Record<string, never>; result: void; event: never };
  demo_codes: { args: Record<string, never>; result: DemoCodes; event: never };
  diagnostics: { args: Record<string, never>; result: DiagnosticEntry[]; event: never };
  dismiss_redemption: { args: { attemptId: string }; result: void; event: never };
  export_audit_csv: { args: Record<string, never>; result: string; event: never };
  export_support_bundle: { args: Record<string, never>; result: string; event: never };
  find_invoices: { args: { centerId: string; number?: string | null }; result: InvoiceSummary[]; event: never };
  get_invoice: { args: { invoiceId: string }; result: Invoice; event: never };
  gift_card_packages: { args: { centerId: string }; result: string[]; event: never };
  guest_packages: { args: { guestId: string; centerId: string }; result: DeskPackage[]; event: never };
  hub_status: { args: Record<string, never>; result: HubStatus; event: never };
  install_update: { args: Record<string, never>; result: void; event: UpdateProgress };
  join_hub: { args: { url: string; code: string }; result: HubStatus; event: never };
  leave_hub: { args: Record<string, never>; result: HubStatus; event: never };
  list_categories: { args: { centerId: string }; result: Category[]; event: never };
  list_centers: { args: Record<string, never>; result: Center[]; event: never };
  lock: { args: Record<string, never>; result: SessionInfo; event: never };
  member_prices: { args: { centerId: string; guestId: string }; result: MemberPrice[]; event: never };
  open_catalog: { args: { centerId: string }; result: void; event: CatalogEvent };
  package_details: { args: { guestId: string; userPackageId: string }; result: PackageDetails; event: never };
  quote_points: { args: { request: RedeemPointsRequest }; result: PointsQuote; event: never };
  redeem_package: { args: { request: RedeemPackageRequest }; result: RedemptionOutcome; event: RedeemProgress };
  redeem_points: { args: { request: RedeemPointsRequest }; result: RedemptionOutcome; event: RedeemProgress };
  redeemable_points: { args: { invoiceId: string }; result: RedeemableInfo; event: never };
  restore_session: { args: Record<string, never>; result: SessionInfo | null; event: never };
  search_guests: { args: { centerId: string; text: string; page?: number | null; acrossCenters?: boolean | null }; result: GuestPage; event: never };
  select_center: { args: { center: CenterChoice }; result: SessionInfo; event: never };
  set_cash_register: { args: { cashRegisterId: string }; result: void; event: never };
  set_idle_lock_minutes: { args: { minutes: number }; result: void; event: never };
  set_payment_check_seconds: { args: { seconds: number }; result: void; event: never };
  set_update_endpoint: { args: { endpoint: string }; result: void; event: never };
  set_workstation_pin: { args: { pin: string }; result: SessionInfo; event: never };
  sign_in: { args: { request: SignInRequest }; result: SessionInfo; event: never };
  sign_out: { args: Record<string, never>; result: void; event: never };
  start_demo: { args: Record<string, never>; result: SessionInfo; event: never };
  unlock: { args: { secret: string }; result: SessionInfo; event: never };
  update_status: { args: Record<string, never>; result: UpdateStatus; event: never };
}

/** The events the window hears, by name, with what they carry. */
export interface Events {
  "closing": ClosingNotice;
  "hub-status": HubStatus;
  "hub-update": HubUpdate;
  "hub-resync": HubStatus;
}

/** The argument each streaming command takes its channel as. */
export const CHANNELS = {
  install_update: 'onProgress',
  open_catalog: 'onEvent',
  redeem_package: 'onProgress',
  redeem_points: 'onProgress',
} as const satisfies Partial<Record<keyof Commands, string>>;

/** Every error code the Rust side sends. */
export const ERROR_CODES = [
  'invalid_input',
  'not_signed_in',
  'unauthorized',
  'session_renewed',
  'invalid_center',
  'zenoti_error',
  'rate_limited',
  'server_unavailable',
  'timeout',
  'network',
  'unexpected_response',
  'keychain_unavailable',
  'keychain_locked',
  'keychain_error',
  'settings_error',
  'demo_unavailable',
  'internal',
  'redemption_in_progress',
  'redemption_refused',
  'otp_required',
  'locked',
  'unlock_refused',
  'update_failed',
  'audit_unavailable',
  'already_applied',
  'outcome_unchecked',
  'invoice_leased',
  'hub_unavailable',
  'hub_lease_unavailable',
  'enrollment_refused',
] as const satisfies readonly ErrorCode[];
