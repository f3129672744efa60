import { divideRoundHalfUp } from '@portico/kit';

export interface LineInput {
  quantityMilli: number;
  unitPriceMinor: number;
  discountBasisPoints: number;
  taxBasisPoints: number;
}

export interface LineAmounts {
  grossMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
}

/**
 * The rounding rule, per line, half away from zero:
 *   gross    = round(quantity × unit price)
 *   discount = round(gross × discount %)
 *   tax      = round((gross − discount) × tax %)
 *   total    = gross − discount + tax
 * A document's figures are the sums of the line figures, so they add up exactly.
 */
export function lineAmounts(line: LineInput): LineAmounts {
  const grossMinor = divideRoundHalfUp(line.quantityMilli * line.unitPriceMinor, 1000);
  const discountMinor = divideRoundHalfUp(grossMinor * line.discountBasisPoints, 10_000);
  const taxMinor = divideRoundHalfUp((grossMinor - discountMinor) * line.taxBasisPoints, 10_000);
  return { grossMinor, discountMinor, taxMinor, totalMinor: grossMinor - discountMinor + taxMinor };
}

export function documentTotals(lines: LineInput[]): {
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
} {
  const totals = { subtotalMinor: 0, discountMinor: 0, taxMinor: 0, totalMinor: 0 };
  for (const line of lines) {
    const amounts = lineAmounts(line);
    totals.subtotalMinor += amounts.grossMinor;
    totals.discountMinor += amounts.discountMinor;
    totals.taxMinor += amounts.taxMinor;
    totals.totalMinor += amounts.totalMinor;
  }
  return totals;
}
