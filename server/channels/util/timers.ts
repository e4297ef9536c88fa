// Host timers, looked up when called: the core must load where none exist yet (a bare isolate).
interface TimerHost {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
const host = globalThis as unknown as TimerHost;

export const set_timer = (callback: () => void, ms: number): unknown => host.setTimeout(callback, ms);
export const clear_timer = (handle: unknown): void => host.clearTimeout(handle);
/** Python's asyncio.sleep: seconds, not milliseconds. */
export const sleep = (seconds: number): Promise<void> => new Promise((resolve) => set_timer(resolve, seconds * 1000));
