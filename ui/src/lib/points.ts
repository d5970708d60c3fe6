// Loyalty points and the money they are worth, in exact decimals (never binary floating point).
//
// UNTIL RUST SENDS IT: the value of the points typed is worked out here by Rust's own rule
// (`redemption::points::value_of`): points × the program's exchange rate (else the invoice's),
// rounded once to 2 decimals, half to even. Rust computes the amount it sends; the
// confirmation should show that one, and these helpers then go.
import { parseDecimal, roundHalfEven, writeDecimal } from './decimal';

/** Whole points above zero, as Rust accepts them ("250", " 250 ", "250.0"); null otherwise. */
export function wholePoints(text: string | null | undefined): bigint | null {
  const d = parseDecimal(text);
  if (!d || d.units <= 0n) return null;
  const divisor = 10n ** BigInt(d.scale);
  return d.units % divisor === 0n ? d.units / divisor : null;
}

/**
 * What `points` are worth at `rate` (money per point), as a decimal string with 2 decimals:
 * "250" at "0.1" is "25.00". Null when either is missing or not a number, or the points are
 * not whole points above zero.
 */
export function pointsValue(points: string | null | undefined, rate: string | null | undefined): string | null {
  const n = wholePoints(points);
  const r = parseDecimal(rate);
  if (n === null || !r) return null;
  return writeDecimal(roundHalfEven(n * r.units, r.scale, 2), 2);
}

/**
 * The points to pay at most `amount`: the most whole steps of `step` points whose value at
 * `rate` (rounded as `pointsValue` rounds it, as Rust charges it) does not exceed it. "" when
 * the amount is blank, not a number, or less than one step.
 */
export function pointsFor(amount: string | null | undefined, rate: string | null | undefined, step: number = 1): string {
  const a = parseDecimal(amount);
  const r = parseDecimal(rate);
  if (!a || !r || r.units <= 0n || a.units <= 0n || !Number.isInteger(step) || step < 1) return '';
  // The value is on the cent grid, so it is within the amount when within its whole cents c:
  // k × step × rate rounds to at most c cents when below c + ½ cent, or exactly on it with c
  // even (half to even). In integers: 200 × k × step × r < (2c + 1) × 10^scale(r).
  const cents = roundDown(a.units, a.scale, 2);
  if (cents <= 0n) return '';
  const bound = (2n * cents + 1n) * 10n ** BigInt(r.scale);
  const perStep = 200n * BigInt(step) * r.units;
  let steps = (bound - 1n) / perStep;
  if (bound % perStep === 0n && cents % 2n === 0n) steps = bound / perStep;
  return steps > 0n ? (steps * BigInt(step)).toString() : '';
}

/** A positive `units` at `scale`, cut (not rounded) to `to` decimals. */
function roundDown(units: bigint, scale: number, to: number): bigint {
  return scale <= to ? units * 10n ** BigInt(to - scale) : units / 10n ** BigInt(scale - to);
}

interface Program {
  exchange_rate: string | null;
  increment: string | null;
}

/** The rate a redemption uses: its program's, else the invoice's across all programs (as Rust chooses it). */
export function rateFor(program: Program | null | undefined, invoiceRate: string | null | undefined): string | null {
  return program?.exchange_rate ?? invoiceRate ?? null;
}

/** The program's steps of points (1 when it has none, or none above one). */
export function stepOf(program: Program | null | undefined): number {
  const n = wholePoints(program?.increment);
  return n !== null && n > 1n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : 1;
}

/** Whether a typed amount is a number above zero. */
export function isPositive(text: string | null | undefined): boolean {
  const d = parseDecimal(text);
  return !!d && d.units > 0n;
}

interface Redeemable<P extends Program & { id: string }> {
  exchange_rate: string | null;
  loyalty_programs: P[];
}

/**
 * What a redemption of `points` from the program `programId` ("" for across all programs) comes
 * to, as the confirmation shows it: the program, its rate and steps, and the points' value.
 */
export function quote<P extends Program & { id: string }>(info: Redeemable<P>, programId: string, points: string) {
  const program = info.loyalty_programs.find((p) => p.id === programId) ?? null;
  const rate = rateFor(program, info.exchange_rate);
  return { program, rate, step: stepOf(program), value: pointsValue(points, rate) };
}
