// The names tests and assistive technology rely on, the keyboard, the theme, and what survives a reload.
import { expect, test } from "@playwright/test";
import { button, client, open_playground, run_code } from "./support.ts";

test("names, keyboard, theme, and code and layout kept across a reload", async ({ page }) => {
  await open_playground(page);
  for (const name of ["Run", "Share", "Add client"]) await expect(button(page, name)).toBeVisible();
  const alice = client(page, "alice");
  for (const name of ["Connect", "Disconnect", "Send"]) await expect(button(alice, name)).toBeVisible();
  await expect(alice.getByRole("textbox", { name: "Message" })).toBeVisible();
  await expect(alice.getByRole("textbox", { name: "Path" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Example" })).toBeVisible();
  await expect(page.getByRole("log", { name: "Event log" })).toHaveAttribute("aria-live", "polite");
  await expect(page.getByText("Ctrl+M (Ctrl+Shift+M on a Mac) to move focus with Tab")).toBeVisible();

  // From the top of the page, Tab reaches the example picker, the language switch, side by side, then Run.
  const example = page.getByRole("combobox", { name: "Example" });
  for (let i = 0; i < 5 && !(await example.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(example).toBeFocused();
  const languages = page.getByRole("group", { name: "Language" });
  for (const next of [button(languages, "TypeScript"), button(languages, "Python"), button(page, "Side by side"), button(page, "Run")]) {
    await page.keyboard.press("Tab");
    await expect(next).toBeFocused();
  }
  await expect(button(languages, "TypeScript")).toHaveAttribute("aria-pressed", "true");

  // The splitter moves with the keyboard.
  const splitter = page.getByRole("separator", { name: "Resize the editor" });
  await splitter.focus();
  await page.keyboard.press("ArrowRight");
  await expect(splitter).toHaveAttribute("aria-valuenow", "55");

  // The theme follows the system until the learner picks one.
  const theme = page.getByRole("button", { name: /^Theme:/ });
  await theme.click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await theme.click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");

  await run_code(page, 'import { AsyncWebsocketConsumer } from "channels";\n// kept-across-reloads\nexport class K extends AsyncWebsocketConsumer {}\n');
  await alice.getByRole("textbox", { name: "Path" }).fill("/kept/");
  await page.waitForTimeout(300); // the store saves after 200 ms
  await page.reload();
  await expect(page.locator(".monaco-editor .view-lines")).toContainText("kept-across-reloads");
  await expect(client(page, "alice").getByRole("textbox", { name: "Path" })).toHaveValue("/kept/");
  await expect(page.getByRole("separator", { name: "Resize the editor" })).toHaveAttribute("aria-valuenow", "55");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
});
