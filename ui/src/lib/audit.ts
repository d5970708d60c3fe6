// The redemption log (audit entries) as the Redeem screen lists it.
import type { AuditEntry } from '../bindings/AuditEntry';
import { isLocalToday } from './dates';

const OUTCOMES: Record<string, string> = {
  attempt: 'attempt',
  applied: 'applied',
  refused: 'refused',
  not_sent: 'not sent',
  not_seen_yet: 'not seen yet',
  dismissed: 'did not go through (checked in Zenoti)',
  // Written by earlier versions.
  not_applied: 'not found by the check',
  unknown: 'unknown',
};

/** An entry's outcome in words; one this version does not know is shown as written. */
export function outcomeLabel(outcome: string): string {
  return OUTCOMES[outcome] ?? outcome.replaceAll('_', ' ');
}

/** What an entry redeemed: "250 points", or the package and its service. */
export function redeemedLabel(e: Pick<AuditEntry, 'points' | 'package'>, short = false): string {
  if (e.points) return `${e.points} ${short ? 'pts' : 'points'}`;
  return e.package ?? '';
}

/** The log newest first (it is written oldest first). */
export function newestFirst(entries: readonly AuditEntry[]): AuditEntry[] {
  return [...entries].reverse();
}

/** The redemptions applied today on this computer's local day, newest first. */
export function appliedToday(entries: readonly AuditEntry[], now: Date = new Date()): AuditEntry[] {
  return newestFirst(entries.filter((e) => e.outcome === 'applied' && isLocalToday(e.time, now)));
}
