// Search, filters and sorting of a center's catalog, in memory: fast enough to run on every
// keystroke over thousands of packages.
import type { Package } from '../../bindings/Package';

export interface Entry {
  pkg: Package;
  /** Lower-cased name, code and description, searched by every word typed. */
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
    haystack: `${pkg.name ?? ''}\n${pkg.code ?? ''}\n${pkg.description ?? ''}`.toLowerCase(),
    price: Number.isFinite(price) ? price : null,
  };
}

const byName = (a: Entry, b: Entry) =>
  (a.pkg.name ?? '').localeCompare(b.pkg.name ?? '', undefined, { sensitivity: 'base', numeric: true });

/** Entries sorted by name: the order filters keep, so the common case needs no sort per key. */
export function buildIndex(packages: Package[], centerId: string): Entry[] {
  return packages.map((p) => toEntry(p, centerId)).sort(byName);
}

export function activeFilterCount(f: Filters): number {
  return [f.type, f.seriesType, f.categoryId, f.activeOnly, f.giftCardsOnly].filter(Boolean).length;
}

/** The entries that match every filter, in the chosen order. */
export function applyFilters(index: Entry[], f: Filters, giftCardIds: ReadonlySet<string> | null): Entry[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  const out: Entry[] = [];
  for (const e of index) {
    const p = e.pkg;
    if (f.activeOnly && p.active === false) continue;
    if (f.type && p.type !== f.type) continue;
    if (f.seriesType && p.series_package?.type !== f.seriesType) continue;
    if (f.categoryId && p.category_id?.toLowerCase() !== f.categoryId.toLowerCase()) continue;
    if (f.giftCardsOnly && !(giftCardIds?.has(p.id) ?? false)) continue;
    let all = true;
    for (const w of words) {
      if (!e.haystack.includes(w)) {
        all = false;
        break;
      }
    }
    if (all) out.push(e);
  }
  if (f.sort !== 'name') {
    const dir = f.sort === 'price-asc' ? 1 : -1;
    // Unknown prices last in either direction.
    out.sort((a, b) =>
      a.price === null ? (b.price === null ? 0 : 1) : b.price === null ? -1 : (a.price - b.price) * dir,
    );
  }
  return out;
}
