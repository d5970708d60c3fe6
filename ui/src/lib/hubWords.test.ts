import { describe, expect, it } from 'vitest';
import type { HubStatus } from '../bindings/HubStatus';
import type { HubUpdate } from '../bindings/HubUpdate';
import {
  aboutGuest, changesWhatCanBeRedeemed, hubStateMeaning, hubStateWords, hubTroubleWords, invoiceNotice, packageNotice, sessionCount,
} from './hubWords';

const status = (state: HubStatus['state'], trouble: HubStatus['trouble'] = null): HubStatus =>
  ({ state, url: 'https://hub.example', desk_name: 'Downtown · desk 1', center_id: 'c-1', trouble });
const update = (fields: Partial<HubUpdate>): HubUpdate => ({
  seq: 1, kind: 'package_redeemed', center_id: 'c-1', invoice_id: null, user_package_id: 'up-01', guest_id: 'g-1', desk: null,
  package_name: 'Massage Series 10', sessions: 1, ...fields,
});
const OWN = 'Downtown · desk 1';

describe('the hub state', () => {
  it('is said in the top bar only when a hub is joined', () => {
    expect(hubStateWords(null)).toBe('');
    expect(hubStateWords(status('none'))).toBe('');
    expect(hubStateWords(status('connected'))).toBe('Hub connected');
    expect(hubStateWords(status('offline'))).toBe('Hub offline — working directly with Zenoti');
    expect(hubStateMeaning(status('offline'))).toMatch(/^Offline: working directly with Zenoti\./);
  });

  it('says what to do when the hub no longer knows this desk or its token is gone', () => {
    expect(hubTroubleWords(status('connected'))).toBeNull();
    expect(hubTroubleWords(status('offline', 'revoked'))).toBe(
      'The hub no longer knows this desk. Ask IT for a new enrollment code, then Leave hub in Settings and join again.');
    expect(hubTroubleWords(status('offline', 'token_missing'))).toMatch(/not in this computer's keychain\. Ask IT for a new enrollment code/);
    expect(hubStateMeaning(status('offline', 'revoked'))).toMatch(/^Offline: working directly with Zenoti\. The hub no longer knows this desk/);
  });
});

describe('a live update about a package', () => {
  it('says how many sessions, of what, and where', () => {
    expect(sessionCount(1)).toBe('1 session');
    expect(sessionCount(3)).toBe('3 sessions');
    expect(packageNotice(update({ desk: 'Downtown · desk 2' }), null, OWN)).toBe('1 session of Massage Series 10 redeemed at Downtown · desk 2 just now');
    expect(packageNotice(update({ sessions: 2 }), null, OWN)).toBe('2 sessions of Massage Series 10 redeemed in Zenoti just now');
    expect(packageNotice(update({ desk: OWN }), null, OWN)).toBe('1 session of Massage Series 10 redeemed at this desk just now');
    expect(packageNotice(update({ kind: 'package_redemption_reversed', package_name: null, sessions: 1 }), 'Facial Glow 6', OWN))
      .toBe('1 session of Facial Glow 6 reversed in Zenoti just now');
    expect(packageNotice(update({ kind: 'package_status_updated', sessions: 0 }), null, null)).toBe('The status of Massage Series 10 changed in Zenoti just now');
    expect(packageNotice(update({ kind: 'package_validity_updated', sessions: 0 }), null, null)).toBe('The validity of Massage Series 10 changed in Zenoti just now');
    expect(packageNotice(update({ kind: 'package_created', sessions: 0 }), null, null)).toBe("Massage Series 10 was added to the guest's packages in Zenoti just now");
    expect(packageNotice(update({ kind: 'package_other', package_name: null, sessions: 0 }), null, null)).toBe('a package changed in Zenoti just now');
  });

  it('is about the guest shown or one of the packages on screen, in any letter case', () => {
    expect(aboutGuest(update({ guest_id: 'G-1', user_package_id: null }), 'g-1', [])).toBe(true);
    expect(aboutGuest(update({ guest_id: null, user_package_id: 'UP-01' }), 'g-1', ['up-01'])).toBe(true);
    expect(aboutGuest(update({ guest_id: 'g-2', user_package_id: 'up-77' }), 'g-1', ['up-01'])).toBe(false);
    expect(aboutGuest(update({ guest_id: null, user_package_id: null }), 'g-1', ['up-01'])).toBe(false);
  });
});

describe('a live update about the invoice on screen', () => {
  it('says it was closed, and where', () => {
    expect(invoiceNotice(update({ kind: 'invoice_closed', desk: null }), OWN)).toBe('This invoice was closed in Zenoti (elsewhere)');
    expect(invoiceNotice(update({ kind: 'invoice_closed', desk: 'Downtown · desk 2' }), OWN)).toBe('This invoice was closed in Zenoti (at Downtown · desk 2)');
    expect(invoiceNotice(update({ kind: 'invoice_closed', desk: OWN }), OWN)).toBe('This invoice was closed in Zenoti (at this desk)');
    expect(invoiceNotice(update({ desk: 'Downtown · desk 2' }), OWN)).toBe('A package session was redeemed on this invoice at Downtown · desk 2 just now');
    expect(invoiceNotice(update({ kind: 'package_other' }), OWN)).toBe('This invoice changed in Zenoti just now');
  });

  it('says points were redeemed on it at another desk, as an alert', () => {
    const paid = update({ kind: 'points_redeemed', desk: 'Downtown · desk 2', package_name: null, sessions: 0 });
    expect(invoiceNotice(paid, OWN)).toBe('Points were redeemed on this invoice at Downtown · desk 2 just now');
    expect(invoiceNotice({ ...paid, desk: OWN }, OWN)).toBe('Points were redeemed on this invoice at this desk just now');
    expect(changesWhatCanBeRedeemed(paid)).toBe(true);
    expect(changesWhatCanBeRedeemed(update({ kind: 'invoice_closed' }))).toBe(true);
    expect(changesWhatCanBeRedeemed(update({ kind: 'package_redeemed' }))).toBe(false);
  });
});
