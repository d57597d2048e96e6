import type { SectionContext } from "../context.js";
import { badInputSection } from "./bad-input.js";
import { cleanupSection } from "./cleanup.js";
import { concurrencySection } from "./concurrency.js";
import { deleteSection } from "./delete.js";
import { faultsSection } from "./faults/index.js";
import { getAndSetSection } from "./get-and-set.js";
import { getMultiSection } from "./get-multi.js";
import { scanSection } from "./scan.js";
import { subkeysSection } from "./subkeys.js";
import { valuesSection } from "./values.js";

/** One concern of the contract: registers its own `describe` block, reading what it needs from the context. */
export type ConformanceSection = (ctx: SectionContext) => void;

/**
 * Every section, in the order the suite runs them. Adding one = one file in this folder exporting a
 * `ConformanceSection`, plus one line here (its name becomes a `SectionName`). "cleanup" stays last: it may
 * empty the namespace.
 */
export const conformanceSections = [
  { name: "get-and-set", register: getAndSetSection },
  { name: "subkeys", register: subkeysSection },
  { name: "get-multi", register: getMultiSection },
  { name: "delete", register: deleteSection },
  { name: "bad-input", register: badInputSection },
  { name: "values", register: valuesSection },
  { name: "concurrency", register: concurrencySection },
  { name: "scan", register: scanSection },
  { name: "faults", register: faultsSection },
  { name: "cleanup", register: cleanupSection },
] as const satisfies ReadonlyArray<{ readonly name: string; readonly register: ConformanceSection }>;

/** A section's name, for `runConformanceSuite({ sections, skip })`. */
export type SectionName = (typeof conformanceSections)[number]["name"];

/** Every section name, in the order the suite runs them. */
export const sectionNames: readonly SectionName[] = conformanceSections.map((s) => s.name);

export {
  badInputSection,
  cleanupSection,
  concurrencySection,
  deleteSection,
  faultsSection,
  getAndSetSection,
  getMultiSection,
  scanSection,
  subkeysSection,
  valuesSection,
};
