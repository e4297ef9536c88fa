// What every spec does: open the playground with a fresh session, and find things the way a person does.
import { expect, type Locator, type Page } from "@playwright/test";

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

// Steps that read the same in both languages: the log a learner sees does not depend on which they wrote.

/** Connects alice to the tutorial's seed consumer: it logs and prints, never accepts, and the log says so. */
export async function connect_to_never_accepting_seed(page: Page): Promise<Locator> {
  const alice = client(page, "alice");
  await button(alice, "Connect").click();
  await expect(log(page)).toContainText("MySyncConsumer.websocket_connect(websocket.connect)");
  await expect(log(page)).toContainText("WebSocket Connect...");
  const hint = page.getByRole("listitem", { name: "Hint: The consumer never accepted" });
  await expect(hint).toContainText("the server drops it after 5 s");
  await expect(alice.getByRole("status")).toHaveText("connecting");
  return hint;
}

/** alice and bob in the chat example's room: a message from alice reaches both, through the group. */
export async function chat_reaches_both(page: Page): Promise<void> {
  const alice = client(page, "alice");
  const bob = client(page, "bob");
  await button(alice, "Connect").click();
  await button(bob, "Connect").click();
  await expect(alice.getByRole("status")).toHaveText("open");
  await expect(bob.getByRole("status")).toHaveText("open");
  await alice.getByRole("textbox", { name: "Message" }).fill("hello room");
  await button(alice, "Send").click();
  for (const [who, label] of [[alice, "alice"], [bob, "bob"]] as const) {
    await expect(who.getByRole("list", { name: `Frames of ${label}` }).getByRole("listitem").filter({ has: page.getByLabel("received") }).filter({ hasText: "hello room" })).toBeVisible();
  }
  await expect(log(page)).toContainText('group_send("chat_lobby", chat.message) to 2 members');
  await expect(log(page)).toContainText("ChatConsumer.chat_message(chat.message)");
}

/** alice, connected to a consumer whose receive spins, sends a message: the handler is stopped, alice gets 1011. */
export async function spin_is_stopped(page: Page): Promise<void> {
  const alice = client(page, "alice");
  await button(alice, "Connect").click();
  await expect(alice.getByRole("status")).toHaveText("open");
  await alice.getByRole("textbox", { name: "Message" }).fill("spin");
  await button(alice, "Send").click();
  const hint = page.getByRole("listitem", { name: "Hint: A handler was stopped" });
  await expect(hint).toContainText("Spin.websocket_receive ran longer than 1000 ms and was stopped");
  await expect(alice.getByRole("status")).toHaveText("closed 1011");
}
