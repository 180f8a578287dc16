/**
 * Finds which CSV column holds which field: an explicit mapping (`--map customer_id="Customer ID"`)
 * wins; otherwise the first header matching a known alias, comparing names without case, spaces,
 * underscores, hyphens, dots or a parenthesised suffix ("Amount (USD)" matches `amount`).
 */
import { InputError } from '../../errors.ts';

/** Field -> accepted header names, in priority order (the canonical name first). */
export type AliasTable<F extends string> = Record<F, readonly string[]>;

export const SALES_FIELDS = [
  'customer_id',
  'date',
  'amount',
  'order_id',
  'product',
  'store_id',
  'quantity',
] as const;
export type SalesField = (typeof SALES_FIELDS)[number];
export const SALES_REQUIRED: readonly SalesField[] = ['customer_id', 'date', 'amount'];

export const SALES_ALIASES: AliasTable<SalesField> = {
  customer_id: [
    'customer_id',
    'customer',
    'customer_no',
    'customer_number',
    'customer_code',
    'cust_id',
    'client_id',
    'client',
    'account_id',
    'account',
    'account_number',
    // Shopify and Stripe exports key orders by the buyer's email ("Email", "Customer Email").
    'customer_email',
    'email',
  ],
  date: [
    'date',
    'order_date',
    'invoice_date',
    'transaction_date',
    'sale_date',
    'sales_date',
    'week_start_date',
    'week_start',
    'week',
    'day',
    'ordered_at',
    // Shopify "Created at", Stripe "Created date (UTC)", "Paid at".
    'created_at',
    'created_date',
    'created',
    'paid_at',
  ],
  amount: [
    'amount',
    'revenue',
    'sales',
    'total',
    'net',
    'net_amount',
    'net_revenue',
    'net_sales',
    'total_amount',
    'sales_amount',
    'weekly_spend',
    'spend',
    'value',
  ],
  order_id: [
    'order_id',
    'order',
    'order_number',
    'order_no',
    'invoice_id',
    'invoice',
    'invoice_number',
    'transaction_id',
  ],
  product: ['product', 'product_id', 'product_name', 'sku', 'item'],
  store_id: ['store_id', 'store', 'location', 'location_id', 'shop', 'branch'],
  quantity: ['quantity', 'qty', 'units'],
};

export const CUSTOMER_FIELDS = ['customer_id', 'name', 'segment', 'account_manager'] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

export const CUSTOMER_ALIASES: AliasTable<CustomerField> = {
  customer_id: SALES_ALIASES.customer_id,
  name: ['name', 'customer_name', 'company', 'company_name', 'client_name', 'account_name'],
  segment: ['segment', 'customer_segment', 'tier', 'category', 'type'],
  account_manager: [
    'account_manager',
    'am',
    'owner',
    'account_owner',
    'csm',
    'manager',
    'sales_rep',
    'rep',
    'slack_user',
    'slack_id',
  ],
};

/** Header text reduced for comparison: "Customer ID", "customer_id" and "CUSTOMER-ID" all give "customerid". */
export function normalizeHeader(header: string): string {
  return header
    .replace(/\([^)]*\)/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

export interface HeaderMapping<F extends string> {
  /** Column index per field; -1 when the field is absent. */
  columns: Record<F, number>;
}

export interface MapHeadersInput<F extends string> {
  file: string;
  headers: readonly string[];
  fields: readonly F[];
  required: readonly F[];
  aliases: AliasTable<F>;
  /** Explicit field -> header name; wins over aliases. */
  map?: Partial<Record<string, string>> | undefined;
  /** The flag that sets `map` for this file, for messages (default `--map`; the customers file: `--customers-map`). */
  mapFlag?: string;
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

/** Maps headers to fields; throws `InputError` for an unknown `map` key or header, or a missing required column. */
export function mapHeaders<F extends string>(input: MapHeadersInput<F>): HeaderMapping<F> {
  const { file, headers, fields, required, aliases } = input;
  const normalized = headers.map(normalizeHeader);
  const columns = Object.fromEntries(fields.map((f) => [f, -1])) as Record<F, number>;
  const explicit = input.map ?? {};
  const flag = input.mapFlag ?? '--map';
  const mappedBy = new Map<number, string>();

  for (const [key, header] of Object.entries(explicit)) {
    if (header === undefined) continue;
    if (!(fields as readonly string[]).includes(key)) {
      throw new InputError(
        `Unknown field "${key}" in ${flag} for ${file}: expected one of ${fields.join(', ')}.`,
        {
          hint: `Use ${flag} ${fields[0]}="Your Header"`,
        },
      );
    }
    let index = headers.indexOf(header);
    if (index < 0) index = headers.findIndex((h) => h.trim() === header.trim());
    if (index < 0) index = normalized.indexOf(normalizeHeader(header));
    if (index < 0) {
      throw new InputError(
        `${file}: ${flag} ${key}=${JSON.stringify(header)} names a column that is not in the header. ` +
          `Headers found: ${quoteList(headers)}.`,
        { hint: 'Copy the header text exactly as it appears on the first line of the file.' },
      );
    }
    const other = mappedBy.get(index);
    if (other !== undefined) {
      throw new InputError(
        `${file}: ${flag} maps both ${other} and ${key} to column ${JSON.stringify(headers[index])}; each field needs its own column.`,
        {
          hint: `Point ${flag} ${key}=... (or ${other}=...) at another header. Headers found: ${quoteList(headers)}.`,
        },
      );
    }
    mappedBy.set(index, key);
    columns[key as F] = index;
  }

  const taken = new Set<number>(Object.values(columns as Record<string, number>).filter((i) => i >= 0));
  for (const field of fields) {
    if (columns[field] >= 0) continue;
    for (const alias of aliases[field]) {
      const index = normalized.findIndex((n, i) => n === normalizeHeader(alias) && !taken.has(i));
      if (index >= 0) {
        columns[field] = index;
        taken.add(index);
        break;
      }
    }
  }

  // A header name used twice is ambiguous for the field it names: which column holds it?
  for (const field of fields) {
    const index = columns[field];
    if (index < 0) continue;
    const twins = normalized.flatMap((n, i) => (n === normalized[index] && n !== '' ? [i] : []));
    if (twins.length > 1) {
      throw new InputError(
        `${file}: the header has ${twins.length} columns named like ${JSON.stringify(headers[index])} ` +
          `(columns ${twins.map((i) => i + 1).join(' and ')}), so which one holds ${field} is ambiguous.`,
        {
          hint: `Rename the columns in the export so each name is used once (or map ${field} to a column with another name: ${flag} ${field}="Header").`,
        },
      );
    }
  }

  const missing = required.filter((f) => columns[f] < 0);
  if (missing.length > 0) {
    const lines = missing.map(
      (f) => `  - ${f}: none of the headers matches. Accepted names: ${aliases[f].join(', ')}`,
    );
    const singleColumn =
      headers.length === 1 && /[;,\t|]/.test(headers[0] ?? '')
        ? ' The header has a single column: is the delimiter right? (--delimiter)'
        : '';
    throw new InputError(
      `${file} is missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.\n` +
        `Headers found: ${quoteList(headers)}.\n${lines.join('\n')}\n` +
        `(case, spaces, underscores and hyphens are ignored).${singleColumn}\n` +
        `Name the column${missing.length > 1 ? 's' : ''} yourself: ${missing.map((f) => `${flag} ${f}="Your Header"`).join(' ')}`,
      { hint: `${flag} ${missing[0]}="Your Header"` },
    );
  }
  return { columns };
}
