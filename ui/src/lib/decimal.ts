// Decimals as Rust sends them (strings), read and rounded exactly: never through binary
// floating point. The one rounding rule of the UI is Rust's: half to even (`round_dp`).

/** A decimal as an exact scaled integer: "0.1" is 1 at scale 1. */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** Reads a decimal ("25", "0.10", "1e-2"); null for anything else (blank, NaN, "12,5"). */
export function parseDecimal(text: string | number | null | undefined): Decimal | null {
  if (text === null || text === undefined) return null;
  const m = DECIMAL.exec(String(text).trim());
  if (!m || (!m[2] && !m[3])) return null;
  const fraction = m[3] ?? '';
  let units = BigInt(`${m[2] || '0'}${fraction}`);
  let scale = fraction.length - Number(m[4] ?? 0);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: m[1] === '-' ? -units : units, scale };
}

/** `units` at `scale` rounded to `to` decimals, half to even (what Rust's `round_dp` does). */
export function roundHalfEven(units: bigint, scale: number, to: number): bigint {
  if (scale <= to) return units * 10n ** BigInt(to - scale);
  const divisor = 10n ** BigInt(scale - to);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  let q = abs / divisor;
  const twice = (abs % divisor) * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/** `units` at `scale` written out: 2500 at 2 is "25.00". */
export function writeDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** A decimal rounded half to even to `places` decimals and written with them ("2.675", 2 is "2.68"); null if unreadable. */
export function toFixedHalfEven(text: string | number | null | undefined, places: number): string | null {
  const d = parseDecimal(text);
  return d ? writeDecimal(roundHalfEven(d.units, d.scale, places), places) : null;
}
