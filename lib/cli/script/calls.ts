// What `NAME.METHOD ARG...` does: the Socket methods whose arguments a
// script writes its own way (flags as words, addresses as HOST:PORT or
// @name, option names as words), a few helpers of the script's own
// (read, on, next), and every other Socket method or property, called with
// JSON arguments as they are.
import { type Socket, constants } from '../../index';
import { ScriptError, type Token } from './tokens';

/** What a call needs from the running script. */
export interface CallContext {
  /** The address `@name` stands for: that socket's local address (or a named value's address). */
  addressOf(name: string): unknown;
  /** The step's line, for messages. */
  line: number;
  /** Continuous reading into a buffer the script reads with `read`. */
  collector(socket: Socket): Collector;
  /** Events of a socket recorded for `next`. */
  events(socket: Socket, event: string): EventQueue;
}

export interface Collector {
  start(size?: number): void;
  read(size: number): Promise<Buffer>;
}

export interface EventQueue {
  next(): Promise<unknown>;
}

interface Spec {
  /** Words this call takes as flags, anywhere after the call. */
  flags?: readonly string[];
  /** Flags that take the next argument as their value (connect's timeout). */
  valued?: readonly string[];
  /** How many arguments that are not flags: at least, at most. */
  arity: [number, number];
  invoke(socket: Socket, args: Argument[], flags: Map<string, Argument | true>, context: CallContext): unknown;
}

/** One argument as written: a JSON value, or a word. */
export type Argument = Token;

// ---- turning arguments into values -------------------------------------

const ADDRESS = /^(\[([^\]]*)\]|([^:[\]]+)):(\d+)$/;

/** HOST:PORT, [IPV6]:PORT, @name, a JSON string (a Unix path) or a JSON object. */
export function addressArgument(arg: Argument, context: CallContext): unknown {
  if (arg.json) return arg.value;
  if (arg.text.startsWith('@')) return context.addressOf(arg.text.slice(1));
  const match = ADDRESS.exec(arg.text);
  if (match === null) throw new ScriptError(`expected an address (HOST:PORT, [IPV6]:PORT or @name), got ${arg.text}`, context.line);
  return { address: match[2] ?? match[3], port: Number(match[4]) };
}

export function isAddressWord(text: string): boolean {
  return text.startsWith('@') || ADDRESS.test(text);
}

/** A JSON string (sent as UTF-8) or an array of byte values. */
function dataArgument(arg: Argument, context: CallContext): string | Buffer {
  if (arg.json && typeof arg.value === 'string') return arg.value;
  if (arg.json && Array.isArray(arg.value)) return Buffer.from(arg.value as number[]);
  throw new ScriptError(`expected data: a JSON string or an array of bytes, got ${arg.text}`, context.line);
}

function numberArgument(arg: Argument | undefined, context: CallContext, what: string): number | undefined {
  if (arg === undefined) return undefined;
  if (arg.json && typeof arg.value === 'number') return arg.value;
  throw new ScriptError(`expected ${what} (a number), got ${arg.text}`, context.line);
}

/** A constant's name (SOL_SOCKET) or its number. */
function constantArgument(arg: Argument, context: CallContext): number {
  if (arg.json && typeof arg.value === 'number') return arg.value;
  const value = constants[arg.text];
  if (value === undefined) throw new ScriptError(`${arg.text} is not a constant of this platform (winsock info lists them)`, context.line);
  return value;
}

/** A JSON value as it is, or @name / HOST:PORT as an address, or a bare word as a string. */
export function plainArgument(arg: Argument, context: CallContext): unknown {
  if (arg.json) return arg.value;
  if (isAddressWord(arg.text)) return addressArgument(arg, context);
  return arg.text;
}

function word(arg: Argument): string {
  return arg.json ? String(arg.value) : arg.text;
}

const sendFlags = (flags: Map<string, unknown>) => ({ oob: flags.has('oob'), dontRoute: flags.has('dontroute') });
const recvFlags = (flags: Map<string, unknown>) => ({ oob: flags.has('oob'), peek: flags.has('peek'), waitAll: flags.has('waitall') });

// ---- the calls a script writes its own way ------------------------------

const SPECS: Record<string, Spec> = {
  bind: { arity: [1, 1], invoke: (s, [address], _f, c) => s.bind(addressArgument(address, c) as never) },
  listen: { arity: [0, 1], invoke: (s, [backlog], _f, c) => s.listen(numberArgument(backlog, c, 'a backlog')) },
  accept: { arity: [0, 0], invoke: (s) => s.accept() },
  connect: {
    arity: [1, 1],
    valued: ['timeout'],
    invoke: (s, [address], flags, c) => {
      const timeout = flags.get('timeout');
      return s.connect(addressArgument(address, c) as never,
        timeout === undefined ? undefined : { timeout: numberArgument(timeout as Argument, c, 'a timeout in ms') });
    },
  },
  send: { arity: [1, 1], flags: ['oob', 'dontroute'], invoke: (s, [data], f, c) => s.send(dataArgument(data, c), sendFlags(f)) },
  recv: {
    arity: [0, 1],
    flags: ['oob', 'peek', 'waitall'],
    invoke: (s, [size], f, c) => s.recv(numberArgument(size, c, 'a size') ?? 65536, recvFlags(f)),
  },
  sendTo: {
    arity: [2, 2],
    flags: ['oob', 'dontroute'],
    invoke: (s, [data, address], f, c) => s.sendTo(dataArgument(data, c), addressArgument(address, c) as never, sendFlags(f)),
  },
  recvFrom: {
    arity: [0, 1],
    flags: ['oob', 'peek', 'waitall'],
    invoke: (s, [size], f, c) => s.recvFrom(numberArgument(size, c, 'a size') ?? 65536, recvFlags(f)),
  },
  shutdown: {
    arity: [0, 1],
    invoke: (s, [how]) => s.shutdown((how === undefined ? 'send' : word(how)) as 'send'),
  },
  setOption: {
    arity: [2, 2],
    // A name the script wrote: setOption checks it at run time (ERR_UNKNOWN_OPTION, read only).
    invoke: (s, [name, value], _f, c) => (s.setOption as (name: string, value: unknown) => Socket).call(s, word(name), plainArgument(value, c)),
  },
  getOption: { arity: [1, 1], invoke: (s, [name]) => s.getOption(word(name) as never) },
  setsockopt: {
    arity: [3, 3],
    invoke: (s, [level, name, value], _f, c) => {
      const bytes = value.json && Array.isArray(value.value) ? Buffer.from(value.value as number[]) : undefined;
      return s.setsockopt(constantArgument(level, c), constantArgument(name, c),
        bytes ?? (numberArgument(value, c, 'a value: a number or an array of bytes') as number));
    },
  },
  getsockopt: {
    arity: [2, 3],
    invoke: (s, [level, name, size], _f, c) =>
      s.getsockopt(constantArgument(level, c), constantArgument(name, c), numberArgument(size, c, 'a size')),
  },
  startReading: {
    arity: [0, 1],
    invoke: (s, [size], _f, c) => {
      c.collector(s).start(numberArgument(size, c, 'a size'));
      return s;
    },
  },
  // The script's own: `read N` takes N bytes continuous reading collected
  // (waiting for them), fewer at the end, "" at EOF.
  read: { arity: [1, 1], invoke: (s, [size], _f, c) => c.collector(s).read(numberArgument(size, c, 'a size') as number) },
  // `on EVENT` records the socket's events from now; `next EVENT` gives the next one (waiting for it).
  on: {
    arity: [1, 1],
    invoke: (s, [event], _f, c) => {
      c.events(s, word(event));
      return s;
    },
  },
  next: { arity: [1, 1], invoke: (s, [event], _f, c) => c.events(s, word(event)).next() },
};

/** Other ways of writing a method's name. */
const ALIASES: Record<string, string> = {
  sendto: 'sendTo', recvfrom: 'recvFrom', setopt: 'setOption', getopt: 'getOption',
  atmark: 'atMark', available: 'bytesAvailable', keepalive: 'setKeepAlive',
};

/** The canonical name of a method a script wrote. */
export function canonical(method: string): string {
  return ALIASES[method] ?? method;
}

// Members of a Socket a script may reach beside its prototype's methods.
const FIELDS = new Set(['family', 'type', 'backend', 'writableHighWaterMark']);
// Parts of the prototype that are not for scripts.
const HIDDEN = new Set(['constructor', 'sendMessage', 'messages', 'emit', 'listeners', 'rawListeners',
  'listenerCount', 'eventNames', 'setMaxListeners', 'getMaxListeners']);

/** Whether a Socket (its prototype, `proto`) has this member for scripts. */
export function knownMember(proto: object, method: string): boolean {
  const name = canonical(method);
  if (SPECS[name] !== undefined || FIELDS.has(name)) return true;
  if (HIDDEN.has(name) || name.startsWith('_')) return false;
  // The socket's methods live on its class and on the classes it extends.
  for (let at: object | null = proto; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at)) {
    if (Object.getOwnPropertyDescriptor(at, name) !== undefined) return true;
  }
  return false;
}

/** Checks the arguments of a call as far as can be done before running. */
export function checkArguments(method: string, args: Argument[], line: number): void {
  const spec = SPECS[canonical(method)];
  if (spec === undefined) {
    for (const arg of args) {
      if (!arg.json && !isAddressWord(arg.text)) {
        throw new ScriptError(`${method} takes JSON values (or addresses) as its arguments; ${arg.text} is neither`, line);
      }
    }
    return;
  }
  const { positional } = split(spec, args, line);
  const [min, max] = spec.arity;
  if (positional.length < min || positional.length > max) {
    throw new ScriptError(`${method} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}` +
      `${spec.flags ? ` and the flags ${spec.flags.join(', ')}` : ''}; got ${args.map((a) => a.text).join(' ') || 'none'}`, line);
  }
}

function split(spec: Spec, args: Argument[], line: number): { positional: Argument[]; flags: Map<string, Argument | true> } {
  const positional: Argument[] = [];
  const flags = new Map<string, Argument | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.json && spec.valued?.includes(arg.text)) {
      const value = args[++i];
      if (value === undefined) throw new ScriptError(`${arg.text} needs a value`, line);
      flags.set(arg.text, value);
    } else if (!arg.json && spec.flags?.includes(arg.text)) {
      flags.set(arg.text, true);
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

/** Makes the call (or reads the property) on `socket`. */
export function invoke(socket: Socket, method: string, args: Argument[], context: CallContext): unknown {
  const name = canonical(method);
  const spec = SPECS[name];
  if (spec !== undefined) {
    const { positional, flags } = split(spec, args, context.line);
    return spec.invoke(socket, positional, flags, context);
  }
  const member = (socket as unknown as Record<string, unknown>)[name];
  if (typeof member !== 'function') return member;
  return (member as (...values: unknown[]) => unknown).apply(socket, args.map((arg) => plainArgument(arg, context)));
}
