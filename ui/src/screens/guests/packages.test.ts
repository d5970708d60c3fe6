import { describe, expect, it } from 'vitest';
import type { DeskPackage } from '../../bindings/DeskPackage';
import type { Invoice } from '../../bindings/Invoice';
import type { InvoiceItem } from '../../bindings/InvoiceItem';
import { coverableLines, describe as describePackage, sessionsLeft, stateLabel, statusLabel, validRange } from './packages';

function held(fields: Partial<DeskPackage> = {}, services: [string, number, number][] = []): DeskPackage {
  return {
    why_not: null, redeemable: true, user_package_id: 'up-1', status: 'Active', user_package_state: 'Open', invoice: null,
    package: { id: 'p-1', code: 'MAS', name: 'Massage Series 10', type: 'Series', is_otp_required: false },
    purchase: null, date: { start: '2026-01-01T00:00:00', end: '2026-12-31T00:00:00', end_date_with_grace: '2026-12-31T00:00:00' },
    schedule: null, center: null, is_refunded: false, sale_invoice: null, lookup_package_user_id: null,
    start_validity_at_first_redemption: false, never_expires: false, has_first_redemption: true, expiration_days: 365,
    services: services.map(([id, total, balance]) => ({
      service_type_info: { id, name: id, service_category_type: 0, duration: 60, has_segments: false },
      exists_in_current_center: true, total, used: total - balance, balance, balance_amount: null, price: null,
      package_service_price: null, sale_as_part_of_package_or_membership_only: false, book_with_partial_balance: false,
    })),
    products: [],
    ...fields,
  };
}

const line = (id: string, service: string, paid = false): InvoiceItem => ({
  invoice_item_id: id, id: service, name: service, type: 'Service', code: null, quantity: 1, price: null, therapist_name: null,
  package_redemption: paid ? { user_package_id: 'up-x' } : null,
});

function invoice(items: InvoiceItem[]): Invoice {
  return {
    id: 'inv-1', invoice_number: '16671', invoice_number_prefix: 'SDS', receipt_number: null, center_id: 'c-1', invoice_date: null,
    is_closed: false, lock: false, is_refund: false, has_redemptions: false, guest: null, total_price: null, invoice_dues: null,
    invoice_items: items, transactions: [],
  };
}

describe('sessionsLeft', () => {
  it('adds up the services, never counting a negative balance', () => {
    expect(sessionsLeft(held({}, [['s-a', 10, 7], ['s-b', 4, -1]]))).toEqual({ left: 7, total: 14 });
    expect(sessionsLeft(held())).toEqual({ left: 0, total: 0 });
  });
});

describe('statusLabel and stateLabel', () => {
  it('name the states, a new one as Other', () => {
    expect(statusLabel(held())).toBe('Active');
    expect(statusLabel(held({ status: 'CancelledRefund' }))).toBe('Cancelled / refunded');
    expect(statusLabel(held({ status: 'Expired' }))).toBe('Expired · in grace');
    expect(statusLabel(held({ status: 'Expired', why_not: 'This package has expired.' }))).toBe('Expired');
    expect(statusLabel(held({ status: 'Weird' as DeskPackage['status'] }))).toBe('Other (Weird)');
    expect(stateLabel(held({ user_package_state: 'WithProcessing' }))).toBe('Processing');
    expect(stateLabel(held({ user_package_state: null }))).toBe('State unknown');
  });
});

describe('describe', () => {
  const today = '2026-11-22';

  it('counts the days left on the written dates', () => {
    expect(describePackage(held({ date: { start: null, end: '2026-11-23T00:00:00', end_date_with_grace: null } }), today, 'en-US').validity)
      .toBe('Valid until Nov 23, 2026 · 1 day left');
    expect(describePackage(held({ date: { start: null, end: '2026-12-02T23:59:00', end_date_with_grace: null } }), today, 'en-US').validity)
      .toBe('Valid until Dec 2, 2026 · 10 days left');
    expect(describePackage(held({ date: { start: null, end: '2026-11-22T23:59:00', end_date_with_grace: null } }), today, 'en-US').validity)
      .toBe('Valid until today, Nov 22, 2026');
  });

  it('says the grace period, then that it expired', () => {
    const grace = held({ status: 'Expired', date: { start: null, end: '2026-11-20T00:00:00', end_date_with_grace: '2026-11-23T00:00:00' } });
    expect(describePackage(grace, today, 'en-US')).toMatchObject({ validity: 'Ended Nov 20, 2026 · grace until Nov 23, 2026 (1 day left)', usable: true, badgeCss: 'grace' });
    const over = held({ status: 'Expired', why_not: 'This package has expired.', date: { start: null, end: '2026-10-01T00:00:00', end_date_with_grace: '2026-10-31T00:00:00' } });
    expect(describePackage(over, today, 'en-US')).toMatchObject({ validity: 'Expired Oct 31, 2026', usable: false, dim: true, badgeCss: 'expired', whyNot: 'This package has expired.' });
  });

  it('covers packages that never expire, start at first use, were cancelled, or have no dates', () => {
    expect(describePackage(held({ never_expires: true }), today).validity).toBe('Never expires');
    expect(describePackage(held({ start_validity_at_first_redemption: true, date: null, expiration_days: 90 }), today).validity)
      .toBe('Starts at first use, then 90 days');
    expect(describePackage(held({ status: 'CancelledRefund', is_refunded: true }), today).validity).toBe('Refunded');
    expect(describePackage(held({ date: null }), today).validity).toBe('No end date');
    expect(describePackage(held({ package: null }), today).name).toBe('Package');
  });

  it('without today says only the end date', () => {
    expect(describePackage(held(), '', 'en-US').validity).toBe('Valid until Dec 31, 2026');
  });
});

describe('validRange', () => {
  it('writes the dates, or why there are none', () => {
    expect(validRange(held(), 'en-US')).toBe('Jan 1, 2026 – Dec 31, 2026');
    expect(validRange(held({ never_expires: true }))).toBe('Never expires');
    expect(validRange(held({ start_validity_at_first_redemption: true, date: null, expiration_days: null }))).toBe('Starts at the first redemption (? days)');
  });
});

describe('coverableLines', () => {
  const pkg = held({}, [['s-massage', 10, 7], ['s-facial', 6, 0]]);

  it("offers the lines selling the package's services, matched in any letter case", () => {
    const lines = coverableLines(invoice([line('ii-1', 'S-MASSAGE'), line('ii-2', 's-pedicure'), line('ii-3', 's-massage')]), pkg);
    expect(lines.map((x) => [x.item.invoice_item_id, x.open])).toEqual([['ii-1', true], ['ii-3', true]]);
  });

  it('marks lines already paid by a package, and services with no session left, as not open', () => {
    const lines = coverableLines(invoice([line('ii-1', 's-massage', true), line('ii-2', 's-facial')]), pkg);
    expect(lines.map((x) => [x.item.invoice_item_id, x.paid, x.open])).toEqual([['ii-1', true, false], ['ii-2', false, false]]);
  });

  it('is empty without an invoice, a package, or a line it covers', () => {
    expect(coverableLines(null, pkg)).toEqual([]);
    expect(coverableLines(invoice([line('ii-1', 's-massage')]), null)).toEqual([]);
    expect(coverableLines(invoice([]), pkg)).toEqual([]);
    expect(coverableLines(invoice([{ ...line('ii-1', 's-massage'), id: null }]), pkg)).toEqual([]);
  });
});
