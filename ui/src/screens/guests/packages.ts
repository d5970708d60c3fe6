// How a guest's package reads at the desk: its name, badge, validity and sessions left, and
// the lines of an invoice a session of it can pay for.
import type { DeskPackage } from '../../bindings/DeskPackage';
import type { Invoice } from '../../bindings/Invoice';
import type { InvoiceItem } from '../../bindings/InvoiceItem';
import type { ServiceBalance } from '../../bindings/ServiceBalance';
import { sameId } from '../../lib/backend';
import { daysUntil } from '../../lib/dates';
import { formatCenterDate } from '../../lib/format';

/** Sessions left and in all, over the package's services (products are not sessions). */
export function sessionsLeft(p: DeskPackage): { left: number; total: number } {
  return p.services.reduce(
    (sum, s) => ({ left: sum.left + Math.max(0, s.balance ?? 0), total: sum.total + (s.total ?? 0) }),
    { left: 0, total: 0 },
  );
}

const STATUS: Record<string, string> = {
  Active: 'Active',
  Frozen: 'Frozen',
  Expired: 'Expired',
  CancelledRefund: 'Cancelled / refunded',
  NotStarted: 'Not started',
  NotApplicable: 'Not applicable',
  Default: 'Unknown',
};

export function statusLabel(p: DeskPackage): string {
  const s = p.status ?? 'Default';
  const label = STATUS[s] ?? `Other (${s})`;
  return s === 'Expired' && !p.why_not ? `${label} · in grace` : label;
}

export function stateLabel(p: DeskPackage): string {
  const s = p.user_package_state ?? 'Default';
  const states: Record<string, string> = { Open: 'Open', Closed: 'Closed', WithProcessing: 'Processing', Default: 'State unknown' };
  return states[s] ?? `State ${s}`;
}

/** The package's name, badge style, validity in words, whether it is shown dimmed, and whether a session can be redeemed today. */
export function describe(p: DeskPackage, today: string = '', culture?: string | null) {
  const name = p.package?.name ?? 'Package';
  const status = p.status ?? 'Default';
  const usable = !p.why_not;
  const dim = !usable && (status === 'Frozen' || status === 'Expired');
  const badgeCss = usable ? (status === 'Expired' ? 'grace' : 'active') : status === 'Frozen' ? 'frozen' : status === 'Expired' ? 'expired' : 'closed';
  const date = (v: string) => formatCenterDate(v, culture);
  let validity: string;
  const end = p.date?.end ?? null;
  const grace = p.date?.end_date_with_grace ?? null;
  if (status === 'CancelledRefund') validity = p.is_refunded ? 'Refunded' : 'Cancelled';
  else if (p.never_expires) validity = 'Never expires';
  else if (p.start_validity_at_first_redemption && !p.date?.start) validity = `Starts at first use, then ${p.expiration_days ?? '?'} days`;
  else if (!end) validity = 'No end date';
  else if (!today) validity = `Valid until ${date(end)}`;
  else {
    const left = daysUntil(end, today);
    const graceLeft = grace ? daysUntil(grace, today) : -1;
    if (left > 0) validity = `Valid until ${date(end)} · ${left} ${left === 1 ? 'day' : 'days'} left`;
    else if (left === 0) validity = `Valid until today, ${date(end)}`;
    else if (graceLeft >= 0) validity = `Ended ${date(end)} · grace until ${date(grace!)} (${graceLeft} ${graceLeft === 1 ? 'day' : 'days'} left)`;
    else validity = `Expired ${date(grace ?? end)}`;
  }
  return { name, usable, dim, badgeCss, validity, whyNot: p.why_not ?? '' };
}

/** The dates it is valid between, in words (the "Valid" line of its details). */
export function validRange(p: DeskPackage, culture?: string | null): string {
  if (p.never_expires) return 'Never expires';
  if (p.start_validity_at_first_redemption && !p.date?.start) return `Starts at the first redemption (${p.expiration_days ?? '?'} days)`;
  return `${formatCenterDate(p.date?.start, culture)} – ${formatCenterDate(p.date?.end, culture)}`;
}

/** An invoice line a package's session could pay for. */
export interface Coverable {
  item: InvoiceItem;
  service: ServiceBalance;
  /** A package session already pays for this line. */
  paid: boolean;
  /** A session can go on it: not paid yet, and the service has sessions left. */
  open: boolean;
}

/**
 * The invoice lines this package can pay for: those that sell (`id`, in any letter case) a
 * service the package holds. A line is named by its own `invoice_item_id`.
 */
export function coverableLines(invoice: Invoice | null, pkg: DeskPackage | null): Coverable[] {
  if (!invoice || !pkg) return [];
  const out: Coverable[] = [];
  for (const item of invoice.invoice_items) {
    const service = pkg.services.find((s) => sameId(s.service_type_info?.id, item.id));
    if (!service) continue;
    const paid = !!item.package_redemption;
    out.push({ item, service, paid, open: !paid && (service.balance ?? 0) > 0 });
  }
  return out;
}
