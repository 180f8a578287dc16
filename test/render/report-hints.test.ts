/**
 * The report and the JSON document say when rows were read as period totals and pass on the
 * analysis hints. Fixture: test/fixtures/hand/weekly-stamped.csv (3 customers x 8 Saturday rows,
 * the latest on 2026-11-21).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import { analysisDocumentSchema, buildJsonDocument } from '../../src/render/json-document.ts';
import { renderMarkdownReport } from '../../src/render/markdown-report.ts';
import { loadHandFixture } from '../helpers/load-hand-fixture.ts';

const saturday = defaultAnalysisSettings({ weekStartsOn: 'saturday' });
const stamped = analyze(loadHandFixture('weekly-stamped.csv', { kind: 'week', weekStartsOn: 6 }), saturday);
const monday = defaultAnalysisSettings();
const misaligned = analyze(loadHandFixture('weekly-stamped.csv', { kind: 'week', weekStartsOn: 1 }), monday);

describe('period-stamped rows in the report', () => {
  it('says in Data quality that each row is a week’s total', () => {
    expect(renderMarkdownReport(stamped, saturday)).toContain(
      '- Rows are dated on the first day of each week: each row is treated as that week’s total, ' +
        'so the latest week (week of 2026-11-21) is complete and included.',
    );
  });

  it('lists the week-start hint in Data quality', () => {
    const report = renderMarkdownReport(misaligned, monday);
    const dataQuality = report.slice(report.indexOf('## Data quality'), report.indexOf('## Method'));
    expect(dataQuality).toContain('- Hint: Every row is dated on a Saturday: ');
    expect(dataQuality).toContain('Run with --week-start saturday (or set weekStartsOn: saturday)');
    expect(renderMarkdownReport(stamped, saturday)).not.toContain('- Hint:');
  });
});

describe('period-stamped rows in the JSON document', () => {
  it('flags periodStamped and carries hints, and both pass the schema', () => {
    const doc = buildJsonDocument(stamped, saturday);
    expect(doc.dataQuality.periodStamped).toBe(true);
    expect(doc.hints).toBeUndefined();
    expect(analysisDocumentSchema.safeParse(doc).success).toBe(true);
    const hinted = buildJsonDocument(misaligned, monday);
    expect(hinted.dataQuality.periodStamped).toBeUndefined();
    expect(hinted.hints).toHaveLength(1);
    expect(hinted.hints?.[0]).toMatch(/^Every row is dated on a Saturday: /);
    expect(analysisDocumentSchema.safeParse(hinted).success).toBe(true);
  });
});
