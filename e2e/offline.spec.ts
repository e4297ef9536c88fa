// Story 6: nothing leaves the page's origin (Monaco included), and nothing logs a console error.
import { expect, test } from "@playwright/test";
import { button, client, log, open_playground, shot } from "./support.ts";

test("every request stays on the page's origin, and the console stays free of errors", async ({ page, baseURL }) => {
  const requests: string[] = [];
  const problems: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("websocket", (ws) => requests.push(ws.url()));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));

  await open_playground(page);
  await expect(page.locator(".monaco-editor")).toBeVisible();
  // The TypeScript service has loaded (it marks a type error), so its worker came from this origin too.
  await page.evaluate(() => (window as unknown as { __playground: { setCode(c: string): void } }).__playground.setCode(
    'import { SyncConsumer } from "channels";\nconst n: number = "text";\nexport class A extends SyncConsumer {}\n',
  ));
  await expect(page.locator(".monaco-editor .squiggly-error").first()).toBeVisible({ timeout: 20_000 });
  const alice = client(page, "alice");
  await button(alice, "Connect").click();
  await expect(log(page)).toContainText("websocket.connect");
  await shot(page, "seed-connected");

  const origin = new URL(baseURL!);
  const outside = requests.filter((url) => {
    const u = new URL(url);
    return !(u.host === origin.host && ["http:", "ws:", "blob:", "data:"].includes(u.protocol)) && !url.startsWith("blob:") && !url.startsWith("data:");
  });
  expect(requests.length).toBeGreaterThan(5);
  expect(outside).toEqual([]);
  expect(problems).toEqual([]);
});
