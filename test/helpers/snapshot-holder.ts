/**
 * A snapshot holder already holding `result` (default: the sample result), as the Slack adapter
 * tests need it: the store behind it has no saved snapshot, so nothing is read from a database.
 */
import type { AnalysisSettings } from '../../src/core/settings.ts';
import type { AnalysisResult } from '../../src/core/types.ts';
import type { SnapshotStore } from '../../src/store/state-store.ts';
import { createSnapshotHolder, type SnapshotHolder } from '../../src/use-cases/refresh-snapshot.ts';
import { buildSampleResult, sampleSettings } from './build-result.ts';
import { partialPort } from './partial-port.ts';

export function holderWith(
  result: AnalysisResult = buildSampleResult(),
  settings: AnalysisSettings = sampleSettings(),
): SnapshotHolder {
  const snapshots = createSnapshotHolder({
    store: partialPort<SnapshotStore>({ loadLatestSnapshot: async () => null }),
    settings,
  });
  snapshots.set({
    id: 's',
    createdAt: '2026-11-24T08:00:00.000Z',
    asOfPeriod: result.asOf.period,
    source: 't',
    result,
  });
  return snapshots;
}
