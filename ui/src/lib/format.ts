// Numbers and money are written the center's way (its culture and currency), not the way this
// computer's locale happens to be set. Money arrives as decimal strings.
import type { UpdateProgress } from '../bindings/UpdateProgress';
import { toFixedHalfEven } from './decimal';

const locales = new Map<string, string>();
const formatters = new Map<string, Intl.NumberFormat>();

/** Formatters are costly to build and lists format many numbers: build each once. */
function formatter(culture: string | null | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${culture ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(culture), options);
    formatters.set(key, f);
  }
  return f;
}

/** A locale Intl accepts: the center's culture if valid, else the browser's, else en-US. */
function locale(culture: string | null | undefined): string {
  const known = locales.get(culture ?? '');
  if (known) return known;
  const found = findLocale(culture);
  locales.set(culture ?? '', found);
  return found;
}

function findLocale(culture: string | null | undefined): string {
  for (const candidate of [culture, globalThis.navigator?.language, 'en-US']) {
    if (!candidate) continue;
    try {
      if (Intl.NumberFormat.supportedLocalesOf([candidate]).length > 0) return candidate;
    } catch {
      // Not a locale tag: try the next.
    }
  }
  return 'en-US';
}

export function formatMoney(
  amount: string | null | undefined,
  currency: string | null | undefined,
  culture?: string | null,
): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  if (!Number.isFinite(Number(amount))) return amount;
  // The decimal as written (Intl reads a numeric string exactly), rounded by the UI's one rule,
  // Rust's: half to even. Rust's amounts have two decimals already; this rounds only the rest.
  const exact = amount.trim() as Intl.StringNumericLiteral;
  if (!currency) return formatter(culture, { minimumFractionDigits: 2, maximumFractionDigits: 2, roundingMode: 'halfEven' }).format(exact);
  try {
    return formatter(culture, { style: 'currency', currency, roundingMode: 'halfEven' }).format(exact);
  } catch {
    return `${toFixedHalfEven(amount, 2) ?? amount} ${currency}`;
  }
}

export function formatCount(n: number, culture?: string | null): string {
  return formatter(culture, {}).format(n);
}

const PACKAGE_TYPES = new Set(['Day', 'Series', 'Promo', 'Custom']);

/** A package type as a receptionist reads it; a value Zenoti added later shows as "Other". */
export function packageTypeLabel(type: string | null | undefined): { label: string; css: string } {
  if (!type) return { label: 'Unknown', css: 'other' };
  if (PACKAGE_TYPES.has(type)) return { label: type, css: type.toLowerCase() };
  return { label: `Other (${type})`, css: 'other' };
}

/** A phone number with all but its last four digits hidden. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? digits : `•••${digits.slice(-4)}`;
}

/** A card number as Zenoti masks it ("XXXXXXXXXXXX4242"), shown by its last four digits. */
export function maskCard(card: string | null | undefined): string {
  const digits = (card ?? '').replace(/\D/g, '');
  return digits ? `•••• ${digits.slice(-4)}` : '';
}

/**
 * A center-local time as Zenoti sends it ("2026-11-22T14:03:00", no offset), written in the
 * center's culture on the center's clock: it is never moved into this computer's zone.
 */
export function formatCenterTime(local: string, culture?: string | null): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(local);
  if (!m) return local;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  return new Intl.DateTimeFormat(locale(culture), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(asUtc);
}

/** The date of a center-local time ("2026-11-22T14:03:00" or "2026-11-22 14:03:00.000"), in the center's culture. */
export function formatCenterDate(local: string | null | undefined, culture?: string | null): string {
  if (!local) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(local);
  if (!m) return local;
  return new Intl.DateTimeFormat(locale(culture), { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(+m[1], +m[2] - 1, +m[3]));
}

/**
 * An RFC 3339 time (the audit log's, a redemption's) on this computer's clock, in the center's
 * culture: the date and time, or only the time with `timeOnly`.
 */
export function formatLocalTime(iso: string, culture?: string | null, timeOnly = false): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return iso;
  const time: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: 'numeric', second: 'numeric' };
  const options = timeOnly ? time : { year: 'numeric', month: 'numeric', day: 'numeric', ...time } as const;
  return new Intl.DateTimeFormat(locale(culture), options).format(at);
}

/** An update's download or install as the Settings screen says it. */
export function updateProgressText(p: UpdateProgress | null): string {
  if (!p) return '';
  if (p.kind === 'installing') return 'Installing…';
  if (p.total) return `Downloading… ${Math.min(100, Math.round((p.received / p.total) * 100))} %`;
  return `Downloading… ${Math.round(p.received / 1024)} KB`;
}
