import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Examples import the core as a learner does in the playground: from "channels".
  resolve: { alias: { channels: fileURLToPath(new URL("./server/channels/index.ts", import.meta.url)) } },
  test: {
    include: ["server/**/*.test.ts", "python/**/*.test.ts", "conformance/**/*.test.ts", "bench/**/*.test.ts", "web/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
