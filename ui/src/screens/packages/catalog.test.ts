import { describe, expect, it } from 'vitest';
import type { Package } from '../../bindings/Package';
import { activeFilterCount, applyFilters, buildIndex, incrementalFilter, NO_FILTERS, priceEntry, type Filters } from './catalog';

function pkg(id: string, name: string | null, fields: Partial<Package> = {}, price: string | null = '100'): Package {
  return {
    id, code: `PKG-${id}`, name, description: null, html_description: null, type: 'Day', active: true, category_id: null,
    business_unit_id: null, version_id: null, time: 60, booking_start_date: null, booking_end_date: null, sac: null,
    commission: null, series_package: null, preferences: null, tags: null, benefits: null, catalog_info: null,
    centers: [{ center_id: 'c-1', currency_id: 148, sale_price: price, price_with_tax: null, tax_id: null, auto_renewal: false, discount_price: null }],
    ...fields,
  };
}

const CATALOG = [
  pkg('1', 'Crème Brûlée Facial', { description: 'A warm, sweet facial' }, '120'),
  pkg('2', 'hot stone massage', { type: 'Series', category_id: 'CAT-MASSAGE' }, '95.5'),
  pkg('3', 'Hydra Facial 10', { active: false }, null),
  pkg('4', 'Hydra Facial 2', {}, '80'),
  pkg('5', null, {}, '10'),
];
const index = buildIndex(CATALOG, 'c-1');
const filtered = (f: Partial<Filters>, gift: ReadonlySet<string> | null = null) => applyFilters(index, { ...NO_FILTERS, ...f }, gift).map((e) => e.pkg.id);

describe('buildIndex', () => {
  it('orders by name as people read it, unnamed last', () => {
    expect(index.map((e) => e.pkg.name)).toEqual(['Crème Brûlée Facial', 'hot stone massage', 'Hydra Facial 2', 'Hydra Facial 10', null]);
  });

  it("reads this center's price, else the first one listed", () => {
    expect(index.find((e) => e.pkg.id === '2')?.price).toBe(95.5);
    expect(index.find((e) => e.pkg.id === '3')?.price).toBeNull();
    const elsewhere = pkg('9', 'Elsewhere');
    expect(priceEntry(elsewhere, 'C-1')?.center_id).toBe('c-1');
    expect(priceEntry(elsewhere, 'c-9')?.center_id).toBe('c-1');
    expect(priceEntry({ ...elsewhere, centers: null }, 'c-1')).toBeNull();
  });
});

describe('applyFilters', () => {
  it('finds every word typed in the name, code or description, without case or accents', () => {
    expect(filtered({ text: 'creme brulee' })).toEqual(['1']);
    expect(filtered({ text: 'FACIAL sweet' })).toEqual(['1']);
    expect(filtered({ text: 'facial hydra' })).toEqual(['4', '3']);
    expect(filtered({ text: 'pkg-2' })).toEqual(['2']);
    expect(filtered({ text: 'massage facial' })).toEqual([]);
  });

  it('shows everything for blank text', () => {
    expect(filtered({ text: '   ' })).toHaveLength(5);
  });

  it('combines the filters', () => {
    expect(filtered({ activeOnly: true, text: 'hydra' })).toEqual(['4']);
    expect(filtered({ type: 'Series' })).toEqual(['2']);
    expect(filtered({ categoryId: 'cat-massage' })).toEqual(['2']);
    expect(filtered({ giftCardsOnly: true }, new Set(['4', '5']))).toEqual(['4', '5']);
    expect(filtered({ giftCardsOnly: true })).toEqual([]);
  });

  it('sorts by price either way, unknown prices last', () => {
    expect(filtered({ sort: 'price-asc' })).toEqual(['5', '4', '2', '1', '3']);
    expect(filtered({ sort: 'price-desc' })).toEqual(['1', '2', '4', '5', '3']);
  });
});

describe('incrementalFilter', () => {
  it('answers as a full search would while typing on, back, and changing filters', () => {
    const filter = incrementalFilter();
    const steps: Partial<Filters>[] = [
      { text: 'h' }, { text: 'hy' }, { text: 'hyd' }, { text: 'hydra f' }, { text: 'hydra' }, { text: 'hot' },
      { text: 'hot', activeOnly: true }, { text: 'HOT S' }, { text: '' }, { text: 'É' }, { text: 'éc' },
    ];
    for (const step of steps) {
      const f = { ...NO_FILTERS, ...step };
      expect(filter(index, f, null).map((e) => e.pkg.id), JSON.stringify(step)).toEqual(applyFilters(index, f, null).map((e) => e.pkg.id));
    }
  });
});

describe('activeFilterCount', () => {
  it('counts the filters on, not the search or the order', () => {
    expect(activeFilterCount(NO_FILTERS)).toBe(0);
    expect(activeFilterCount({ ...NO_FILTERS, text: 'x', sort: 'price-desc' })).toBe(0);
    expect(activeFilterCount({ ...NO_FILTERS, type: 'Day', activeOnly: true, giftCardsOnly: true })).toBe(3);
  });
});
