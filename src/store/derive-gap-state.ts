/** The derivation moved to core (the deep dive needs it too); kept here for existing importers. */
export {
  type DeriveGapStateOptions,
  deriveGapState,
  deriveGapStates,
  isGapHidden,
} from '../core/gap-state.ts';
