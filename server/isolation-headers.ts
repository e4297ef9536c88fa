// The two headers that make the playground's page cross-origin isolated: Python mode's interrupt buffer is
// a SharedArrayBuffer, which a browser gives only to such pages. Everything the page loads is same-origin.
export const ISOLATION_HEADERS = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } as const;
