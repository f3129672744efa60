import { documentTotals, lineAmounts } from './line-amounts';

describe('document line arithmetic (per line, half-up)', () => {
  it('rounds each amount half away from zero, per line', () => {
    // 3 × 0.335 = 1.005 → 1.01; 10 % discount of 1.01 = 0.101 → 0.10; 21 % tax of 0.91 = 0.1911 → 0.19
    expect(
      lineAmounts({
        quantityMilli: 3000,
        unitPriceMinor: 34,
        discountBasisPoints: 1000,
        taxBasisPoints: 2100,
      }),
    ).toEqual({ grossMinor: 102, discountMinor: 10, taxMinor: 19, totalMinor: 111 });
    expect(
      lineAmounts({
        quantityMilli: 1500,
        unitPriceMinor: 9500,
        discountBasisPoints: 0,
        taxBasisPoints: 2000,
      }),
    ).toEqual({ grossMinor: 14250, discountMinor: 0, taxMinor: 2850, totalMinor: 17100 });
    // 0.5 cent rounds up: 1.5 × 0.01 = 0.015 → 0.02
    expect(
      lineAmounts({
        quantityMilli: 1500,
        unitPriceMinor: 1,
        discountBasisPoints: 0,
        taxBasisPoints: 0,
      }).grossMinor,
    ).toBe(2);
  });

  it('makes invoice totals the exact sums of the rounded lines', () => {
    const lines = [
      { quantityMilli: 3000, unitPriceMinor: 34, discountBasisPoints: 1000, taxBasisPoints: 2100 },
      { quantityMilli: 1000, unitPriceMinor: 999, discountBasisPoints: 0, taxBasisPoints: 2100 },
    ];
    const totals = documentTotals(lines);
    expect(totals).toEqual({
      subtotalMinor: 1101,
      discountMinor: 10,
      taxMinor: 229,
      totalMinor: 1320,
    });
    expect(totals.subtotalMinor - totals.discountMinor + totals.taxMinor).toBe(totals.totalMinor);
  });
});
