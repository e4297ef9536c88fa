// What every spec does: open the playground with a fresh session, and find things the way a person does.
import { expect, type Page } from "@playwright/test";

export async function open_playground(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByRole("status").filter({ hasText: /Session live, version \d+/ })).toBeVisible();
}

/** A test client's panel. */
export const client = (page: Page, label: string) => page.getByRole("region", { name: `Client ${label}` });

export const log = (page: Page) => page.getByRole("log", { name: "Event log" });

/** Sets the editor's code through the page's test hook and runs it; waits for the new version. */
export async function run_code(page: Page, code: string): Promise<void> {
  const before = await page.getByRole("status").filter({ hasText: /version/ }).textContent();
  await page.evaluate((c) => {
    const hook = (window as unknown as { __playground: { setCode(code: string): void } }).__playground;
    hook.setCode(c);
  }, code);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: /version/ })).not.toHaveText(before ?? "");
}

export async function choose_example(page: Page, title: string): Promise<void> {
  const before = await page.getByRole("status").filter({ hasText: /version/ }).textContent();
  await page.getByRole("combobox", { name: "Example" }).selectOption({ label: title });
  await expect(page.getByRole("status").filter({ hasText: /version/ })).not.toHaveText(before ?? "");
}

/** With SHOTS=<dir>, saves a screenshot of the state a spec reached, to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/${name}.png` });
}

export const button = (scope: Page | ReturnType<Page["locator"]>, name: string) => scope.getByRole("button", { name, exact: true });

/** Switches the editor to `language` ("TypeScript" or "Python") and waits until the session serves it. */
export async function choose_language(page: Page, title: "TypeScript" | "Python"): Promise<void> {
  await page.getByRole("group", { name: "Language" }).getByRole("button", { name: title }).click();
  await expect(page.getByRole("status").filter({ hasText: /Session live, version \d+$/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("group", { name: "Language" }).getByRole("button", { name: title })).toHaveAttribute("aria-pressed", "true");
}
