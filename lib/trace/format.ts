// Printable forms for the trace: the arguments and results of the addon's
// calls as a person reads them (names for numbers, addresses as HOST:PORT,
// bytes as short text or hex), and the one-line rendering of a message that
// NODE_DEBUG=winsock and the `winsock` command print.
import { constants } from '../native';
import { errorText } from '../errors';

export { errorText } from '../errors';

/** What `winsock:call` publishes: one message per completed call. */
export interface CallMessage {
  /** The socket's trace id: a number per socket, counted from 1 in each thread. */
  id: number;
  /** Its descriptor (SOCKET or fd) when the call started; -1 for one that failed to open. */
  fd: number;
  /** The Berkeley call: 'socket', 'bind', 'listen', 'accept', 'connect', 'send', 'recv', ... */
  call: string;
  /** Its arguments, printable. */
  args: string[];
  /** performance.now() when the call started. */
  start: number;
  /** performance.now() when it completed. */
  end: number;
  /** The result, printable (absent when it failed). */
  result?: string;
  /** The error it failed with (a SocketError, SocketStateError, AbortError, TypeError...). */
  error?: Error;
}

/** What `winsock:state` publishes: one message per state change of a Socket. */
export interface StateMessage {
  /** The socket's trace id, as in {@link CallMessage}. */
  id: number;
  /** Its descriptor (SOCKET or fd); -1 once closed. */
  fd: number;
  /** The state it entered. */
  state: string;
  /** The state it left. */
  previous: string;
  /** performance.now() at the change. */
  time: number;
  /** The Socket itself. */
  socket: object;
}

// The prefixes of each level's option names, to name an option number.
const OPTION_PREFIXES: Record<string, string[]> = {
  SOL_SOCKET: ['SO_'],
  IPPROTO_TCP: ['TCP_'],
  IPPROTO_IP: ['IP_'],
  IPPROTO_IPV6: ['IPV6_'],
};

// Names that share a number with a clearer one (Windows: TCP_KEEPALIVE is TCP_KEEPIDLE).
const PREFERRED = ['TCP_KEEPIDLE', 'IPV6_JOIN_GROUP', 'IPV6_LEAVE_GROUP'];

function nameOf(value: number, prefixes: string[]): string | undefined {
  let found: string | undefined;
  for (const [name, number] of Object.entries(constants)) {
    if (number !== value || !prefixes.some((prefix) => name.startsWith(prefix))) continue;
    if (PREFERRED.includes(name)) return name;
    found ??= name;
  }
  return found;
}

const cache = new Map<string, string>();
function cached(key: string, make: () => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** AF_INET for 2 (the platform's numbers). */
export function familyName(value: number): string {
  return cached(`family ${value}`, () => nameOf(value, ['AF_']) ?? String(value));
}

export function typeName(value: number): string {
  return cached(`type ${value}`, () => nameOf(value, ['SOCK_']) ?? String(value));
}

// Levels in the order they are meant: on Linux SOL_SOCKET is 1, as IPPROTO_ICMP is.
const LEVELS = ['SOL_SOCKET', 'IPPROTO_IP', 'IPPROTO_TCP', 'IPPROTO_IPV6', 'IPPROTO_UDP', 'IPPROTO_RAW', 'IPPROTO_ICMP',
  'IPPROTO_ICMPV6'];

export function levelName(level: number): string {
  return cached(`level ${level}`, () => LEVELS.find((name) => constants[name] === level) ?? String(level));
}

export function optionName(level: number, name: number): string {
  return cached(`option ${level} ${name}`, () => {
    const prefixes = OPTION_PREFIXES[levelName(level)];
    return (prefixes && nameOf(name, prefixes)) ?? String(name);
  });
}

const FLAG_NAMES = ['MSG_OOB', 'MSG_PEEK', 'MSG_WAITALL', 'MSG_DONTROUTE'];

/** 'MSG_OOB|MSG_PEEK' for those bits; '0' for none. */
export function flagsName(flags: number): string {
  if (flags === 0) return '0';
  const names: string[] = [];
  let rest = flags;
  for (const name of FLAG_NAMES) {
    const bit = constants[name];
    if (bit !== undefined && (rest & bit) === bit) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

// Winsock spells shutdown's arguments SD_RECEIVE/SD_SEND/SD_BOTH; its
// constants table has those names only on Windows.
const SHUTDOWN_NAMES = constants.SD_SEND === undefined ? ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'] : ['SD_RECEIVE', 'SD_SEND', 'SD_BOTH'];

/** shutdown(2)'s `how` (Winsock shutdown's SD_*) by name. */
export function shutdownName(how: number): string {
  return SHUTDOWN_NAMES[how] ?? String(how);
}

/** 127.0.0.1:80, [::1]:80, or a Unix path. */
export function addressText(address: unknown): string {
  if (typeof address === 'string') return JSON.stringify(address);
  if (address === null || typeof address !== 'object') return String(address);
  const { address: host, port, path } = address as { address?: string; port?: number; path?: string };
  if (typeof path === 'string') return JSON.stringify(path);
  if (typeof host !== 'string') return '?';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const PREVIEW = 48;

// Text a terminal shows as it is: printable ASCII and the usual whitespace.
function isText(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if ((byte < 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) || byte >= 0x7f) return false;
  }
  return true;
}

/** "abc" for text, <01 ff> for other bytes; long ones shortened, with their length. */
export function bytesText(data: Uint8Array): string {
  const view = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, PREVIEW));
  const more = data.byteLength > PREVIEW ? `... (${data.byteLength} bytes)` : '';
  if (isText(view)) return `${JSON.stringify(view.toString('latin1'))}${more}`;
  return `<${view.toString('hex').replace(/(..)(?!$)/g, '$1 ')}>${more}`;
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

/** `#3 fd 21  connect(127.0.0.1:4000) -> ok  0.41 ms` */
export function formatCall(message: CallMessage): string {
  const outcome = message.error === undefined ? `-> ${message.result}` : `!! ${errorText(message.error)}`;
  return `#${message.id} fd ${message.fd}  ${message.call}(${message.args.join(', ')}) ${outcome}  ${ms(message.end - message.start)} ms`;
}

/** `#3 fd 21  state: connecting => connected` */
export function formatState(message: StateMessage): string {
  return `#${message.id} fd ${message.fd}  state: ${message.previous} => ${message.state}`;
}
