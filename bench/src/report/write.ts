import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { type ProvidersBenchResult, providersResultJsonSchema } from "./schema.js";

/**
 * Writes `<dir>/<date>.json`, `latest.json`, `latest.md`, `latest.html` and `schema.json` (the JSON Schema the
 * results validate against). Returns the paths written.
 */
export async function writeResults(result: ProvidersBenchResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // 2025-11-23T12:34:56.789Z -> 2025-11-23T123456Z
  const stamp = result.startedAt.replace(/\.\d+Z$/, "Z").replace(/:/g, "");
  const json = `${JSON.stringify({ $schema: "./schema.json", ...result }, null, 2)}\n`;
  const files: Array<[string, string]> = [
    [`${stamp}.json`, json],
    ["latest.json", json],
    ["latest.md", renderMarkdown(result)],
    ["latest.html", renderHtml(result)],
    ["schema.json", `${JSON.stringify(providersResultJsonSchema, null, 2)}\n`],
  ];
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    await writeFile(path, text);
    written.push(path);
  }
  return written;
}
