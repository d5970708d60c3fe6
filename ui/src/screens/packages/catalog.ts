// Search, filters and sorting of a center's catalog, in memory: fast enough to run on every
// keystroke over thousands of packages.
import type { Package } from '../../bindings/Package';
import { hasAllWords, haystackOf, narrows, queryWords } from '../../lib/search';
import { compareKnownFirst, compareNames } from '../../lib/sort';

export interface Entry {
  pkg: Package;
  /** Name, code and description, folded (no case, no accents), searched by every word typed. */
  haystack: string;
  /** This center's sale price as a number, for sorting (null when unknown). */
  price: number | null;
}

export type Sort = 'name' | 'price-asc' | 'price-desc';

export interface Filters {
  text: string;
  type: string; // '' for any
  seriesType: string; // '' for any
  categoryId: string; // '' for any
  activeOnly: boolean;
  giftCardsOnly: boolean;
  sort: Sort;
}

export const NO_FILTERS: Filters = {
  text: '',
  type: '',
  seriesType: '',
  categoryId: '',
  activeOnly: false,
  giftCardsOnly: false,
  sort: 'name',
};

export function priceEntry(pkg: Package, centerId: string) {
  const id = centerId.toLowerCase();
  return pkg.centers?.find((c) => c.center_id.toLowerCase() === id) ?? pkg.centers?.[0] ?? null;
}

export function toEntry(pkg: Package, centerId: string): Entry {
  const sale = priceEntry(pkg, centerId)?.sale_price;
  const price = sale === null || sale === undefined ? null : Number(sale);
  return {
    pkg,
    haystack: haystackOf([pkg.name, pkg.code, pkg.description]),
    price: Number.isFinite(price) ? price : null,
  };
}

const byName = (a: Entry, b: Entry) => compareNames(a.pkg.name, b.pkg.name);

/** Entries sorted by name: the order filters keep, so the common case needs no sort per key. */
export function buildIndex(packages: Package[], centerId: string): Entry[] {
  return packages.map((p) => toEntry(p, centerId)).sort(byName);
}

export function activeFilterCount(f: Filters): number {
  return [f.type, f.seriesType, f.categoryId, f.activeOnly, f.giftCardsOnly].filter(Boolean).length;
}

/** The entries that match every filter, in the chosen order. */
export function applyFilters(index: Entry[], filters: Filters, giftCardIds: ReadonlySet<string> | null): Entry[] {
  // Read the (possibly reactive) filters once, not once per package.
  const { text, type, seriesType, activeOnly, giftCardsOnly, sort } = filters;
  const categoryId = filters.categoryId.toLowerCase();
  const words = queryWords(text);
  const out: Entry[] = [];
  for (const e of index) {
    const p = e.pkg;
    if (activeOnly && p.active === false) continue;
    if (type && p.type !== type) continue;
    if (seriesType && p.series_package?.type !== seriesType) continue;
    if (categoryId && p.category_id?.toLowerCase() !== categoryId) continue;
    if (giftCardsOnly && !(giftCardIds?.has(p.id) ?? false)) continue;
    if (hasAllWords(e.haystack, words)) out.push(e);
  }
  if (sort !== 'name') {
    const dir = sort === 'price-asc' ? 1 : -1;
    // Unknown prices last in either direction.
    out.sort((a, b) => compareKnownFirst(a.price, b.price, dir));
  }
  return out;
}

/**
 * applyFilters, remembering the last answer: while the person keeps typing forward (the new
 * text extends the old, nothing else changed), only the previous matches are searched again.
 */
export function incrementalFilter() {
  let last: { index: Entry[]; key: string; text: string; gift: ReadonlySet<string> | null; result: Entry[] } | null =
    null;
  return (index: Entry[], filters: Filters, giftCardIds: ReadonlySet<string> | null): Entry[] => {
    const { text, ...rest } = filters;
    const key = JSON.stringify(rest);
    const narrower =
      last !== null &&
      last.index === index &&
      last.key === key &&
      last.gift === giftCardIds &&
      narrows(last.text, text);
    const result = applyFilters(narrower ? last!.result : index, filters, giftCardIds);
    last = { index, key, text, gift: giftCardIds, result };
    return result;
  };
}
