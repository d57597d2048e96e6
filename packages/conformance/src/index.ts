export { goldenPayloads } from "./golden.js";
export { serviceEnv } from "./service-env.js";
export { type ConformanceOptions, runConformanceSuite } from "./suite.js";
