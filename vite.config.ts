// The playground UI: `npm run dev` serves it with hot reload (proxying the API and websockets to the
// server); `npm start` serves the build from Express.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { channels_types } from "./web/build/channels-types-plugin.ts";
import { precompress } from "./web/build/precompress-plugin.ts";
import { ISOLATION_HEADERS, pyodide_assets } from "./web/build/pyodide-plugin.ts";

const backend = `http://127.0.0.1:${process.env.PORT ?? 8000}`;

export default defineConfig({
  root: "web",
  plugins: [react(), channels_types(), pyodide_assets(), precompress()],
  resolve: { alias: { channels: new URL("./server/channels/index.ts", import.meta.url).pathname } },
  build: { outDir: "../dist/web", emptyOutDir: true, chunkSizeWarningLimit: 8000 },
  worker: { format: "es" },
  server: {
    host: "127.0.0.1",
    port: Number(process.env.VITE_PORT ?? 5173),
    strictPort: true,
    headers: ISOLATION_HEADERS,
    proxy: {
      "/api": { target: backend, ws: true },
      "/ws": { target: backend, ws: true },
    },
  },
});
