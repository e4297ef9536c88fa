// A websocket test client that keeps every text frame it receives, so a test can wait for "the first n".
import { once } from "node:events";
import { WebSocket } from "ws";

export interface TestClient {
  ws: WebSocket;
  received: string[];
  /** Resolves with the first `n` frames once they have arrived (rejects after `timeout_ms`). */
  frames(n: number, timeout_ms?: number): Promise<string[]>;
  json<T = Record<string, unknown>>(index: number, timeout_ms?: number): Promise<T>;
  close(): Promise<void>;
}

export async function open_client(url: string): Promise<TestClient> {
  const ws = new WebSocket(url);
  const received: string[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    received.push(String(data));
    for (const wake of waiters) wake();
  });
  await once(ws, "open");
  const frames = (n: number, timeout_ms = 10_000) =>
    new Promise<string[]>((resolve, reject) => {
      const wake = () => {
        if (received.length < n) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve(received.slice(0, n));
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`${url}: ${received.length} of ${n} frames after ${timeout_ms} ms (last: ${received.at(-1)})`));
      }, timeout_ms);
      waiters.add(wake);
      wake();
    });
  return {
    ws, received, frames,
    json: async <T,>(index: number, timeout_ms?: number) => JSON.parse((await frames(index + 1, timeout_ms))[index]!) as T,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = once(ws, "close");
      ws.close();
      await closed;
    },
  };
}
