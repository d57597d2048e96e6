import { existsSync } from "node:fs";
import { repoPath } from "../../../paths.js";
import type { ProviderFactory } from "../types.js";

/** A backend package that is planned but not in the repository yet (or has no bench adapter yet). */
export function plannedProvider(name: string): ProviderFactory {
  const packageName = `@nodestore/${name}`;
  return {
    name,
    packageName,
    async setup() {
      return {
        skip: existsSync(repoPath(`packages/${name}/package.json`))
          ? `${packageName} exists but the bench has no adapter for it yet (bench/src/benchmarks/providers/adapters/)`
          : `package not built yet (${packageName})`,
      };
    },
  };
}
