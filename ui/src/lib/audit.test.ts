import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../bindings/AuditEntry';
import { appliedToday, newestFirst, outcomeLabel, redeemedLabel } from './audit';

function entry(time: string, outcome = 'applied', fields: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time, attempt_id: time, workstation: 'frontdesk-00ff', employee: 'API key', center_id: 'c-1', invoice_id: 'inv-1',
    invoice_number: 'SDS16671', guest_id: 'g-1', points: '250', package: null, amount: '25', outcome,
    evidence: null, zenoti_code: null, zenoti_message: null, ...fields,
  };
}

describe('outcomeLabel', () => {
  it('says each outcome in words, also those of earlier versions', () => {
    expect(outcomeLabel('applied')).toBe('applied');
    expect(outcomeLabel('not_seen_yet')).toBe('not seen yet');
    expect(outcomeLabel('dismissed')).toBe('did not go through (checked in Zenoti)');
    expect(outcomeLabel('not_applied')).toBe('not found by the check');
  });

  it('shows one it does not know as written', () => {
    expect(outcomeLabel('sent_to_the_moon')).toBe('sent to the moon');
    expect(outcomeLabel('')).toBe('');
  });
});

describe('redeemedLabel', () => {
  it('is the points, or the package', () => {
    expect(redeemedLabel({ points: '250', package: null })).toBe('250 points');
    expect(redeemedLabel({ points: '250', package: null }, true)).toBe('250 pts');
    expect(redeemedLabel({ points: null, package: 'Massage Series 10: Swedish Massage' })).toBe('Massage Series 10: Swedish Massage');
    expect(redeemedLabel({ points: null, package: null })).toBe('');
  });
});

describe('appliedToday', () => {
  // 11 pm on Nov 22 in New York, where the tests run: 04:00 on Nov 23 in UTC.
  const now = new Date(2026, 10, 22, 23, 0);

  it("keeps what was applied on this computer's day, newest first", () => {
    const log = [
      entry('2026-11-22T04:59:00Z'), // 11:59 pm on the 21st: yesterday
      entry('2026-11-22T05:00:00Z'), // local midnight
      entry('2026-11-22T15:05:00Z', 'refused'),
      entry('2026-11-22T15:09:00Z'),
      entry('2026-11-23T03:30:00Z'), // 10:30 pm: UTC says the 23rd, the desk says today
      entry('2026-11-23T05:00:00Z'), // tomorrow
    ];
    expect(appliedToday(log, now).map((e) => e.time)).toEqual(['2026-11-23T03:30:00Z', '2026-11-22T15:09:00Z', '2026-11-22T05:00:00Z']);
  });

  it('leaves out every outcome but applied', () => {
    const log = ['attempt', 'refused', 'not_sent', 'not_seen_yet', 'dismissed', 'unknown'].map((o) => entry('2026-11-22T15:00:00Z', o));
    expect(appliedToday(log, now)).toEqual([]);
  });

  it('is empty for an empty log, and skips unreadable times', () => {
    expect(appliedToday([], now)).toEqual([]);
    expect(appliedToday([entry('garbled')], now)).toEqual([]);
  });
});

describe('newestFirst', () => {
  it('reverses the log without changing it', () => {
    const log = [entry('a'), entry('b')];
    expect(newestFirst(log).map((e) => e.time)).toEqual(['b', 'a']);
    expect(log.map((e) => e.time)).toEqual(['a', 'b']);
  });
});
