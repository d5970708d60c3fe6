// Money arrives as decimal strings; format it in the center's currency without float maths
// beyond display.
export function formatMoney(amount: string | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = Number(amount);
  if (!Number.isFinite(value)) return amount;
  if (!currency) return value.toFixed(2);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat().format(n);
}

const PACKAGE_TYPES = new Set(['Day', 'Series', 'Promo', 'Custom']);

/** A package type as a receptionist reads it; a value Zenoti added later shows as "Other". */
export function packageTypeLabel(type: string | null | undefined): { label: string; css: string } {
  if (!type) return { label: 'Unknown', css: 'other' };
  if (PACKAGE_TYPES.has(type)) return { label: type, css: type.toLowerCase() };
  return { label: `Other (${type})`, css: 'other' };
}
