// The calls of a socket that change no state: its addresses, its options
// (typed, raw, keep-alive, multicast membership) and the ioctls. Each asks
// the Socket for its native socket through [openFor], which checks that
// the state allows the call.
import { type NativeSocket } from '../native';
import { type AddressOf, fromNative } from './address';
import { SocketEvents } from './events';
import { membershipRequest } from './membership';
import { type OptionName, type OptionValues, type WritableOptionName, getOption, setOption } from './options';
import { getRaw, setKeepAlive, setRaw } from './raw-options';
import type { Operation } from './state';
import type { Family, KeepAliveOptions } from './types';

/** The method of a Socket that gives its native socket for an operation the state allows. */
export const openFor = Symbol('openFor');

/** @internal The state-free calls of a Socket (socket.ts). */
export abstract class SocketControls<F extends Family = Family> extends SocketEvents {
  /** The address family: 'inet', 'inet6' or 'unix'. */
  abstract readonly family: F;

  /** @internal The native socket, or a SocketStateError when the state forbids `operation`. */
  abstract [openFor](operation: Operation): NativeSocket;

  /** getsockname. */
  localAddress(): AddressOf<F> {
    return fromNative(this[openFor]('localAddress').localAddress()) as AddressOf<F>;
  }

  /** getpeername. */
  remoteAddress(): AddressOf<F> {
    return fromNative(this[openFor]('remoteAddress').remoteAddress()) as AddressOf<F>;
  }

  /** setsockopt with a typed value (see options.ts for the table). */
  setOption<N extends WritableOptionName>(name: N, value: OptionValues[N]): this {
    setOption(this[openFor]('setOption'), name, value);
    return this;
  }

  /** getsockopt, decoded to the option's type. */
  getOption<N extends OptionName>(name: N): OptionValues[N] {
    return getOption(this[openFor]('getOption'), name) as OptionValues[N];
  }

  /** Raw setsockopt(level, name, value): an int or the value's bytes. */
  setsockopt(level: number, name: number, value: number | Uint8Array): this {
    setRaw(this[openFor]('setsockopt'), level, name, value);
    return this;
  }

  /** Raw getsockopt(level, name): the `size` bytes (default 4) the stack wrote. */
  getsockopt(level: number, name: number, size = 4): Buffer {
    return getRaw(this[openFor]('getsockopt'), level, name, size);
  }

  /**
   * SO_KEEPALIVE with its timing: TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT
   * (POSIX), SIO_KEEPALIVE_VALS (Windows).
   */
  setKeepAlive(enable: boolean, options?: KeepAliveOptions): this {
    setKeepAlive(this[openFor]('setKeepAlive'), enable, options);
    return this;
  }

  /**
   * setsockopt(IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP): joins a multicast group
   * on the interface with that IPv4 address (or IPv6 interface index).
   */
  addMembership(group: string, iface?: string | number): this {
    this.#membership('ADD', group, iface);
    return this;
  }

  /** setsockopt(IP_DROP_MEMBERSHIP / IPV6_LEAVE_GROUP): leaves a multicast group. */
  dropMembership(group: string, iface?: string | number): this {
    this.#membership('DROP', group, iface);
    return this;
  }

  #membership(action: 'ADD' | 'DROP', group: string, iface: string | number | undefined): void {
    const native = this[openFor]('setsockopt');
    const { level, name, request } = membershipRequest(this.family, action, group, iface);
    native.setsockopt(level, name, request);
  }

  /** ioctl(SIOCATMARK) / ioctlsocket(SIOCATMARK): is the read position at the urgent mark? */
  atMark(): boolean {
    return this[openFor]('atMark').atMark();
  }

  /** ioctl(FIONREAD) / ioctlsocket(FIONREAD): bytes ready to read. */
  bytesAvailable(): number {
    return this[openFor]('bytesAvailable').bytesAvailable();
  }
}
