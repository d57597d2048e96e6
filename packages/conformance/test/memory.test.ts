import { createMemoryStore, createPassthroughStore, MemoryBackend } from "@nodestore/core";
import { runConformanceSuite } from "../src/index.js";

runConformanceSuite({ name: "memory", createStore: () => createMemoryStore() });

runConformanceSuite({
  name: "passthrough(memory, memory), every flag on",
  createStore: () =>
    createPassthroughStore({
      primary: new MemoryBackend(),
      secondary: new MemoryBackend(),
      readThrough: true,
      writeThrough: true,
      deleteThrough: true,
    }),
});

runConformanceSuite({
  name: "passthrough(memory, memory), no flags",
  createStore: () => createPassthroughStore({ primary: new MemoryBackend(), secondary: new MemoryBackend() }),
});
