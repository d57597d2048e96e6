import { nodeId } from "./ids.js";
import { createRng, hash32, type Rng } from "./prng.js";
import { APP_DIR, type Plan, planError, planTransaction } from "./scenarios/index.js";
import { sdkHarness } from "./sdk.js";
import { toStored } from "./stored/index.js";
import type { CorpusEvent, CorpusMix, GenerateOptions } from "./types.js";

const BATCH = 32;
/** 2025-06-15T14:40:00Z: the corpus' clock starts here; events are ~1 minute apart. */
const EPOCH = 1_750_000_000;

const PROJECTS: ReadonlyArray<readonly [number, number]> = [
  [30, 1],
  [20, 2],
  [15, 7],
  [10, 42],
  [10, 1337],
  [15, 4507812345],
];

function projectInfo(projectId: number) {
  const r = createRng(hash32(`project:${projectId}`));
  return {
    keyId: r.int(1, 3_000_000),
    publicKey: r.hex(32),
    releases: Array.from(
      { length: 4 },
      (_, i) => `backend@${2 + i}.${r.int(0, 30)}.${r.int(0, 9)}+${r.hex(7)}`,
    ),
    servers: Array.from({ length: 5 }, () => `api-${r.hex(10)}-${r.hex(5)}`),
  };
}

function targetBytes(r: Rng, mix: Required<CorpusMix>): number {
  const maxKB = mix.maxKB;
  const cls = r.next();
  const kb =
    cls < mix.small
      ? r.float(1.5, 5)
      : cls < mix.small + mix.large
        ? r.logUniform(40, maxKB)
        : r.logUniform(5, 40);
  return Math.round(kb * 1024);
}

type Slot = {
  index: number;
  plan: Plan;
  projectId: number;
  eventId: string;
  time: number;
  meta: Rng;
  withUnprocessed: boolean;
};

/** Generates `count` Sentry-shaped events with the real @sentry/node SDK, deterministically by seed. */
export async function generateCorpus(options: GenerateOptions): Promise<CorpusEvent[]> {
  const seed = options.seed ?? 1;
  const mix: Required<CorpusMix> = {
    transactions: options.mix?.transactions ?? 0.35,
    unprocessed: options.mix?.unprocessed ?? 0.2,
    small: options.mix?.small ?? 0.08,
    large: options.mix?.large ?? 0.12,
    maxKB: options.mix?.maxKB ?? 200,
  };
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new RangeError("count must be a non-negative integer");
  const harness = sdkHarness(APP_DIR);
  const out: CorpusEvent[] = [];

  for (let start = 0; start < options.count; start += BATCH) {
    const slots: Slot[] = [];
    for (let index = start; index < Math.min(options.count, start + BATCH); index++) {
      // every event has its own generators, so a corpus is a prefix of any larger one with the same seed
      const meta = createRng(hash32(`meta:${index}`, seed));
      const planRng = createRng(hash32(`plan:${index}`, seed));
      const kind = meta.chance(mix.transactions) ? "transaction" : "error";
      const target = targetBytes(meta, mix);
      const plan = kind === "transaction" ? planTransaction(planRng, target) : planError(planRng, target);
      slots.push({
        index,
        plan,
        projectId: meta.weighted(PROJECTS),
        eventId: meta.hex(32),
        time: EPOCH + index * 61 + meta.float(0, 60),
        meta,
        withUnprocessed: kind === "error" && meta.chance(mix.unprocessed),
      });
    }
    const payloads = await harness.run(slots.map((s) => s.plan.job));
    slots.forEach((slot, i) => {
      const info = projectInfo(slot.projectId);
      const { main, subkeys } = toStored({
        payload: payloads[i]!,
        plan: slot.plan,
        rng: createRng(hash32(`stored:${slot.index}`, seed)),
        projectId: slot.projectId,
        eventId: slot.eventId,
        time: slot.time,
        release: slot.meta.pick(info.releases),
        environment: slot.meta.weighted([
          [80, "production"],
          [15, "staging"],
          [5, "development"],
        ] as const),
        serverName: slot.meta.pick(info.servers),
        keyId: info.keyId,
        publicKey: info.publicKey,
        withUnprocessed: slot.withUnprocessed,
        maxBytes: mix.maxKB * 1024,
      });
      out.push({
        id: nodeId(slot.projectId, slot.eventId),
        projectId: slot.projectId,
        eventId: slot.eventId,
        kind: slot.plan.kind,
        main,
        subkeys,
      });
    });
  }
  return out;
}
