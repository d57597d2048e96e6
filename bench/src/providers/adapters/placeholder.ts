import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ProviderFactory } from "../types.js";

/** A backend package that is planned but not in the repository yet (or has no bench adapter yet). */
export function plannedProvider(name: string, dir: string): ProviderFactory {
  const packageName = `@nodestore/${dir}`;
  return {
    name,
    packageName,
    async setup() {
      const exists = existsSync(
        fileURLToPath(new URL(`../../../../packages/${dir}/package.json`, import.meta.url)),
      );
      return {
        skip: exists
          ? `${packageName} exists but the bench has no adapter for it yet (bench/src/providers/adapters/)`
          : `package not built yet (${packageName})`,
      };
    },
  };
}
