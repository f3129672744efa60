import { currencyExponent, divideRoundHalfUp, formatAmount, parseAmount } from './money';

describe('money', () => {
  it("knows each currency's minor units", () => {
    expect([currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('KWD')]).toEqual([
      2, 0, 3,
    ]);
  });

  it('parses decimal strings into minor units and formats them back', () => {
    expect(parseAmount('1234.5', 'EUR')).toBe(123450);
    expect(parseAmount('0.01', 'GBP')).toBe(1);
    expect(parseAmount('1500', 'JPY')).toBe(1500);
    expect(parseAmount('1.234', 'KWD')).toBe(1234);
    expect(formatAmount(123450, 'EUR')).toBe('1234.50');
    expect(formatAmount(5, 'EUR')).toBe('0.05');
    expect(formatAmount(-5, 'EUR')).toBe('-0.05');
    expect(formatAmount(1500, 'JPY')).toBe('1500');
  });

  it('refuses too many decimals, floats in exponent form, negatives, zero and unknown currencies', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'accepted';
      } catch (error) {
        return (error as { extensions?: { code?: string } }).extensions?.code;
      }
    };
    expect(code(() => parseAmount('1.005', 'EUR'))).toBe('BAD_USER_INPUT');
    expect(code(() => parseAmount('1.5', 'JPY'))).toBe('BAD_USER_INPUT');
    expect(code(() => parseAmount('1e3', 'EUR'))).toBe('BAD_USER_INPUT');
    expect(code(() => parseAmount('-1.00', 'EUR'))).toBe('BAD_USER_INPUT');
    expect(code(() => parseAmount('0', 'EUR'))).toBe('BAD_USER_INPUT');
    expect(code(() => parseAmount('10', 'XYZ'))).toBe('BAD_USER_INPUT');
    expect(code(() => parseAmount('99999999999999999', 'EUR'))).toBe('BAD_USER_INPUT');
  });

  it('rounds half away from zero', () => {
    expect(divideRoundHalfUp(5, 2)).toBe(3);
    expect(divideRoundHalfUp(4, 3)).toBe(1);
    expect(divideRoundHalfUp(-5, 2)).toBe(-3);
    expect(divideRoundHalfUp(249, 100)).toBe(2);
    expect(divideRoundHalfUp(250, 100)).toBe(3);
  });
});
