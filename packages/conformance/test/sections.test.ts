// Choosing sections: by name, validated; and calling one section directly. (The full suite runs in
// memory.test.ts.)
import { createMemoryStore } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import {
  conformanceSections,
  createSectionContext,
  getMultiSection,
  runConformanceSuite,
  type SectionName,
  sectionNames,
} from "../src/index.js";
import { selectSections } from "../src/suite.js";

const createStore = () => createMemoryStore();

describe("conformance sections", () => {
  it("lists every section, in the order the suite runs them, cleanup last", () => {
    expect(sectionNames).toEqual([
      "get-and-set",
      "subkeys",
      "get-multi",
      "delete",
      "bad-input",
      "values",
      "concurrency",
      "scan",
      "faults",
      "cleanup",
    ]);
    expect(conformanceSections.map((s) => s.name)).toEqual(sectionNames);
  });

  it("selects every section by default, only the named ones, or all but the skipped ones", () => {
    expect(selectSections({ name: "x" })).toEqual(sectionNames);
    expect(selectSections({ name: "x", sections: ["cleanup", "get-multi"] })).toEqual([
      "get-multi",
      "cleanup",
    ]);
    expect(selectSections({ name: "x", skip: ["values", "concurrency"] })).toEqual(
      sectionNames.filter((n) => n !== "values" && n !== "concurrency"),
    );
    expect(selectSections({ name: "x", sections: ["delete", "values"], skip: ["values"] })).toEqual([
      "delete",
    ]);
  });

  it("refuses unknown section names, and a selection that leaves nothing to run", () => {
    const typo = ["getMulti"] as unknown as SectionName[];
    expect(() => runConformanceSuite({ name: "x", createStore, sections: typo })).toThrow(
      /unknown section "getMulti" in options\.sections; the sections are get-and-set, subkeys, get-multi/,
    );
    expect(() => selectSections({ name: "x", skip: typo })).toThrow(
      /unknown section "getMulti" in options\.skip/,
    );
    expect(() => selectSections({ name: "x", sections: "cleanup" as never })).toThrow(/must be an array/);
    expect(() => selectSections({ name: "x", sections: [] })).toThrow(/leave no section to run/);
    expect(() => selectSections({ name: "x", skip: sectionNames })).toThrow(/leave no section to run/);
  });
});

runConformanceSuite({
  name: "memory, getMulti and cleanup only",
  createStore,
  sections: ["get-multi", "cleanup"],
});

describe("one section called directly", () => {
  getMultiSection(createSectionContext({ name: "memory, getMulti directly", createStore }));
});
