import { describe, expect, it } from 'vitest';
import { parseRevgapCommand } from '../../src/use-cases/parse-revgap-command.ts';

describe('parseRevgapCommand', () => {
  it('reads an empty command as a request for help', () => {
    expect(parseRevgapCommand('   ')).toEqual({ kind: 'help' });
    expect(parseRevgapCommand('help')).toEqual({ kind: 'help' });
  });

  it('reads the keywords in any case', () => {
    expect(parseRevgapCommand('Churn')).toEqual({ kind: 'churn' });
    expect(parseRevgapCommand('MINE')).toEqual({ kind: 'mine' });
    expect(parseRevgapCommand('report')).toEqual({ kind: 'report' });
  });

  it('reads top with and without a count, capping the count at 25', () => {
    expect(parseRevgapCommand('top')).toEqual({ kind: 'top', n: null });
    expect(parseRevgapCommand('top 5')).toEqual({ kind: 'top', n: 5 });
    expect(parseRevgapCommand('top 500')).toEqual({ kind: 'top', n: 25 });
    expect(parseRevgapCommand('top 0')).toEqual({ kind: 'top', n: 1 });
  });

  it('treats anything else as a customer id or name, keyword-like names included', () => {
    expect(parseRevgapCommand('C-001')).toEqual({ kind: 'customer', query: 'C-001' });
    expect(parseRevgapCommand('  Acme   Corp ')).toEqual({ kind: 'customer', query: 'Acme Corp' });
    expect(parseRevgapCommand('top notch')).toEqual({ kind: 'customer', query: 'top notch' });
    expect(parseRevgapCommand('churn masters')).toEqual({ kind: 'customer', query: 'churn masters' });
  });
});
