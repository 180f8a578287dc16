/**
 * Every store contract suite, one per port plus the lifecycle, for one backend. Each suite opens its
 * own empty stores, so tests inside a suite use distinct keys.
 */

import type { StoreHarness } from './_harness.ts';
import { describeDeliveryKeyStoreContract } from './delivery-key-store.ts';
import { describeDigestRunStoreContract } from './digest-run-store.ts';
import { describeFollowUpStoreContract } from './follow-up-store.ts';
import { describeHoldoutStoreContract } from './holdout-store.ts';
import { describeJobLockStoreContract } from './job-lock-store.ts';
import { describePersonalStoreContract } from './personal-store.ts';
import { describeRecoveryStoreContract } from './recovery-store.ts';
import { describeSnapshotStoreContract } from './snapshot-store.ts';
import { describeStoreLifecycleContract } from './store-lifecycle.ts';

export type { StoreHarness } from './_harness.ts';

export function describeStoreContracts(harness: StoreHarness): void {
  describeSnapshotStoreContract(harness);
  describeDigestRunStoreContract(harness);
  describeFollowUpStoreContract(harness);
  describeDeliveryKeyStoreContract(harness);
  describeJobLockStoreContract(harness);
  describeRecoveryStoreContract(harness);
  describeHoldoutStoreContract(harness);
  describePersonalStoreContract(harness);
  describeStoreLifecycleContract(harness);
}
