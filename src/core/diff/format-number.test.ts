import { describe, expect, it } from "vitest";
import { formatNumber } from "./format-number.js";

const intl = new Map<number, Intl.NumberFormat>();
function reference(value: number, maxDecimals: number): string {
  let format = intl.get(maxDecimals);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { maximumFractionDigits: maxDecimals });
    intl.set(maxDecimals, format);
  }
  return format.format(value);
}

/** Values where rounding the shortest representation and rounding the binary value disagree, and edges. */
const EDGES = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  2.5,
  -2.5,
  0.05,
  0.005,
  0.0005,
  0.00005,
  1.005,
  2.675,
  1.045,
  8.345,
  9.995,
  -9.995,
  0.045,
  1.45,
  1.55,
  99.5,
  999.5,
  999.9999,
  -999.995,
  1000,
  12345.6789,
  123456.789,
  1e6,
  1234567.891,
  0.1 + 0.2,
  1.0000000000000002,
  4.35,
  4.345,
  1e15,
  1e16 + 2,
  2 ** 53,
  1e21,
  1.5e21,
  1.2345678901234566e25,
  1.7976931348623157e308,
  1e-7,
  1.5e-7,
  -1e-7,
  5e-324,
  -0.001,
  -0.004,
  -0.005,
  48000 / 8,
  2000 / 3,
  172800 / 3600,
  259200 / 3600,
  14.45 * 8,
  10.2 * 64,
  NaN,
  Infinity,
  -Infinity,
];

/** A small deterministic generator, so a failure names a value that reproduces. */
function* generated(count: number): Generator<number> {
  let seed = 0x2f6e2b1;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < count; i++) {
    const sign = next() < 0.3 ? -1 : 1;
    const scale = 10 ** Math.floor(next() * 12 - 5);
    const decimals = Math.floor(next() * 6);
    // Short decimals like 12.345 hit exact halves at the rounding digit; raw doubles do not.
    const short = Math.round(next() * 10 ** (decimals + 3)) / 10 ** decimals;
    yield sign * (i % 2 === 0 ? short : next() * scale);
    yield (sign * (Math.floor(next() * 100_000) + 0.5)) / 10 ** Math.floor(next() * 5);
  }
}

describe("formatNumber", () => {
  it.each([0, 1, 2, 3, 4])("matches Intl.NumberFormat en-US with at most %i decimals", (maxDecimals) => {
    const mismatches: string[] = [];
    for (const value of [...EDGES, ...generated(5000)]) {
      const expected = reference(value, maxDecimals);
      const actual = formatNumber(value, maxDecimals);
      if (actual !== expected) mismatches.push(`${value}: ${actual} (Intl: ${expected})`);
    }
    expect(mismatches).toEqual([]);
  });

  it("rounds the shortest representation, half away from zero, and keeps a negative zero's sign", () => {
    expect(formatNumber(1.005)).toBe("1.01");
    expect(formatNumber(2.675)).toBe("2.68");
    expect(formatNumber(-2.5, 0)).toBe("-3");
    expect(formatNumber(-0.001)).toBe("-0");
    expect(formatNumber(1234567.891, 1)).toBe("1,234,567.9");
    expect(formatNumber(999.9999)).toBe("1,000");
    expect(formatNumber(1.5e-7, 4)).toBe("0");
    expect(formatNumber(1e21)).toBe("1,000,000,000,000,000,000,000");
  });
});
