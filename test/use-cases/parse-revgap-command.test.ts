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
    expect(parseRevgapCommand('top all')).toEqual({ kind: 'top', n: null, all: true });
    expect(parseRevgapCommand('Churn ALL')).toEqual({ kind: 'churn', all: true });
    expect(parseRevgapCommand('churn all stores')).toEqual({ kind: 'customer', query: 'churn all stores' });
  });

  it('treats anything else as a customer id or name, keyword-like names included', () => {
    expect(parseRevgapCommand('C-001')).toEqual({ kind: 'customer', query: 'C-001' });
    expect(parseRevgapCommand('  Acme   Corp ')).toEqual({ kind: 'customer', query: 'Acme Corp' });
    expect(parseRevgapCommand('top notch')).toEqual({ kind: 'customer', query: 'top notch' });
    expect(parseRevgapCommand('churn masters')).toEqual({ kind: 'customer', query: 'churn masters' });
  });
});

describe('parseRevgapCommand: follow-ups typed as commands', () => {
  it('reads log <customer>: <note>, keeping the note as typed after the first colon', () => {
    expect(parseRevgapCommand('log Acme Corp: called the buyer: new order\nnext week')).toEqual({
      kind: 'log',
      query: 'Acme Corp',
      note: 'called the buyer: new order\nnext week',
    });
  });

  it('reads snooze <customer> <N>w in its spellings, 1 to 12 weeks', () => {
    for (const text of ['snooze Acme Corp 2w', 'Snooze Acme Corp 2 weeks', 'snooze  Acme Corp  2 W']) {
      expect(parseRevgapCommand(text)).toEqual({ kind: 'snooze', query: 'Acme Corp', weeks: 2 });
    }
    expect(parseRevgapCommand('snooze C001 1 week')).toEqual({ kind: 'snooze', query: 'C001', weeks: 1 });
  });

  it('keeps a customer query, marked with the command, when the syntax is not there', () => {
    expect(parseRevgapCommand('log cabin')).toEqual({
      kind: 'customer',
      query: 'log cabin',
      commandHint: 'log',
    });
    expect(parseRevgapCommand('log : a note')).toEqual({
      kind: 'customer',
      query: 'log : a note',
      commandHint: 'log',
    });
    expect(parseRevgapCommand('snooze Acme')).toMatchObject({ kind: 'customer', commandHint: 'snooze' });
    expect(parseRevgapCommand('snooze Acme 13w')).toMatchObject({ kind: 'customer', commandHint: 'snooze' });
    expect(parseRevgapCommand('snooze Acme 0w')).toMatchObject({ kind: 'customer', commandHint: 'snooze' });
    expect(parseRevgapCommand('log')).toEqual({ kind: 'customer', query: 'log' });
  });
});
