// Numbers and money are written the center's way (its culture and currency), not the way this
// computer's locale happens to be set. Money arrives as decimal strings.

/** A locale Intl accepts: the center's culture if valid, else the browser's, else en-US. */
function locale(culture: string | null | undefined): string {
  for (const candidate of [culture, navigator.language, 'en-US']) {
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
  const value = Number(amount);
  if (!Number.isFinite(value)) return amount;
  if (!currency) return new Intl.NumberFormat(locale(culture), { minimumFractionDigits: 2 }).format(value);
  try {
    return new Intl.NumberFormat(locale(culture), { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

export function formatCount(n: number, culture?: string | null): string {
  return new Intl.NumberFormat(locale(culture)).format(n);
}

const PACKAGE_TYPES = new Set(['Day', 'Series', 'Promo', 'Custom']);

/** A package type as a receptionist reads it; a value Zenoti added later shows as "Other". */
export function packageTypeLabel(type: string | null | undefined): { label: string; css: string } {
  if (!type) return { label: 'Unknown', css: 'other' };
  if (PACKAGE_TYPES.has(type)) return { label: type, css: type.toLowerCase() };
  return { label: `Other (${type})`, css: 'other' };
}
