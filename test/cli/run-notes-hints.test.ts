import { describe, expect, it } from 'vitest';
import { renderRunNotes } from '../../src/cli/_analysis-flags.ts';
import { buildSampleResult } from '../helpers/build-result.ts';

describe('renderRunNotes with analysis hints', () => {
  it('prints each of the result’s hints on its own hint: line', () => {
    const result = {
      ...buildSampleResult(),
      suggestMonthly: false,
      hints: ['Every row is dated on a Saturday.'],
    };
    expect(renderRunNotes(result)).toContain('hint: Every row is dated on a Saturday.\n');
  });

  it('prints no hint line when the result has none', () => {
    const result = { ...buildSampleResult(), suggestMonthly: false };
    expect(renderRunNotes(result)).not.toContain('hint:');
  });
});
