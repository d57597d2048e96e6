export { type ConformanceOptions, createSectionContext, type SectionContext } from "./context.js";
export { goldenPayloads } from "./golden.js";
export {
  type CorruptionCase,
  corruptibleValue,
  type FaultBounds,
  type FaultHooks,
  flipBit,
  type HostPort,
  NOT_WELL_FORMED_IDS,
  type Toxic,
  ToxiproxyProxy,
  type TransportHooks,
  truncateBytes,
  zlibBomb,
  zstdBomb,
  zstdMagicThenGarbage,
} from "./sections/faults/index.js";
export {
  badInputSection,
  type ConformanceSection,
  cleanupSection,
  concurrencySection,
  conformanceSections,
  deleteSection,
  faultsSection,
  getAndSetSection,
  getMultiSection,
  type SectionName,
  scanSection,
  sectionNames,
  subkeysSection,
  valuesSection,
} from "./sections/index.js";
export { runConformanceSuite } from "./suite.js";
