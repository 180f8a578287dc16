/**
 * Money text to integer cents, exactly: the digits are read as text and combined with integer
 * arithmetic, so "0.29" is 29 cents, never 28.999... . Accepted forms (after trimming spaces):
 *   123.45   -123.45   +5   .5   1,234.56   $1,234.56   -$5.00   $-5.00   ($5.00)   € 12.00
 *   12.00 EUR   USD 12.00   £3   (1,200)
 * More than two decimals round half away from zero on the third decimal (1.005 -> 101 cents,
 * -1.005 -> -101 cents): what a spreadsheet's ROUND() does. Thousands separators (the one opposite
 * the decimal separator, or a space, no-break space or apostrophe: "1 234.56", "1'234.56") must
 * group by three ("12,50" is rejected rather than guessed), so a decimal comma is never misread.
 */

/** Which character separates the decimals: "." (default, thousands ",") or "," (thousands "."). */
export type DecimalSeparator = '.' | ',';

// Cents must stay a safe integer: 90 trillion in major units.
const MAX_UNITS = Math.floor(Number.MAX_SAFE_INTEGER / 100) - 1;

const CURRENCY_SYMBOLS = new Set([0x24, 0x20ac, 0xa3, 0xa5, 0x20b9, 0x20a9, 0x20bd, 0x20ba, 0x20aa]); // $ € £ ¥ ₹ ₩ ₽ ₺ ₪

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x202f;
}

/** The configured thousands separator, or a space, no-break space, narrow no-break space or apostrophe. */
function isGroupSeparator(c: number, thousandsCode: number): boolean {
  return c === thousandsCode || c === 0x20 || c === 0xa0 || c === 0x202f || c === 0x27 || c === 0x2019;
}

function isUpperAscii(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/** Length of a currency marker at `i` ("$", "€", "USD", "US$"), or 0. */
function currencyLength(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if (CURRENCY_SYMBOLS.has(c)) return 1;
  if (i + 3 <= end && isUpperAscii(c) && isUpperAscii(s.charCodeAt(i + 1))) {
    const third = s.charCodeAt(i + 2);
    if (isUpperAscii(third) && !(i + 3 < end && isUpperAscii(s.charCodeAt(i + 3)))) return 3;
    if (third === 0x24) return 3; // US$, AU$, CA$
  }
  return 0;
}

const SYMBOL_CODES: Record<string, string> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY/CNY',
  '₹': 'INR',
  '₩': 'KRW',
  '₽': 'RUB',
  '₺': 'TRY',
  '₪': 'ILS',
  US$: 'USD',
  AU$: 'AUD',
  CA$: 'CAD',
  NZ$: 'NZD',
  HK$: 'HKD',
};

/**
 * The currency written in an amount `parseAmountCents` accepted ("$5" and "US$5" -> "USD",
 * "€ 12" -> "EUR", "12.00 CHF" -> "CHF"), or "" for a bare number. Only for reporting: revgap never
 * converts currencies, so a file mixing them is summed as written and the report says so.
 */
export function currencyOfAmount(s: string, start = 0, end = s.length): string {
  for (let i = start; i < end; i++) {
    const n = currencyLength(s, i, end);
    if (n > 0) {
      const marker = s.slice(i, i + n);
      return SYMBOL_CODES[marker] ?? marker;
    }
  }
  return '';
}

/**
 * Parses `s.slice(start, end)` as money and returns integer cents, or NaN when it is not an amount
 * (including an empty value). Allocation-free: the CSV reader calls it once per row.
 */
export function parseAmountCents(
  s: string,
  start = 0,
  end = s.length,
  decimal: DecimalSeparator = '.',
): number {
  const decimalCode = decimal === '.' ? 0x2e : 0x2c;
  const plain = plainAmountCents(s, start, end, decimalCode);
  if (!Number.isNaN(plain)) return plain;
  const thousandsCode = decimal === '.' ? 0x2c : 0x2e;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  if (start === end) return Number.NaN;

  let negative = false;
  if (s.charCodeAt(start) === 0x28) {
    if (s.charCodeAt(end - 1) !== 0x29) return Number.NaN;
    negative = true;
    start++;
    end--;
  }
  let i = start;
  let signSeen = false;
  let currencySeen = false;
  // Prefix: sign and currency in either order ("-$5", "$-5", "USD -5"); most amounts start with a digit.
  const first = s.charCodeAt(i);
  for (let round = first >= 0x30 && first <= 0x39 ? 2 : 0; round < 2 && i < end; round++) {
    const c = s.charCodeAt(i);
    if (!signSeen && (c === 0x2d || c === 0x2b || c === 0x2212)) {
      if (negative && c !== 0x2b) return Number.NaN; // "(-5)" is ambiguous
      negative = negative || c !== 0x2b;
      signSeen = true;
      i++;
    } else if (!currencySeen) {
      const n = currencyLength(s, i, end);
      if (n === 0) break;
      currencySeen = true;
      i += n;
    }
    while (i < end && isSpace(s.charCodeAt(i))) i++;
  }

  let units = 0;
  let intDigits = 0;
  let groupDigits = 0;
  let groups = 0;
  let separator = -1;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      units = units * 10 + (c - 0x30);
      intDigits++;
      groupDigits++;
    } else if (isGroupSeparator(c, thousandsCode)) {
      // A separator only between digits ("1 234 EUR": the last space ends the number).
      const next = s.charCodeAt(i + 1);
      if (i + 1 >= end || next < 0x30 || next > 0x39) break;
      // One kind of separator; the first group has 1-3 digits, every later one exactly 3.
      if (separator >= 0 && c !== separator) return Number.NaN;
      if (groupDigits === 0 || groupDigits > 3 || (groups > 0 && groupDigits !== 3)) return Number.NaN;
      separator = c;
      groups++;
      groupDigits = 0;
    } else {
      break;
    }
  }
  if (groups > 0 && groupDigits !== 3) return Number.NaN;
  if (units > MAX_UNITS) return Number.NaN;

  let fraction = 0;
  let fractionDigits = 0;
  let roundUp = false;
  if (i < end && s.charCodeAt(i) === decimalCode) {
    i++;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      if (fractionDigits < 2) fraction = fraction * 10 + (c - 0x30);
      else if (fractionDigits === 2) roundUp = c >= 0x35;
      fractionDigits++;
    }
  }
  if (intDigits === 0 && fractionDigits === 0) return Number.NaN;
  if (fractionDigits === 1) fraction *= 10;

  // Suffix: optional spaces, then a currency marker and/or a trailing minus are not accepted; only currency.
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  if (i < end && !currencySeen) {
    const n = currencyLength(s, i, end);
    if (n === 0) return Number.NaN;
    i += n;
    while (i < end && isSpace(s.charCodeAt(i))) i++;
  }
  if (i !== end) return Number.NaN;

  const cents = units * 100 + fraction + (roundUp ? 1 : 0);
  if (cents > Number.MAX_SAFE_INTEGER) return Number.NaN;
  return negative && cents !== 0 ? -cents : cents;
}

/**
 * The common case of `parseAmountCents`, in one pass: an optional minus, 1 to 13 digits, then
 * optionally the decimal separator and 0 to 2 digits, nothing else. NaN when the text is anything
 * else (the full parser then decides); otherwise the same cents the full parser gives.
 */
function plainAmountCents(s: string, start: number, end: number, decimalCode: number): number {
  let i = start;
  const negative = i < end && s.charCodeAt(i) === 0x2d;
  if (negative) i++;
  const digitsFrom = i;
  let units = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    units = units * 10 + (c - 0x30);
  }
  const intDigits = i - digitsFrom;
  if (intDigits === 0 || intDigits > 13) return Number.NaN;
  let fraction = 0;
  if (i < end) {
    if (s.charCodeAt(i) !== decimalCode || end - i > 3) return Number.NaN;
    const fractionDigits = end - i - 1;
    for (let k = 1; k <= fractionDigits; k++) {
      const c = s.charCodeAt(i + k);
      if (c < 0x30 || c > 0x39) return Number.NaN;
      fraction = fraction * 10 + (c - 0x30);
    }
    if (fractionDigits === 1) fraction *= 10;
  }
  const cents = units * 100 + fraction;
  return negative && cents !== 0 ? -cents : cents;
}

/**
 * `plainAmountCents` of the ASCII bytes of an amount (the CSV reader's bytes path, CsvRecord.bytes):
 * the same cents for the same characters, or NaN when the full parser must decide. Kept next to
 * `plainAmountCents`, line for line: a test checks that both agree.
 */
export function plainAmountCentsOfBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  decimal: DecimalSeparator,
): number {
  const decimalCode = decimal === '.' ? 0x2e : 0x2c;
  let i = start;
  const negative = i < end && bytes[i] === 0x2d;
  if (negative) i++;
  const digitsFrom = i;
  let units = 0;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x39) break;
    units = units * 10 + (c - 0x30);
  }
  const intDigits = i - digitsFrom;
  if (intDigits === 0 || intDigits > 13) return Number.NaN;
  let fraction = 0;
  if (i < end) {
    if (bytes[i] !== decimalCode || end - i > 3) return Number.NaN;
    const fractionDigits = end - i - 1;
    for (let k = 1; k <= fractionDigits; k++) {
      const c = bytes[i + k]!;
      if (c < 0x30 || c > 0x39) return Number.NaN;
      fraction = fraction * 10 + (c - 0x30);
    }
    if (fractionDigits === 1) fraction *= 10;
  }
  const cents = units * 100 + fraction;
  return negative && cents !== 0 ? -cents : cents;
}

/** Plain-words reason why `value` is not an amount (called only for rejected rows). */
export function describeBadAmount(value: string, decimal: DecimalSeparator = '.'): string {
  const shown = JSON.stringify(value);
  const trimmed = value.trim();
  if (/^[-+(]?[$€£]?\d+(\.\d+)?[eE][-+]?\d+\)?$/.test(trimmed)) {
    return `amount ${shown} is in scientific notation; export the column as a plain number`;
  }
  // "12,50" and "1.234,56" (dots grouping thousands, then a decimal comma).
  if (
    decimal === '.' &&
    /^[-+(]?\D{0,4}\d{1,3}(?:\.\d{3})*,\d{1,2}\D{0,4}\)?$|^[-+(]?\D{0,4}\d+,\d{1,2}\D{0,4}\)?$/.test(trimmed)
  ) {
    return `amount ${shown} looks like it uses a decimal comma; set the decimal separator to "," (--decimal ,)`;
  }
  if (/\d/.test(trimmed) && /[\d.,]{1,}\d/.test(trimmed)) {
    const digitsOnly = trimmed.replace(/[^\d]/g, '');
    if (digitsOnly.length > 15) return `amount ${shown} is too large`;
  }
  return `amount ${shown} is not a number (expected e.g. 1234.56, $1,234.56 or (12.00))`;
}
