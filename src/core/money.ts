/**
 * Money formatting. Amounts are integer cents (hundredths of the currency's major unit) everywhere
 * below the renderers; this is the one place that turns them into text.
 *
 * Hand-rolled rather than `Intl.NumberFormat` because rationales format money for every gap of every
 * customer (hundreds of thousands of calls on large inputs) and the output must not depend on the
 * ICU build of the Node binary.
 */

/** Prefix symbols of common currencies; any other code is written before the number ("CHF 12.00"). */
const SYMBOLS: Readonly<Record<string, string>> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  CNY: 'CN¥',
  INR: '₹',
  CAD: 'CA$',
  AUD: 'A$',
  NZD: 'NZ$',
  MXN: 'MX$',
  BRL: 'R$',
  HKD: 'HK$',
  SGD: 'S$',
  KRW: '₩',
  ILS: '₪',
};

/** Currencies without a minor unit in everyday use: shown in whole units ("¥1,235"). */
const WHOLE_UNIT_CURRENCIES = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK']);

export interface FormatMoneyOptions {
  /**
   * Whole units when the amount is at least 100 units ("$412" rather than "$412.37") or has no
   * cents ("$50"): for rates in one-line rationales, where cents are noise. Smaller amounts with
   * cents keep them ("$5.59").
   */
  compact?: boolean;
}

function groupThousands(digits: string): string {
  if (digits.length <= 3) return digits;
  let out = '';
  const head = digits.length % 3;
  if (head > 0) out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) {
    out += (out === '' ? '' : ',') + digits.slice(i, i + 3);
  }
  return out;
}

/**
 * Format integer cents: `formatMoney(123456, 'USD')` is "$1,234.56", `formatMoney(-500, 'USD')` is
 * "-$5.00". Fractional cents (means) are rounded half away from zero.
 */
export function formatMoney(cents: number, currency: string, options: FormatMoneyOptions = {}): string {
  const negative = cents < 0;
  let abs = Math.round(Math.abs(cents));
  const code = currency.toUpperCase();
  const prefix = SYMBOLS[code] ?? `${code} `;
  let text: string;
  if ((options.compact && (abs >= 10_000 || abs % 100 === 0)) || WHOLE_UNIT_CURRENCIES.has(code)) {
    abs = Math.round(abs / 100);
    text = groupThousands(String(abs));
  } else {
    const units = Math.floor(abs / 100);
    const rest = abs - units * 100;
    text = `${groupThousands(String(units))}.${rest < 10 ? '0' : ''}${rest}`;
  }
  // "-$0" would read as a loss of nothing: an amount that rounds to zero has no sign.
  return negative && abs > 0 ? `-${prefix}${text}` : `${prefix}${text}`;
}

/**
 * An amount rounded for a one-line list: "$412", "$3.7k", "$10.9k", "$123k", "$1.2M" (whole units
 * below 1,000; one decimal below 100 of a unit of thousands or millions, ".0" dropped). Exact
 * amounts stay in the cards, the deep dive and the report.
 */
export function formatMoneyShort(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  const prefix = SYMBOLS[code] ?? `${code} `;
  const units = Math.round(Math.abs(cents) / 100);
  const sign = cents < 0 && units > 0 ? '-' : '';
  if (units < 1000) return `${sign}${prefix}${units}`;
  const scaled = (value: number, suffix: string): string | null => {
    const oneDecimal = Math.round(value * 10) / 10;
    if (oneDecimal < 100) return `${sign}${prefix}${String(oneDecimal)}${suffix}`;
    const whole = Math.round(value);
    return whole < 1000 ? `${sign}${prefix}${groupThousands(String(whole))}${suffix}` : null;
  };
  return (
    scaled(units / 1000, 'k') ??
    scaled(units / 1_000_000, 'M') ??
    `${sign}${prefix}${groupThousands(String(Math.round(units / 1_000_000)))}M`
  );
}

/** Cents to a number in the major unit, rounded to cents (for JSON output): 123456 -> 1234.56. */
export function centsToMajor(cents: number): number {
  // Half a cent rounds away from zero, as formatMoney does, so JSON and the report never disagree.
  const whole = Math.sign(cents) * Math.round(Math.abs(cents));
  return whole / 100;
}
