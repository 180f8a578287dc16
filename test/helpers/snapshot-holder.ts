/**
 * A snapshot holder already holding `result` (default: the sample result). By default the store
 * behind it has no saved snapshot, so nothing is read from a database; tests on a real store pass it.
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
  options: { store?: SnapshotStore; createdAt?: string } = {},
): SnapshotHolder {
  const snapshots = createSnapshotHolder({
    store: options.store ?? partialPort<SnapshotStore>({ loadLatestSnapshot: async () => null }),
    settings,
  });
  snapshots.set({
    id: 's',
    createdAt: options.createdAt ?? '2026-11-24T08:00:00.000Z',
    asOfPeriod: result.asOf.period,
    source: 't',
    result,
  });
  return snapshots;
}
