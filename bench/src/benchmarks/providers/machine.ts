import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from "node:os";
import type { MachineInfo } from "../../report/schema.js";

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model?.trim() || "unknown",
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    v8: process.versions.v8,
    os: { platform: platform(), release: release(), arch: arch() },
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
