/// <reference types="vite/client" />

declare module "virtual:channels-types" {
  const libs: Array<{ path: string; content: string }>;
  export default libs;
}
