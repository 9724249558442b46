// The EventEmitter under Socket, with its listener methods checking the
// event name and telling the socket when its 'urgent' listeners change:
// 'urgent' listeners start and stop the wait for urgent data. (Overrides
// rather than 'newListener' handlers: an idle socket carries no listener.)
import { EventEmitter } from 'node:events';

import { invalidArgType } from '../errors';

/** The method a SocketEvents subclass runs when its 'urgent' listeners change. */
export const urgentListenersChanged = Symbol('urgentListenersChanged');

// EventEmitter starts each emitter with `{ __proto__: null }`, which V8 keeps
// as a dictionary (184 bytes a socket). An object over an empty null-prototype
// object looks up the same (no inherited names) and stays in fast mode (24).
const NO_EVENTS = Object.freeze(Object.create(null));

/** @internal The EventEmitter of a Socket. */
export abstract class SocketEvents extends EventEmitter {
  constructor() {
    super();
    (this as unknown as { _events: object })._events = Object.create(NO_EVENTS);
  }

  /** @internal Called after 'urgent' listeners were added or removed. */
  abstract [urgentListenersChanged](): void;

  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.on(event, listener);
    if (event === 'urgent') this[urgentListenersChanged]();
    return this;
  }

  override addListener(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.on(event, listener);
  }

  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.once(event, listener);
    if (event === 'urgent') this[urgentListenersChanged]();
    return this;
  }

  override prependListener(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.prependListener(event, listener);
    if (event === 'urgent') this[urgentListenersChanged]();
    return this;
  }

  override prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.prependOnceListener(event, listener);
    if (event === 'urgent') this[urgentListenersChanged]();
    return this;
  }

  override off(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.removeListener(event, listener);
  }

  override removeListener(event: string | symbol, listener: (...args: any[]) => void): this {
    checkEvent(event);
    super.removeListener(event, listener);
    if (event === 'urgent') this[urgentListenersChanged]();
    return this;
  }

  override removeAllListeners(event?: string | symbol): this {
    if (event !== undefined) checkEvent(event);
    super.removeAllListeners(event);
    if (event === undefined || event === 'urgent') this[urgentListenersChanged]();
    return this;
  }
}

function checkEvent(event: unknown): void {
  if (typeof event !== 'string' && typeof event !== 'symbol') throw invalidArgType('event', 'a string or a symbol', event);
}
