export { type ConformanceOptions, createSectionContext, type SectionContext } from "./context.js";
export { goldenPayloads } from "./golden.js";
export {
  badInputSection,
  type ConformanceSection,
  cleanupSection,
  concurrencySection,
  conformanceSections,
  deleteSection,
  getAndSetSection,
  getMultiSection,
  type SectionName,
  sectionNames,
  subkeysSection,
  valuesSection,
} from "./sections/index.js";
export { runConformanceSuite } from "./suite.js";
