// People's names as the desk writes them.

/** First and last name, whichever are given; "" when neither is. */
export function personName(first: string | null | undefined, last: string | null | undefined): string {
  return [first, last].map((s) => s?.trim()).filter(Boolean).join(' ');
}

interface SearchedGuest {
  id: string;
  code: string | null;
  personal_info: { first_name: string | null; last_name: string | null } | null;
}

/** A guest from a guest search: their name, else their guest code, else their id. */
export function guestName(g: SearchedGuest): string {
  return personName(g.personal_info?.first_name, g.personal_info?.last_name) || g.code?.trim() || g.id;
}

/** The guest on an invoice: their name, else "Guest". */
export function invoiceGuestName(g: { first_name: string | null; last_name: string | null } | null | undefined): string {
  return personName(g?.first_name, g?.last_name) || 'Guest';
}
