// A worker's entry module loads before --import hooks apply (Node 20), so register tsx, then load the worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
