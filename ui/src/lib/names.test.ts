import { describe, expect, it } from 'vitest';
import { guestName, invoiceGuestName, personName } from './names';

describe('personName', () => {
  it('joins what is given, trimmed', () => {
    expect(personName('Anna', 'Garcia')).toBe('Anna Garcia');
    expect(personName(' Anna ', null)).toBe('Anna');
    expect(personName(null, 'Garcia')).toBe('Garcia');
    expect(personName('', '  ')).toBe('');
  });
});

describe('guestName', () => {
  const guest = (first: string | null, last: string | null, code: string | null = 'G10000') => ({
    id: 'g-1', code, personal_info: { first_name: first, last_name: last },
  });

  it('is the name, else the guest code, else the id', () => {
    expect(guestName(guest('José', 'García'))).toBe('José García');
    expect(guestName(guest(null, null))).toBe('G10000');
    expect(guestName(guest(null, null, null))).toBe('g-1');
    expect(guestName({ id: 'g-2', code: null, personal_info: null })).toBe('g-2');
  });
});

describe('invoiceGuestName', () => {
  it('is the name, else "Guest"', () => {
    expect(invoiceGuestName({ first_name: 'Anna', last_name: 'Garcia' })).toBe('Anna Garcia');
    expect(invoiceGuestName({ first_name: null, last_name: null })).toBe('Guest');
    expect(invoiceGuestName(null)).toBe('Guest');
  });
});
