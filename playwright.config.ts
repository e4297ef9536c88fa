// End-to-end tests in Debian's Chromium (CHROMIUM_PATH overrides the path): the built playground, served
// by `npm start`'s server on a free loopback port, driven the way a person uses it.
import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { chromium_launch_options } from "./e2e/chromium.ts";

// Chosen once; the workers inherit it through the environment.
process.env.E2E_PORT ??= execFileSync(process.execPath, [
  "-e", "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })",
]).toString().trim();
const port = Number(process.env.E2E_PORT);

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    launchOptions: chromium_launch_options,
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  webServer: {
    command: "npm run build && node --enable-source-maps dist/server/main.js",
    url: `http://127.0.0.1:${port}/`,
    env: { PORT: String(port), HOST: "127.0.0.1", HANDLER_TIMEOUT_MS: "1000" },
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
