/**
 * TEMPORARY stand-ins for core helpers that land in parallel (src/core/money.ts, src/core/periods.ts).
 * Replaced by direct imports from core as soon as those files exist; nothing here is meant to stay.
 */
import type { PeriodSpec } from '../core/types.ts';

export function formatMoney(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (abs % 100).toString().padStart(2, '0');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${sign}${symbol}${whole}.${frac}`;
}

export function isoFromDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function dayFromIso(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

function weekOffset(spec: PeriodSpec): number {
  // 1970-01-01 was a Thursday (4).
  return (4 - spec.weekStartsOn + 7) % 7;
}

export function periodStartDay(period: number, spec: PeriodSpec): number {
  if (spec.kind === 'week') return period * 7 - weekOffset(spec);
  const year = Math.floor(period / 12);
  const month = period - year * 12;
  return Math.round(Date.UTC(year, month, 1) / 86_400_000);
}

export function periodEndDay(period: number, spec: PeriodSpec): number {
  return periodStartDay(period + 1, spec) - 1;
}

export function periodOfDay(day: number, spec: PeriodSpec): number {
  if (spec.kind === 'week') return Math.floor((day + weekOffset(spec)) / 7);
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export function formatPeriod(period: number, spec: PeriodSpec): string {
  if (spec.kind === 'week') return `week of ${isoFromDay(periodStartDay(period, spec))}`;
  const year = Math.floor(period / 12);
  return `${year}-${String(period - year * 12 + 1).padStart(2, '0')}`;
}
