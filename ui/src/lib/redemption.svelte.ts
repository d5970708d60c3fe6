// One redemption flow for loyalty points and package sessions alike: the confirmation, sending,
// checking a lost answer (with the countdown Rust sends), the outcome or the error (told by its
// code, never by its words), Check again, Try again when another desk held the invoice, and the
// invoices whose redemption Zenoti has not shown yet.
import { backend, type ErrorCode, type IpcError, type RedeemProgress, type RedemptionOutcome } from './backend';
import type { RedemptionKind } from '../bindings/RedemptionKind';

/**
 * Redemptions whose answer was lost and that Zenoti did not show within the check window, by
 * invoice id (lower case). They outlive the screen that sent them: the invoice's redeem form
 * stays disabled, on either screen, until Zenoti shows the redemption or the receptionist says
 * they checked in Zenoti that it did not go through.
 */
const unsettled = $state<Record<string, RedemptionOutcome>>({});

const key = (invoiceId: string) => invoiceId.trim().toLowerCase();

export type Phase = 'idle' | 'sending' | 'checking';

export type Kind = RedemptionKind;

export class Redemption {
  /** What this screen redeems: loyalty points or package sessions. */
  readonly kind: Kind;
  phase = $state<Phase>('idle');
  /** The confirmation is open: nothing is sent until it is confirmed. */
  confirming = $state(false);
  /** Why the last redeem did not go ahead: what was missing, or Rust's refusal or reason not to send. */
  error = $state<IpcError | null>(null);
  /** While a lost answer is checked: the seconds left, as Rust counts them (`null` on Check again). */
  secondsLeft = $state<number | null>(null);
  /** The longest countdown seen in this check: the check window. */
  windowSeconds = $state<number | null>(null);
  outcome = $state<RedemptionOutcome | null>(null);
  /** Check again could not run at all (the reason, from Rust). */
  checkFailed = $state<IpcError | null>(null);
  /** How many times Check again found nothing yet. */
  checkedAgain = $state(0);
  /** Bumped by every send and check, so that a late progress message of an earlier one is ignored. */
  #run = 0;

  readonly busy = $derived(this.phase !== 'idle');
  /** A redemption not seen yet is shown: nothing more may be redeemed on its invoice. */
  readonly blocked = $derived(this.outcome?.status === 'not_seen_yet');
  /**
   * Another desk holds the invoice (its hub lease): the redemption was refused before anything
   * was sent. Try again sends the same request; Back returns to the form.
   */
  readonly leased = $derived(this.error?.code === 'invoice_leased' ? this.error : null);
  /**
   * Sending, checking, a redemption on this invoice not seen yet, or another desk holding it:
   * the form is disabled, nothing more is sent from it.
   */
  readonly locked = $derived(this.busy || this.blocked || !!this.leased);
  /** The last redemption confirmed, for Try again. */
  #last: { invoiceId: string; start: (onProgress: (step: RedeemProgress) => void) => Promise<RedemptionOutcome> } | null = null;

  constructor(kind: Kind) {
    this.kind = kind;
  }

  /** Shows what is pending for `invoiceId` (its redemption not seen yet), or nothing. */
  show(invoiceId: string | null) {
    this.#reset();
    this.#last = null;
    this.confirming = false;
    this.error = null;
    this.outcome = invoiceId ? (unsettled[key(invoiceId)] ?? null) : null;
  }

  /** The words of the form's Redeem button: `idle`, or what is under way. */
  buttonLabel(idle: string): string {
    return this.phase === 'sending' ? 'Sending…' : this.phase === 'checking' ? 'Checking…' : idle;
  }

  /**
   * The form was submitted: opens the confirmation, unless something is under way or not seen
   * yet, or `missing` says what the form lacks (it is then the error). Returns whether it opened.
   */
  review(missing: IpcError | null = null): boolean {
    if (this.locked) return false;
    this.error = missing;
    this.confirming = !missing;
    return this.confirming;
  }

  /** The confirmation was cancelled: nothing is sent. */
  cancel() {
    this.confirming = false;
  }

  /**
   * The confirmation was confirmed: sends, as `send` does. Resolves with the outcome, or with
   * null when the redemption was refused or never sent (`error` then says why, by its code).
   */
  async redeem(
    invoiceId: string,
    start: (onProgress: (step: RedeemProgress) => void) => Promise<RedemptionOutcome>,
  ): Promise<RedemptionOutcome | null> {
    this.confirming = false;
    this.error = null;
    this.#last = { invoiceId, start };
    try {
      return await this.send(invoiceId, start);
    } catch (e) {
      this.error = e as IpcError;
      // The hub did not answer when asked to hold the invoice: nothing was sent. The
      // confirmation shows again, warning that no lease keeps the other desks off the invoice.
      if (this.error.code === 'hub_lease_unavailable') this.confirming = true;
      return null;
    }
  }

  /** The confirmation warns that no hub lease keeps other desks off the invoice. */
  get unguarded(): boolean {
    return this.error?.code === 'hub_lease_unavailable';
  }

  /**
   * Try again, after another desk held the invoice: sends the very request confirmed before
   * (nothing of it was sent). Resolves as `redeem` does; null when there is nothing to retry.
   */
  async retry(): Promise<RedemptionOutcome | null> {
    const last = this.#last;
    if (!last || !this.leased || this.busy) return null;
    return this.redeem(last.invoiceId, last.start);
  }

  /** Back to the form after another desk held the invoice: nothing is sent. */
  back() {
    if (this.leased) this.error = null;
  }

  #reset() {
    this.outcome = null;
    this.checkFailed = null;
    this.checkedAgain = 0;
    this.secondsLeft = null;
    this.windowSeconds = null;
  }

  #record(outcome: RedemptionOutcome) {
    this.outcome = outcome;
    if (outcome.status === 'not_seen_yet') unsettled[key(outcome.invoice_id)] = outcome;
    else delete unsettled[key(outcome.invoice_id)];
  }

  /**
   * Sends one redemption through `start`, which passes the progress callback to the backend.
   * Resolves with the outcome (applied, or not seen yet); rejects with the IpcError of a
   * redemption that was refused or never sent.
   */
  async send(
    invoiceId: string,
    start: (onProgress: (step: RedeemProgress) => void) => Promise<RedemptionOutcome>,
  ): Promise<RedemptionOutcome> {
    if (this.busy || unsettled[key(invoiceId)]) {
      // The screens disable Redeem first; this is the last guard.
      const refused: IpcError = {
        code: 'redemption_in_progress',
        message: 'A redemption on this invoice has not shown in Zenoti yet. Press Check again, or check the invoice in Zenoti first.',
        detail: null,
      };
      throw refused;
    }
    const run = ++this.#run;
    this.#reset();
    this.phase = 'sending';
    try {
      const outcome = await start((step) => {
        if (run !== this.#run || this.phase === 'idle') return;
        if (step.step === 'checking') {
          this.phase = 'checking';
          this.secondsLeft = step.seconds_left;
          this.windowSeconds = Math.max(this.windowSeconds ?? 0, step.seconds_left);
        } else {
          this.phase = 'sending';
        }
      });
      this.#record(outcome);
      return outcome;
    } finally {
      if (run === this.#run) {
        this.phase = 'idle';
        this.secondsLeft = null;
      }
    }
  }

  /** Check again: reads Zenoti once more for the redemption shown as not seen yet. */
  async checkAgain(): Promise<RedemptionOutcome | null> {
    const pending = this.outcome;
    if (!pending || pending.status !== 'not_seen_yet' || this.busy) return null;
    const run = ++this.#run;
    this.phase = 'checking';
    this.secondsLeft = null;
    this.checkFailed = null;
    try {
      const outcome = await backend.checkRedemption(pending.attempt_id);
      if (run !== this.#run) return null;
      if (outcome.status === 'not_seen_yet') this.checkedAgain += 1;
      this.#record(outcome);
      return outcome;
    } catch (e) {
      if (run === this.#run) this.checkFailed = e as IpcError;
      return null;
    } finally {
      if (run === this.#run) this.phase = 'idle';
    }
  }

  /**
   * The receptionist checked in Zenoti that it did not go through: Rust records their word in
   * the audit log and stops checking, and the invoice's form comes back. Returns whether it did.
   */
  async didNotGoThrough(): Promise<boolean> {
    const pending = this.outcome;
    if (pending?.status !== 'not_seen_yet' || this.busy) return false;
    try {
      await backend.dismissRedemption(pending.attempt_id);
    } catch (e) {
      // invalid_input: Rust no longer holds it (the app restarted); the receptionist's word stands.
      if ((e as IpcError).code !== 'invalid_input') {
        this.checkFailed = e as IpcError;
        return false;
      }
    }
    delete unsettled[key(pending.invoice_id)];
    this.#reset();
    return true;
  }
}

/** The redemption not seen yet on this invoice, if any. */
export function unsettledOn(invoiceId: string | null | undefined): RedemptionOutcome | null {
  return invoiceId ? (unsettled[key(invoiceId)] ?? null) : null;
}

/** What an outcome redeemed, as Rust says. */
export function kindOf(outcome: RedemptionOutcome): Kind {
  return outcome.kind;
}

/** The first line of a redemption's error, by its code alone: what happened to the money. */
export function errorTitle(code: ErrorCode | undefined, kind: Kind): string | null {
  if (code === 'invoice_leased') {
    return 'Nothing was sent: another desk is redeeming on this invoice.';
  }
  if (code === 'hub_lease_unavailable') {
    return 'Nothing was sent: the hub did not answer.';
  }
  if (code === 'redemption_refused') {
    return kind === 'points' ? 'Zenoti refused the payment: nothing was paid.' : 'Zenoti refused the redemption: nothing was redeemed.';
  }
  return null;
}
