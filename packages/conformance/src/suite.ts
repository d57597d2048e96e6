import { describe } from "vitest";
import { type ConformanceOptions, createSectionContext } from "./context.js";
import { conformanceSections, type SectionName, sectionNames } from "./sections/index.js";

/**
 * The contract every backend keeps (Sentry's NodeStorage semantics plus ours), run against a real server:
 * every section by default, or those `options.sections` names minus those `options.skip` names. Tests in a
 * file run in order; the cleanup section runs last because it empties the namespace.
 */
export function runConformanceSuite(options: ConformanceOptions): void {
  const selected = selectSections(options);
  describe(`nodestore conformance: ${options.name}`, () => {
    const ctx = createSectionContext(options);
    for (const section of conformanceSections) {
      if (selected.includes(section.name)) section.register(ctx);
    }
  });
}

/**
 * The sections `options` asks for, in suite order. Throws on a name that is not a section (a typo would
 * otherwise silently run nothing, or everything) and when nothing is left to run.
 */
export function selectSections(
  options: Pick<ConformanceOptions, "name" | "sections" | "skip">,
): SectionName[] {
  const where = `runConformanceSuite(${JSON.stringify(options.name)})`;
  for (const key of ["sections", "skip"] as const) {
    const names: readonly unknown[] | undefined = options[key];
    if (names === undefined) continue;
    if (!Array.isArray(names)) {
      throw new TypeError(`${where}: options.${key} must be an array of section names`);
    }
    const unknown = names
      .filter((n) => !sectionNames.includes(n as SectionName))
      .map((n) => JSON.stringify(n));
    if (unknown.length > 0) {
      throw new Error(
        `${where}: unknown section ${unknown.join(", ")} in options.${key}; the sections are ${sectionNames.join(", ")}`,
      );
    }
  }
  const selected = sectionNames.filter(
    (n) => (options.sections?.includes(n) ?? true) && !(options.skip?.includes(n) ?? false),
  );
  if (selected.length === 0) throw new Error(`${where}: options.sections/skip leave no section to run`);
  return selected;
}
