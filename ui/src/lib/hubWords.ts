// What the hub's state and its live updates say at the desk. An update is a hint to re-read:
// these words name what happened and where, never an amount (money shown comes from a fresh read).
import type { HubStatus } from '../bindings/HubStatus';
import type { HubUpdate } from '../bindings/HubUpdate';
import type { IpcError } from '../bindings/IpcError';

/** A screen's notice of what the hub said about something on it, and of its read again. */
export interface HubNotice {
  /** What happened, and where. */
  text: string;
  /** It changes what can be redeemed (an invoice closed): said as an alert. */
  urgent: boolean;
  /** Being read again. */
  reading: boolean;
  /** When it was read again (this computer's clock, in words). */
  readAt: string | null;
  /** The read again failed: the screen shows why. */
  failed: IpcError | null;
}

/** The top bar's words for the hub: nothing when none is joined. */
export function hubStateWords(status: HubStatus | null): string {
  if (status?.state === 'connected') return 'Hub connected';
  if (status?.state === 'offline') return 'Hub offline — working directly with Zenoti';
  return '';
}

/** What keeps this desk off its hub until someone acts, and what to do; null when nothing does. */
export function hubTroubleWords(status: HubStatus | null): string | null {
  if (status?.trouble === 'revoked') {
    return 'The hub no longer knows this desk. Ask IT for a new enrollment code, then Leave hub in Settings and join again.';
  }
  if (status?.trouble === 'token_missing') {
    return "This desk's hub token is not in this computer's keychain. Ask IT for a new enrollment code, then Leave hub in Settings and join again.";
  }
  return null;
}

/** Settings' words for the hub's state: what it means for this desk. */
export function hubStateMeaning(status: HubStatus): string {
  const trouble = hubTroubleWords(status);
  if (trouble) return `Offline: working directly with Zenoti. ${trouble}`;
  if (status.state === 'connected') {
    return 'Connected: this desk hears the other desks live, and two desks cannot redeem on the same invoice at once.';
  }
  if (status.state === 'offline') {
    return 'Offline: working directly with Zenoti. Front Desk reconnects by itself; until then, check with the other desks before redeeming.';
  }
  return 'Not joined.';
}

/** "1 session", "3 sessions". */
export function sessionCount(n: number): string {
  return `${n} ${n === 1 ? 'session' : 'sessions'}`;
}

/** Where it happened: at a desk on the hub (this one, or another), or elsewhere in Zenoti. */
function where(u: HubUpdate, ownDesk: string | null): string {
  if (!u.desk) return 'in Zenoti';
  return ownDesk && u.desk === ownDesk ? 'at this desk' : `at ${u.desk}`;
}

/**
 * What an update about a guest's package says on their packages screen: "1 session of Massage
 * Series 10 redeemed at Downtown · desk 2 just now". `shownName` names the package when the
 * event does not.
 */
export function packageNotice(u: HubUpdate, shownName: string | null, ownDesk: string | null): string {
  const name = u.package_name ?? shownName ?? 'a package';
  const at = where(u, ownDesk);
  const count = u.sessions > 0 ? sessionCount(u.sessions) : 'A session';
  switch (u.kind) {
    case 'package_redeemed':
      return `${count} of ${name} redeemed ${at} just now`;
    case 'package_redemption_reversed':
      return `${count} of ${name} reversed ${at} just now`;
    case 'package_created':
      return `${name} was added to the guest's packages ${at} just now`;
    case 'package_status_updated':
      return `The status of ${name} changed ${at} just now`;
    case 'package_validity_updated':
      return `The validity of ${name} changed ${at} just now`;
    case 'invoice_closed':
      return `An invoice of this guest was closed ${at} just now`;
    default:
      return `${name} changed ${at} just now`;
  }
}

/**
 * What an update about the invoice on the Redeem points screen says: closed (and where), paid
 * with points at a desk on the hub, or changed by a redemption or reversal on it.
 */
export function invoiceNotice(u: HubUpdate, ownDesk: string | null): string {
  if (u.kind === 'invoice_closed') {
    const at = !u.desk ? 'elsewhere' : ownDesk && u.desk === ownDesk ? 'at this desk' : `at ${u.desk}`;
    return `This invoice was closed in Zenoti (${at})`;
  }
  if (u.kind === 'points_redeemed') {
    return `Points were redeemed on this invoice ${where(u, ownDesk)} just now`;
  }
  const what = u.kind === 'package_redeemed' ? 'A package session was redeemed on this invoice'
    : u.kind === 'package_redemption_reversed' ? 'A package session on this invoice was reversed'
      : 'This invoice changed';
  return `${what} ${where(u, ownDesk)} just now`;
}

/** The update is about this package, or this guest (ids in any letter case). */
export function aboutGuest(u: HubUpdate, guestId: string, userPackageIds: string[]): boolean {
  const same = (a: string | null, b: string) => !!a && a.toLowerCase() === b.toLowerCase();
  return same(u.guest_id, guestId) || userPackageIds.some((id) => same(u.user_package_id, id));
}

/** An update that changes what can be redeemed on the invoice: said as an alert. */
export function changesWhatCanBeRedeemed(u: HubUpdate): boolean {
  return u.kind === 'invoice_closed' || u.kind === 'points_redeemed';
}
