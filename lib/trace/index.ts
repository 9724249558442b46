// Tracing, the Node way: every Berkeley call a Socket makes goes through the
// addon's NativeSocket, whose methods are wrapped here to publish one
// message per completed call on the diagnostics_channel 'winsock:call';
// Socket publishes its state changes on 'winsock:state' (a one-line hook in
// socket.ts). With nobody subscribed, a wrapped call costs one
// `hasSubscribers` check. NODE_DEBUG=winsock subscribes a printer through
// util.debuglog.
import diagnosticsChannel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { debuglog } from 'node:util';

import { binding, type NativeSocket } from '../native';
import {
  type CallMessage, type StateMessage, addressText, bytesText, familyName, flagsName, formatCall, formatState,
  levelName, optionName, shutdownName, typeName,
} from './format';

export type { CallMessage, StateMessage } from './format';
export { addressText, bytesText, errorText, formatCall, formatState } from './format';

/** Every completed call of the addon: a CallMessage. */
export const callChannel = diagnosticsChannel.channel('winsock:call');
/** Every state change of a Socket: a StateMessage. */
export const stateChannel = diagnosticsChannel.channel('winsock:state');

interface Entry {
  id: number;
  fd: number;
}

// Each native socket's trace id and descriptor, given the first time it is
// traced (its fd reads -1 once it is closed, so it is kept here).
const entries = new WeakMap<object, Entry>();
// Sockets whose native object is gone (closed, detached) keep their entry.
const socketEntries = new WeakMap<object, Entry>();
let lastId = 0;
// The entry of the native socket closed or detached last: Socket publishes
// 'closed' just after, when it no longer holds the native object.
let released: Entry | null = null;
// Calls made by a tool for itself (the REPL's watch for arriving data).
let untracedDepth = 0;

function entryOf(native: object): Entry {
  let entry = entries.get(native);
  if (entry === undefined) {
    entry = { id: ++lastId, fd: (native as NativeSocket).fd };
    entries.set(native, entry);
  }
  return entry;
}

/** Runs `start` with tracing off for the calls it makes synchronously. */
export function untraced<T>(start: () => T): T {
  untracedDepth++;
  try {
    return start();
  } finally {
    untracedDepth--;
  }
}

/** The trace id of a Socket (for tools that print their own lines). */
export function traceId(socket: object, native: object | null): number {
  return (native === null ? socketEntries.get(socket) : entryOf(native))?.id ?? 0;
}

/** Socket's hook: publishes a state change (called only while someone subscribes). */
export function publishState(socket: object, native: object | null, state: string, previous: string): void {
  let entry: Entry | undefined;
  if (native !== null) {
    entry = entryOf(native);
  } else {
    entry = socketEntries.get(socket) ?? released ?? undefined;
    released = null;
  }
  entry ??= { id: ++lastId, fd: -1 };
  socketEntries.set(socket, entry);
  const message: StateMessage = { id: entry.id, fd: entry.fd, state, previous, time: performance.now(), socket };
  stateChannel.publish(message);
}

type Describe = (args: unknown[]) => string[];
type Result = (value: any, args: unknown[]) => string;

interface CallSpec {
  call: string;
  args: Describe;
  result: Result;
  /** Not a Berkeley call of its own: the package's bookkeeping, not published. */
  quiet?: boolean;
}

const none: Describe = () => [];
const ok: Result = () => 'ok';
const same: Result = (value) => String(value);

const recvResult: Result = (data: Buffer) => (data.length === 0 ? 'EOF' : `${data.length} ${bytesText(data)}`);

interface ControlArgument { level: number; type: number; data: Uint8Array }

// Control messages to send: SCM_RIGHTS with its descriptors, others by level and type.
function controlText(control: ControlArgument[] | undefined): string[] {
  return (control ?? []).map(({ level, type, data }) => {
    if (level === binding.constants.SOL_SOCKET && type === binding.constants.SCM_RIGHTS) {
      const fds = new Int32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      return `SCM_RIGHTS(fd ${[...fds].join(', ')})`;
    }
    return `cmsg(${levelName(level)}, ${type}, ${bytesText(data)})`;
  });
}

// What each NativeSocket method is, as a Berkeley call.
const CALLS: Record<string, CallSpec> = {
  bind: { call: 'bind', args: ([address]) => [addressText(address)], result: ok },
  listen: { call: 'listen', args: ([backlog]) => [String(backlog)], result: ok },
  accept: {
    call: 'accept',
    args: none,
    result: (accepted: NativeSocket) => {
      const entry = entryOf(accepted);
      let peer = '';
      try {
        peer = ` from ${addressText(original.remoteAddress.call(accepted))}`;
      } catch { /* the peer already left: accept still gave a socket */ }
      return `#${entry.id} fd ${entry.fd}${peer}`;
    },
  },
  connect: { call: 'connect', args: ([address]) => [addressText(address)], result: ok },
  send: { call: 'send', args: ([data, flags]) => [bytesText(data as Uint8Array), flagsName(flags as number)], result: same },
  recv: { call: 'recv', args: ([size, flags]) => [String(size), flagsName(flags as number)], result: recvResult },
  sendTo: {
    call: 'sendTo',
    args: ([data, address, flags]) => [bytesText(data as Uint8Array), addressText(address), flagsName(flags as number)],
    result: same,
  },
  recvFrom: {
    call: 'recvFrom',
    args: ([size, flags]) => [String(size), flagsName(flags as number)],
    result: ({ data, address, truncated }) =>
      `${data.length} ${bytesText(data)} from ${addressText(address)}${truncated ? ' (truncated)' : ''}`,
  },
  sendMsg: {
    call: 'sendmsg',
    args: ([data, address, flags, control]) => [bytesText(data as Uint8Array), address === undefined ? '-' : addressText(address),
      flagsName(flags as number), ...controlText(control as ControlArgument[] | undefined)],
    result: same,
  },
  recvMsg: {
    call: 'recvmsg',
    args: ([size, controlSize, flags]) => [String(size), `control ${controlSize}`, flagsName(flags as number)],
    result: ({ data, address, truncated, control }) =>
      `${data.length} ${bytesText(data)}${address?.family === undefined ? '' : ` from ${addressText(address)}`}` +
      `${control.length > 0 ? ` [${control.map((item: { kind: string }) => item.kind).join(', ')}]` : ''}` +
      `${truncated ? ' (truncated)' : ''}`,
  },
  share: { call: 'WSADuplicateSocketW', args: ([pid]) => [`process ${pid}`], result: (bytes: Buffer) => `${bytes.length} bytes` },
  shutdown: { call: 'shutdown', args: ([how]) => [shutdownName(how as number)], result: ok },
  close: { call: 'close', args: none, result: (unsent) => (unsent > 0 ? `ok, ${unsent} unsent bytes dropped` : 'ok') },
  detach: { call: 'detach', args: none, result: () => 'handed over' },
  localAddress: { call: 'getsockname', args: none, result: (address) => addressText(address) },
  remoteAddress: { call: 'getpeername', args: none, result: (address) => addressText(address) },
  setsockopt: {
    call: 'setsockopt',
    args: ([level, name, value]) => [levelName(level as number), optionName(level as number, name as number),
      typeof value === 'number' ? String(value) : bytesText(value as Uint8Array)],
    result: ok,
  },
  getsockopt: {
    call: 'getsockopt',
    args: ([level, name, size]) => [levelName(level as number), optionName(level as number, name as number), String(size ?? 4)],
    result: (bytes: Buffer) => bytesText(bytes),
  },
  bytesAvailable: { call: 'ioctl', args: () => ['FIONREAD'], result: same },
  atMark: { call: 'ioctl', args: () => ['SIOCATMARK'], result: same },
  setKeepAlive: {
    call: 'setKeepAlive',
    args: ([enable, idle, interval, count]) => [String(enable),
      ...[['idle', idle], ['interval', interval], ['count', count]]
        .filter(([, value]) => (value as number) >= 0).map(([label, value]) => `${label} ${value}`)],
    result: ok,
  },
  cancel: { call: 'cancel', args: ([id]) => [`operation ${id}`], result: same },
  // Arming and disarming the urgent watch are no calls a program makes; the
  // recv(MSG_OOB) of each urgent byte it takes is (traceUrgent).
  waitUrgent: { call: 'waitUrgent', args: none, result: same, quiet: true },
  cancelUrgent: { call: 'cancelUrgent', args: none, result: ok, quiet: true },
  startReading: { call: 'startReading', args: ([, , size]) => [String(size ?? 65536)], result: same },
  stopReading: { call: 'stopReading', args: none, result: ok },
};

type Method = (this: NativeSocket, ...args: unknown[]) => unknown;
const prototype = binding.NativeSocket.prototype as unknown as Record<string, Method>;
const original: Record<string, Method> = {};

function publish(entry: Entry, spec: CallSpec, args: string[], start: number,
  outcome: { result: string } | { error: Error }): void {
  const message: CallMessage = { id: entry.id, fd: entry.fd, call: spec.call, args, start, end: performance.now(), ...outcome };
  callChannel.publish(message);
}

function describeResult(spec: CallSpec, value: unknown, args: unknown[]): string {
  try {
    return spec.result(value, args);
  } catch {
    return '?';
  }
}

// The traced path of a call: only taken while someone subscribes.
function traced(native: NativeSocket, name: string, args: unknown[]): unknown {
  const method = original[name];
  if (untracedDepth > 0) return Reflect.apply(method, native, args);
  const spec = CALLS[name];
  const entry = entryOf(native);
  const printable = spec.args(args);
  if (name === 'startReading') traceChunks(native, entry, args);
  if (name === 'waitUrgent') traceUrgent(native, entry);
  if (spec.quiet) return Reflect.apply(method, native, args);
  const start = performance.now();
  let value: unknown;
  try {
    value = Reflect.apply(method, native, args);
  } catch (error) {
    publish(entry, spec, printable, start, { error: error as Error });
    throw error;
  }
  if (value instanceof Promise) {
    // The caller gets the promise that settles after the message, so that
    // an unhandled rejection stays unhandled.
    return value.then((result) => {
      publish(entry, spec, printable, start, { result: describeResult(spec, result, args) });
      return result;
    }, (error: Error) => {
      publish(entry, spec, printable, start, { error });
      throw error;
    });
  }
  publish(entry, spec, printable, start, { result: describeResult(spec, value, args) });
  return value;
}

// Continuous reading: each chunk, and the end, is a completed recv.
function traceChunks(native: NativeSocket, entry: Entry, args: unknown[]): void {
  const [onData, onEnd, size] = args as [(chunk: Buffer) => void, (error: Error | undefined, stopped: boolean) => void, number?];
  const spec = CALLS.recv;
  const printable = [String(size ?? 65536), 'continuous'];
  let start = performance.now();
  args[0] = (chunk: Buffer) => {
    if (callChannel.hasSubscribers) publish(entry, spec, printable, start, { result: recvResult(chunk, []) });
    start = performance.now();
    onData(chunk);
  };
  args[1] = (error: Error | undefined, stopped: boolean) => {
    if (callChannel.hasSubscribers) {
      const outcome = error !== undefined ? { error } : { result: stopped ? 'stopped' : 'EOF' };
      publish(entry, spec, printable, start, outcome);
    }
    onEnd(error, stopped);
  };
}

const URGENT_TRACED = Symbol('urgentTraced');

// The urgent watch takes each urgent byte with recv(MSG_OOB) natively and
// calls the socket's `onurgent`: shown as that recv.
function traceUrgent(native: NativeSocket, entry: Entry): void {
  const onurgent = native.onurgent as ((code: number, error?: Error) => void) & { [URGENT_TRACED]?: boolean } | undefined;
  if (onurgent === undefined || onurgent[URGENT_TRACED]) return;
  const spec: CallSpec = { call: 'recv', args: none, result: same };
  const printable = ['1', 'MSG_OOB', 'urgent watch'];
  const wrapped = (code: number, error?: Error) => {
    if (callChannel.hasSubscribers) {
      const now = performance.now();
      if (code >= 0) publish(entry, spec, printable, now, { result: `1 ${bytesText(Buffer.of(code))}` });
      else if (code === -1) publish(entry, spec, printable, now, { result: 'inline (SO_OOBINLINE): at the mark' });
      else if (error !== undefined) publish(entry, spec, printable, now, { error });
    }
    onurgent(code, error);
  };
  (wrapped as typeof onurgent & object)[URGENT_TRACED] = true;
  native.onurgent = wrapped;
}

const wrapped: Record<string, Method> = {};

/**
 * @internal For bench/trace.js: puts the addon's own methods back, to
 * measure what the wrappers cost; the function returned wraps them again.
 */
export function unwrapForBenchmark(): () => void {
  Object.assign(prototype, original);
  return () => Object.assign(prototype, wrapped);
}

for (const name of Object.keys(CALLS)) {
  const method = prototype[name];
  if (typeof method !== 'function') continue;
  original[name] = method;
  // close and detach also note whose 'closed' state change comes next.
  prototype[name] = name === 'close' || name === 'detach'
    ? function (this: NativeSocket, ...args: unknown[]) {
      if (!callChannel.hasSubscribers && !stateChannel.hasSubscribers) return Reflect.apply(method, this, args);
      released = entryOf(this);
      return callChannel.hasSubscribers ? traced(this, name, args) : Reflect.apply(method, this, args);
    }
    : function (this: NativeSocket, ...args: unknown[]) {
      if (!callChannel.hasSubscribers) return Reflect.apply(method, this, args);
      return traced(this, name, args);
    };
  wrapped[name] = prototype[name];
}

// socket() / WSASocketW, and the adoption of a detached socket: the addon's
// constructor, through a function that `new` calls in its place.
const NativeSocketClass = binding.NativeSocket;
function TracedNativeSocket(...args: unknown[]): NativeSocket {
  const construct = () => Reflect.construct(NativeSocketClass, args) as NativeSocket;
  if (!callChannel.hasSubscribers || untracedDepth > 0) return construct();
  const made = typeof args[0] === 'number';
  // A detach() handle, share() bytes (WSASocketW(FROM_PROTOCOL_INFO)), or a descriptor given at start.
  const call = made ? 'socket' : args[0] === 'shared' ? 'WSASocketW' : 'adopt';
  const spec: CallSpec = { call, args: none, result: same };
  const printable = made ? [familyName(args[0] as number), typeName(args[1] as number), String(args[2])]
    : args[0] === 'descriptor' ? [`fd ${args[1]}`] : args[0] === 'shared' ? ['FROM_PROTOCOL_INFO'] : [];
  const start = performance.now();
  let native: NativeSocket;
  try {
    native = construct();
  } catch (error) {
    publish({ id: ++lastId, fd: -1 }, spec, printable, start, { error: error as Error });
    throw error;
  }
  const entry = entryOf(native);
  publish(entry, spec, printable, start, { result: `fd ${entry.fd}` });
  return native;
}
TracedNativeSocket.prototype = NativeSocketClass.prototype;
// Builds a control message, no call of its own.
TracedNativeSocket.packetInfo = NativeSocketClass.packetInfo;
// socketpair(2) / the loopback pair on Windows: a static method of the class.
TracedNativeSocket.pair = function pair(family: number, type: number, protocol: number): [NativeSocket, NativeSocket] {
  const make = () => NativeSocketClass.pair(family, type, protocol);
  if (!callChannel.hasSubscribers || untracedDepth > 0) return make();
  const spec: CallSpec = { call: 'socketpair', args: none, result: same };
  const printable = [familyName(family), typeName(type), String(protocol)];
  const start = performance.now();
  let pair: [NativeSocket, NativeSocket];
  try {
    pair = make();
  } catch (error) {
    publish({ id: ++lastId, fd: -1 }, spec, printable, start, { error: error as Error });
    throw error;
  }
  const [first, second] = pair.map(entryOf);
  publish(first, spec, printable, start, { result: `#${first.id} fd ${first.fd}, #${second.id} fd ${second.fd}` });
  return pair;
};
binding.NativeSocket = TracedNativeSocket as unknown as typeof binding.NativeSocket;

// NODE_DEBUG=winsock: the same lines on standard error, through util.debuglog.
const debug = debuglog('winsock');
if (debug.enabled) {
  callChannel.subscribe((message) => debug('%s', formatCall(message as CallMessage)));
  stateChannel.subscribe((message) => debug('%s', formatState(message as StateMessage)));
}
