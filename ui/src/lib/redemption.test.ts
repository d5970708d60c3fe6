import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcError } from '../bindings/IpcError';
import type { RedeemProgress } from '../bindings/RedeemProgress';
import type { RedemptionOutcome } from '../bindings/RedemptionOutcome';
import { Redemption, errorTitle, kindOf, unsettledOn } from './redemption.svelte';

// The flow reads Zenoti again (Check again) and records "it did not go through" through these.
const backend = vi.hoisted(() => ({ checkRedemption: vi.fn(), dismissRedemption: vi.fn() }));
vi.mock('./backend', () => ({ backend }));

function outcome(invoiceId: string, fields: Partial<RedemptionOutcome> = {}): RedemptionOutcome {
  return {
    kind: 'points', status: 'applied', attempt_id: `att-${invoiceId}`, checked_after_lost_answer: false, evidence: null, check_error: null,
    checked_for_seconds: null, invoice_id: invoiceId, invoice_number: 'SDS16671', points: '250', amount: '25.00',
    program_name: null, points_left: null, package_name: null, service_name: null, sessions_left: null, balance_due: '190',
    at: '2026-11-22T15:00:00Z', center_time: null, workstation: 'frontdesk-00ff', ...fields,
  };
}
const error = (code: IpcError['code']): IpcError => ({ code, message: `${code} said in words`, detail: null });
const missing = error('invalid_input');

beforeEach(() => {
  backend.checkRedemption.mockReset();
  backend.dismissRedemption.mockReset();
});

describe('the confirmation', () => {
  it('opens only when nothing is missing, and says what is', () => {
    const flow = new Redemption('points');
    expect(flow.review(missing)).toBe(false);
    expect(flow.confirming).toBe(false);
    expect(flow.error).toEqual(missing);
    expect(flow.review()).toBe(true);
    expect(flow.confirming).toBe(true);
    expect(flow.error).toBeNull();
    flow.cancel();
    expect(flow.confirming).toBe(false);
  });
});

describe('a redemption sent', () => {
  it('follows the progress Rust streams, then shows the outcome and is idle again', async () => {
    const flow = new Redemption('points');
    const seen: [string, number | null, number | null][] = [];
    let progress: (step: RedeemProgress) => void = () => {};
    let answer: (o: RedemptionOutcome) => void = () => {};
    flow.review();
    const sent = flow.redeem('inv-progress', (onProgress) => {
      progress = onProgress;
      return new Promise((resolve) => (answer = resolve));
    });
    expect(flow.confirming).toBe(false);
    expect([flow.phase, flow.busy, flow.locked, flow.buttonLabel('Redeem')]).toEqual(['sending', true, true, 'Sending…']);
    for (const step of [{ step: 'checking', seconds_left: 3 }, { step: 'checking', seconds_left: 2 }] as RedeemProgress[]) {
      progress(step);
      seen.push([flow.phase, flow.secondsLeft, flow.windowSeconds]);
    }
    expect(seen).toEqual([['checking', 3, 3], ['checking', 2, 3]]);
    expect(flow.buttonLabel('Redeem')).toBe('Checking…');
    answer(outcome('inv-progress'));
    expect((await sent)?.status).toBe('applied');
    expect([flow.phase, flow.busy, flow.locked, flow.secondsLeft, flow.buttonLabel('Redeem')]).toEqual(['idle', false, false, null, 'Redeem']);
    expect(flow.outcome?.status).toBe('applied');
  });

  it('keeps a refusal as its error, by code, and sends nothing more', async () => {
    const flow = new Redemption('session');
    const result = await flow.redeem('inv-refused', () => Promise.reject(error('redemption_refused')));
    expect(result).toBeNull();
    expect(flow.error?.code).toBe('redemption_refused');
    expect(flow.phase).toBe('idle');
    expect(flow.outcome).toBeNull();
  });
});

describe('another desk holding the invoice', () => {
  it('locks the form with nothing sent; Try again sends the same request, Back returns to the form', async () => {
    const flow = new Redemption('points');
    const start = vi.fn<(onProgress: (step: RedeemProgress) => void) => Promise<RedemptionOutcome>>()
      .mockRejectedValueOnce(error('invoice_leased'))
      .mockRejectedValueOnce(error('invoice_leased'))
      .mockResolvedValueOnce(outcome('inv-leased'));
    expect(await flow.redeem('inv-leased', start)).toBeNull();
    expect([flow.leased?.code, flow.locked, flow.blocked, flow.outcome]).toEqual(['invoice_leased', true, false, null]);
    expect(flow.review()).toBe(false);
    flow.back();
    expect([flow.leased, flow.error, flow.locked]).toEqual([null, null, false]);
    // Nothing to try again once back at the form.
    expect(await flow.retry()).toBeNull();
    expect(start).toHaveBeenCalledTimes(1);

    expect(await flow.redeem('inv-leased', start)).toBeNull();
    expect(flow.leased?.code).toBe('invoice_leased');
    expect((await flow.retry())?.status).toBe('applied');
    expect(start).toHaveBeenCalledTimes(3);
    expect([flow.leased, flow.locked, flow.outcome?.status]).toEqual([null, false, 'applied']);
  });

  it('is forgotten when another invoice is shown', async () => {
    const flow = new Redemption('session');
    const start = vi.fn(() => Promise.reject(error('invoice_leased')));
    await flow.redeem('inv-a', start);
    flow.show('inv-b');
    expect([flow.leased, flow.locked]).toEqual([null, false]);
    expect(await flow.retry()).toBeNull();
    expect(start).toHaveBeenCalledTimes(1);
  });
});

describe('a redemption not seen yet', () => {
  it('locks its invoice on every screen until Zenoti shows it', async () => {
    const points = new Redemption('points');
    await points.redeem('INV-Lost', () => Promise.resolve(outcome('INV-Lost', { status: 'not_seen_yet' })));
    expect([points.blocked, points.locked, points.busy]).toEqual([true, true, false]);
    expect(points.review()).toBe(false);
    expect(unsettledOn('inv-lost')?.attempt_id).toBe('att-INV-Lost');

    // The other screen, the same invoice in another letter case: locked too, and nothing is sent.
    const sessions = new Redemption('session');
    sessions.show('inv-lost');
    expect(sessions.blocked).toBe(true);
    const start = vi.fn(() => Promise.resolve(outcome('inv-lost')));
    expect(await sessions.redeem('inv-lost', start)).toBeNull();
    expect(start).not.toHaveBeenCalled();
    expect(sessions.error?.code).toBe('redemption_in_progress');

    // Check again: still not there, then there.
    backend.checkRedemption.mockResolvedValueOnce(outcome('INV-Lost', { status: 'not_seen_yet' }));
    expect((await points.checkAgain())?.status).toBe('not_seen_yet');
    expect(points.checkedAgain).toBe(1);
    backend.checkRedemption.mockResolvedValueOnce(outcome('INV-Lost'));
    expect((await points.checkAgain())?.status).toBe('applied');
    expect(backend.checkRedemption).toHaveBeenCalledWith('att-INV-Lost');
    expect(points.blocked).toBe(false);
    expect(unsettledOn('inv-lost')).toBeNull();
  });

  it('stays locked when Check again cannot run, with why', async () => {
    const flow = new Redemption('points');
    await flow.redeem('inv-unreachable', () => Promise.resolve(outcome('inv-unreachable', { status: 'not_seen_yet' })));
    backend.checkRedemption.mockRejectedValueOnce(error('network'));
    expect(await flow.checkAgain()).toBeNull();
    expect(flow.checkFailed?.code).toBe('network');
    expect(flow.blocked).toBe(true);
  });

  it('is released by "it did not go through", also when Rust no longer holds it', async () => {
    const flow = new Redemption('points');
    await flow.redeem('inv-dismissed', () => Promise.resolve(outcome('inv-dismissed', { status: 'not_seen_yet' })));
    backend.dismissRedemption.mockRejectedValueOnce(error('invalid_input'));
    expect(await flow.didNotGoThrough()).toBe(true);
    expect(backend.dismissRedemption).toHaveBeenCalledWith('att-inv-dismissed');
    expect([flow.blocked, flow.outcome]).toEqual([false, null]);
    expect(unsettledOn('inv-dismissed')).toBeNull();
  });

  it('is kept when the audit log cannot record "it did not go through"', async () => {
    const flow = new Redemption('points');
    await flow.redeem('inv-kept', () => Promise.resolve(outcome('inv-kept', { status: 'not_seen_yet' })));
    backend.dismissRedemption.mockRejectedValueOnce(error('audit_unavailable'));
    expect(await flow.didNotGoThrough()).toBe(false);
    expect(flow.checkFailed?.code).toBe('audit_unavailable');
    expect(unsettledOn('inv-kept')).not.toBeNull();
  });
});

describe('kindOf and errorTitle', () => {
  it('tell points from sessions by the outcome, and a refusal by its code alone', () => {
    expect(kindOf(outcome('x'))).toBe('points');
    expect(kindOf(outcome('x', { kind: 'session', points: null, package_name: 'Massage Series 10' }))).toBe('session');
    expect(errorTitle('redemption_refused', 'points')).toBe('Zenoti refused the payment: nothing was paid.');
    expect(errorTitle('redemption_refused', 'session')).toBe('Zenoti refused the redemption: nothing was redeemed.');
    expect(errorTitle('invoice_leased', 'session')).toBe('Nothing was sent: another desk is redeeming on this invoice.');
    expect(errorTitle('otp_required', 'points')).toBeNull();
    expect(errorTitle(undefined, 'points')).toBeNull();
  });
});
