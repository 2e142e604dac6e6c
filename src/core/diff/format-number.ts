/**
 * Formats a number as `Intl.NumberFormat("en-US", { maximumFractionDigits })` does, without
 * building one: constructing the first Intl formatter loads ICU data, which costs more than a
 * small diff takes. Like ICU, it rounds the shortest decimal representation of the double (so
 * 1.005 becomes 1.01, not the 1.00 of `toFixed`), half away from zero, and keeps the sign of a
 * negative value that rounds to zero ("-0").
 */
export function formatNumber(value: number, maxDecimals = 2): string {
  if (Number.isNaN(value)) return "NaN";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const abs = Math.abs(value);
  if (abs === Number.POSITIVE_INFINITY) return `${sign}∞`;
  // String() gives the shortest digits that read back as the same double, maybe with an exponent.
  const shortest = String(abs);
  const point = shortest.indexOf(".");
  const exponent = shortest.indexOf("e");
  // Most values need no rounding: integers, and decimals with few enough digits.
  if (exponent < 0 && (point < 0 || shortest.length - point - 1 <= maxDecimals)) {
    return point < 0
      ? sign + group(shortest)
      : sign + group(shortest.slice(0, point)) + shortest.slice(point);
  }
  return sign + rounded(shortest, maxDecimals);
}

/** `shortest` (String() of a non-negative finite number) rounded half up to `maxDecimals` decimals. */
function rounded(shortest: string, maxDecimals: number): string {
  const exponent = shortest.indexOf("e");
  const mantissa = exponent < 0 ? shortest : shortest.slice(0, exponent);
  const point = mantissa.indexOf(".");
  let digits = point < 0 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  // The value is 0.<digits> x 10^integerDigits.
  let integerDigits =
    (point < 0 ? mantissa.length : point) + (exponent < 0 ? 0 : Number(shortest.slice(exponent + 1)));
  let leadingZeros = 0;
  while (leadingZeros < digits.length && digits[leadingZeros] === "0") leadingZeros++;
  digits = digits.slice(leadingZeros);
  integerDigits -= leadingZeros;
  const keep = integerDigits + maxDecimals;
  if (keep < digits.length) {
    const roundUp = keep >= 0 && digits.charCodeAt(keep) >= 0x35; // "5"
    digits = keep > 0 ? digits.slice(0, keep) : "";
    if (roundUp) {
      const next = increment(digits);
      if (next.length > digits.length) integerDigits += 1;
      digits = next;
    }
  }
  let end = digits.length;
  while (end > 0 && digits[end - 1] === "0") end--;
  digits = digits.slice(0, end);
  if (digits === "") return "0";
  const integer = integerDigits <= 0 ? "0" : digits.slice(0, integerDigits).padEnd(integerDigits, "0");
  const fraction = integerDigits >= 0 ? digits.slice(integerDigits) : "0".repeat(-integerDigits) + digits;
  return fraction === "" ? group(integer) : `${group(integer)}.${fraction}`;
}

/** Adds one to a string of decimal digits, growing it by a digit when all are nines ("" becomes "1"). */
function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === "9") i--;
  if (i < 0) return `1${"0".repeat(digits.length)}`;
  const bumped = String.fromCharCode(digits.charCodeAt(i) + 1);
  return digits.slice(0, i) + bumped + "0".repeat(digits.length - 1 - i);
}

/** Thousands separators for a string of integer digits. */
function group(integer: string): string {
  if (integer.length <= 3) return integer;
  let out = integer.slice(0, ((integer.length - 1) % 3) + 1);
  for (let i = out.length; i < integer.length; i += 3) out += `,${integer.slice(i, i + 3)}`;
  return out;
}
