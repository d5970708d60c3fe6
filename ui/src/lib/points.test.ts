import { describe, expect, it } from 'vitest';
import { parseDecimal, toFixedHalfEven } from './decimal';
import { isPositive, pointsFor, pointsValue, quote, rateFor, stepOf, wholePoints } from './points';

describe('parseDecimal', () => {
  it('reads decimals exactly', () => {
    expect(parseDecimal('0.1')).toEqual({ units: 1n, scale: 1 });
    expect(parseDecimal(' 25 ')).toEqual({ units: 25n, scale: 0 });
    expect(parseDecimal('-1.50')).toEqual({ units: -150n, scale: 2 });
    expect(parseDecimal('.5')).toEqual({ units: 5n, scale: 1 });
    expect(parseDecimal('1e-2')).toEqual({ units: 1n, scale: 2 });
    expect(parseDecimal('2.5E3')).toEqual({ units: 2500n, scale: 0 });
    expect(parseDecimal(0.25)).toEqual({ units: 25n, scale: 2 });
  });

  it('refuses anything else', () => {
    for (const bad of ['', ' ', '.', 'abc', '12,5', '1.2.3', 'NaN', 'Infinity', '--1', '1e', null, undefined]) {
      expect(parseDecimal(bad), String(bad)).toBeNull();
    }
  });
});

describe('toFixedHalfEven', () => {
  it('rounds the decimal as written, half to even', () => {
    expect(toFixedHalfEven('2.675', 2)).toBe('2.68');
    expect(toFixedHalfEven('2.665', 2)).toBe('2.66');
    expect(toFixedHalfEven('0.125', 2)).toBe('0.12');
    expect(toFixedHalfEven('-0.125', 2)).toBe('-0.12');
    expect(toFixedHalfEven('-0.135', 2)).toBe('-0.14');
    expect(toFixedHalfEven('12', 2)).toBe('12.00');
    expect(toFixedHalfEven('0.5', 0)).toBe('0');
    expect(toFixedHalfEven('1.5', 0)).toBe('2');
    expect(toFixedHalfEven('x', 2)).toBeNull();
  });
});

describe('wholePoints', () => {
  it('takes whole points above zero, as Rust does', () => {
    expect(wholePoints('250')).toBe(250n);
    expect(wholePoints(' 250 ')).toBe(250n);
    expect(wholePoints('250.00')).toBe(250n);
  });

  it('refuses fractions, zero, negatives and words', () => {
    for (const bad of ['12.5', '0', '-10', 'ten', '', null]) expect(wholePoints(bad), String(bad)).toBeNull();
  });
});

describe('pointsValue', () => {
  it('is points times the rate, with two decimals', () => {
    expect(pointsValue('250', '0.1')).toBe('25.00');
    expect(pointsValue('1', '2')).toBe('2.00');
    expect(pointsValue('900', '0.05')).toBe('45.00');
  });

  it('is exact where binary floating point is not', () => {
    // 7 × 0.1 is 0.7000000000000001 in floating point; 3 × 1.005 is 3.0149999999999997.
    expect(pointsValue('7', '0.1')).toBe('0.70');
    expect(pointsValue('3', '1.005')).toBe('3.02');
    expect(pointsValue('9999999999', '0.01')).toBe('99999999.99');
    expect(pointsValue('12345678901234567890', '0.1')).toBe('1234567890123456789.00');
  });

  it('rounds once, half to even (Rust\'s round_dp)', () => {
    expect(pointsValue('1', '0.125')).toBe('0.12');
    expect(pointsValue('3', '0.125')).toBe('0.38');
    expect(pointsValue('1', '0.005')).toBe('0.00');
    expect(pointsValue('3', '0.005')).toBe('0.02');
    expect(pointsValue('1', '0.0051')).toBe('0.01');
    expect(pointsValue('1', '0.0049')).toBe('0.00');
  });

  it('is null without a rate, or for points Rust would refuse', () => {
    expect(pointsValue('250', null)).toBeNull();
    expect(pointsValue('250', 'n/a')).toBeNull();
    expect(pointsValue('', '0.1')).toBeNull();
    expect(pointsValue('12.5', '0.1')).toBeNull();
    expect(pointsValue('0', '0.1')).toBeNull();
    expect(pointsValue('-5', '0.1')).toBeNull();
  });
});

describe('pointsFor', () => {
  it('is the most whole steps whose value does not exceed the amount', () => {
    expect(pointsFor('25.37', '0.1', 10)).toBe('250');
    expect(pointsFor('25', '0.1', 10)).toBe('250');
    expect(pointsFor('24.99', '0.1', 10)).toBe('240');
    expect(pointsFor('10', '0.05', 3)).toBe('198');
  });

  it('does not lose a step to floating point', () => {
    // 0.3 / 0.1 is 2.9999999999999996 in floating point.
    expect(pointsFor('0.3', '0.1')).toBe('3');
    expect(pointsFor('0.7', '0.1')).toBe('7');
  });

  it('counts the value as it is charged: rounded to the cent, half to even', () => {
    // 33,335 points at $0.003 are $100.005, charged $100.00: within $100.
    expect(pointsFor('100', '0.003', 5)).toBe('33335');
    // 15 points at $0.001 are $0.015, charged $0.02: more than $0.01.
    expect(pointsFor('0.01', '0.001')).toBe('14');
    // 3 points at $1.005 are $3.015, charged $3.02: more than $3.015.
    expect(pointsFor('3.015', '1.005')).toBe('2');
    // Points worth less than a cent pay nothing.
    expect(pointsFor('0.004', '0.001')).toBe('');
  });

  it('is empty below one step, and for a missing or unusable amount or rate', () => {
    expect(pointsFor('0.3', '0.1', 10)).toBe('');
    expect(pointsFor('', '0.1')).toBe('');
    expect(pointsFor('abc', '0.1')).toBe('');
    expect(pointsFor('-5', '0.1')).toBe('');
    expect(pointsFor('0', '0.1')).toBe('');
    expect(pointsFor('10', null)).toBe('');
    expect(pointsFor('10', '0')).toBe('');
    expect(pointsFor('10', '-0.1')).toBe('');
    expect(pointsFor('10', '0.1', 0)).toBe('');
    expect(pointsFor('10', '0.1', 2.5)).toBe('');
  });

  it('gives points whose value is within the amount', () => {
    const cases = [['25.37', '0.1', 10], ['9.99', '0.07', 1], ['100', '0.003', 5], ['0.05', '0.0125', 1], ['1.23', '0.005', 1], ['50', '0.3333', 3]] as const;
    for (const [amount, rate, step] of cases) {
      const points = pointsFor(amount, rate, step);
      expect(Number(pointsValue(points, rate))).toBeLessThanOrEqual(Number(amount));
      expect(Number(pointsValue(String(Number(points) + step), rate))).toBeGreaterThan(Number(amount));
    }
  });
});

describe('rateFor and stepOf', () => {
  it("use the program's rate, else the invoice's", () => {
    expect(rateFor({ exchange_rate: '0.05', increment: null }, '0.1')).toBe('0.05');
    expect(rateFor({ exchange_rate: null, increment: null }, '0.1')).toBe('0.1');
    expect(rateFor(null, '0.1')).toBe('0.1');
    expect(rateFor(null, null)).toBeNull();
  });

  it('take whole steps above one, else one', () => {
    expect(stepOf({ exchange_rate: null, increment: '10' })).toBe(10);
    expect(stepOf({ exchange_rate: null, increment: '1' })).toBe(1);
    expect(stepOf({ exchange_rate: null, increment: '0' })).toBe(1);
    expect(stepOf({ exchange_rate: null, increment: '2.5' })).toBe(1);
    expect(stepOf({ exchange_rate: null, increment: null })).toBe(1);
    expect(stepOf(null)).toBe(1);
  });
});

describe('quote', () => {
  const info = {
    exchange_rate: '0.1',
    loyalty_programs: [
      { id: 'prog-1', name: 'Serenity Rewards', exchange_rate: '0.1', increment: '10' },
      { id: 'prog-2', name: 'Glow Club', exchange_rate: '0.05', increment: '3' },
    ],
  };

  it("uses the chosen program's rate and steps", () => {
    expect(quote(info, 'prog-2', '300')).toMatchObject({ program: { name: 'Glow Club' }, rate: '0.05', step: 3, value: '15.00' });
  });

  it("uses the invoice's rate across all programs", () => {
    expect(quote(info, '', '250')).toEqual({ program: null, rate: '0.1', step: 1, value: '25.00' });
  });

  it('has no value before points are typed', () => {
    expect(quote(info, 'prog-1', '').value).toBeNull();
  });
});

describe('isPositive', () => {
  it('is true only for a number above zero', () => {
    expect(isPositive('0.01')).toBe(true);
    expect(isPositive('0')).toBe(false);
    expect(isPositive('-1')).toBe(false);
    expect(isPositive('')).toBe(false);
    expect(isPositive('x')).toBe(false);
  });
});
