import type { Receive, Scope, Send } from "./types.ts";

/**
 * Base for Channels' objects that are ASGI applications through `__call__` (routers, middleware).
 * An instance is itself a function `(scope, receive, send)`, so it can be mounted anywhere an app goes,
 * and subclasses override `__call__` exactly as Python subclasses do.
 */
export abstract class ASGIObject {
  constructor() {
    const self = ((scope: Scope, receive: Receive, send: Send) => self.__call__(scope, receive, send)) as unknown as this;
    Object.setPrototypeOf(self, new.target.prototype);
    return self;
  }

  abstract __call__(scope: Scope, receive: Receive, send: Send): Promise<void>;
}

export interface ASGIObject {
  (scope: Scope, receive: Receive, send: Send): Promise<void>;
}

type Constructor = abstract new (...args: never[]) => unknown;
type Concrete<C extends Constructor> = new (...args: ConstructorParameters<C>) => InstanceType<C>;

/**
 * Lets a class be called without `new`, as Python classes are: `ProtocolTypeRouter({...})`.
 * `new` and `extends` keep working.
 */
export function pythonic<C extends Constructor>(cls: C): C & ((...args: ConstructorParameters<C>) => InstanceType<C>) {
  return new Proxy(cls, {
    apply: (target, _this, args) => Reflect.construct(target as unknown as Concrete<C>, args),
  }) as C & ((...args: ConstructorParameters<C>) => InstanceType<C>);
}
