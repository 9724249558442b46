// `winsock listen` and `winsock connect`: netcat's two ends. Standard input
// goes to the socket and the socket to standard output; at EOF on standard
// input the socket is half-closed and the peer's bytes are still copied
// until its EOF (nc -N). Urgent bytes go to standard error.
import { once } from 'node:events';
import { parseArgs } from 'node:util';

import { IdleReaper, Socket, type SocketAddress, type SocketError } from '../index';
import { addressText, bytesText } from '../trace';
import { resolveHostPort } from './address';
import { CommandLineError } from './errors';
import { printTrace, toStderr } from './trace-printer';
import { CONNECT, LISTEN } from './usage';

/** What the options ask of each connection. */
interface Settings {
  family: 'inet' | 'inet6';
  udp: boolean;
  nodelay: boolean;
  linger0: boolean;
  timeout: number | undefined;
  oobByte: number | undefined;
}

const COMMON = {
  udp: { type: 'boolean' },
  inet6: { type: 'boolean' },
  nodelay: { type: 'boolean' },
  linger0: { type: 'boolean' },
  timeout: { type: 'string' },
  'oob-byte': { type: 'string' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// The most a datagram of standard input carries (IPv4's limit).
const DATAGRAM_MAX = 65507;

function parse<T extends Record<string, { type: 'boolean' | 'string'; short?: string }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CommandLineError((error as Error).message);
  }
}

function milliseconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 0x7fffffff) throw new CommandLineError(`--timeout takes milliseconds, got ${JSON.stringify(text)}`);
  return value;
}

/** --oob-byte X: one character, or 0xNN. */
function oobByte(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^0x[0-9a-f]{1,2}$/i.test(text)) return Number(text);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length !== 1) throw new CommandLineError(`--oob-byte takes one byte (a character, or 0xNN), got ${JSON.stringify(text)}`);
  return bytes[0];
}

function settingsOf(values: Record<string, string | boolean | undefined>): Settings {
  return {
    family: values.inet6 ? 'inet6' : 'inet',
    udp: Boolean(values.udp),
    nodelay: Boolean(values.nodelay),
    linger0: Boolean(values.linger0),
    timeout: milliseconds(values.timeout as string | undefined),
    oobByte: oobByte(values['oob-byte'] as string | undefined),
  };
}

/**
 * Standard input, shared by the connections of `listen --keep`: a read
 * that a connection left waiting is the next connection's first.
 */
class Input {
  readonly #chunks = process.stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  #waiting: Promise<IteratorResult<Buffer>> | null = null;
  #ended = false;

  get ended(): boolean {
    return this.#ended;
  }

  /** The next chunk, or null at EOF. */
  async next(): Promise<Buffer | null> {
    if (this.#ended) return null;
    this.#waiting ??= this.#chunks.next();
    const { done, value } = await this.#waiting;
    this.#waiting = null;
    if (done) this.#ended = true;
    return done ? null : value;
  }

  /** Like next(), or `ended` once it resolves first (nobody will take what next() brings then). */
  nextOr<T>(ended: Promise<T>): Promise<Buffer | null | T> {
    return Promise.race([this.next(), ended]);
  }
}

/** The pieces of a chunk, urgent or not: `abc!def` with --oob-byte ! gives abc, !(oob), def. */
function* pieces(chunk: Buffer, oob: number | undefined): Generator<{ data: Buffer; oob: boolean }> {
  if (oob === undefined) {
    yield { data: chunk, oob: false };
    return;
  }
  let from = 0;
  for (let at = chunk.indexOf(oob); at !== -1; at = chunk.indexOf(oob, from)) {
    if (at > from) yield { data: chunk.subarray(from, at), oob: false };
    yield { data: chunk.subarray(at, at + 1), oob: true };
    from = at + 1;
  }
  if (from < chunk.length) yield { data: chunk.subarray(from), oob: false };
}

const CLOSED = Symbol('closed');

/** Resolves once the socket closed (by us, the idle reaper, or a failure). */
function closing(socket: Socket): Promise<typeof CLOSED> {
  if (socket.state === 'closed') return Promise.resolve(CLOSED);
  return once(socket, 'close').then(() => CLOSED);
}

// Codes with which our own close (linger0, the idle reaper) ends a pending call.
const OUR_CLOSE = new Set(['ERR_SOCKET_CLOSED', 'ERR_SOCKET_IDLE_TIMEOUT']);

/** Socket to standard output until the peer's EOF (a stream) or the close (datagrams). */
async function copyToOutput(socket: Socket, udp: boolean): Promise<void> {
  for (;;) {
    let chunk: Buffer;
    try {
      chunk = await socket.recv();
    } catch (error) {
      if (OUR_CLOSE.has((error as SocketError).code)) return;
      throw error;
    }
    if (chunk.length === 0 && !udp) return;
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
}

/** Standard input to the socket; at its EOF, a half-close (or a reset with --linger0). */
async function copyFromInput(socket: Socket, input: Input, settings: Settings): Promise<void> {
  const closed = closing(socket);
  for (;;) {
    const chunk = await input.nextOr(closed);
    if (chunk === CLOSED) return;
    if (chunk === null) break;
    try {
      for (const piece of pieces(chunk, settings.oobByte)) {
        for (let at = 0; at < piece.data.length; at += settings.udp ? DATAGRAM_MAX : piece.data.length) {
          await socket.send(piece.data.subarray(at, at + (settings.udp ? DATAGRAM_MAX : piece.data.length)), { oob: piece.oob });
        }
      }
    } catch (error) {
      if (OUR_CLOSE.has((error as SocketError).code)) return;
      throw error;
    }
  }
  if (settings.udp || socket.state === 'closed') return;
  if (settings.linger0) {
    socket.setOption('SO_LINGER', { enabled: true, seconds: 0 });
    socket.close();
  } else {
    socket.shutdown('send');
  }
}

/** One connection (or datagram session), both ways, until both are done. */
async function serve(socket: Socket, input: Input, settings: Settings): Promise<void> {
  socket.on('urgent', (byte?: Buffer) => {
    toStderr(byte === undefined ? 'winsock: urgent data, inline (SO_OOBINLINE)' : `winsock: urgent byte ${bytesText(byte)}`);
  });
  let reaper: IdleReaper | undefined;
  if (settings.timeout !== undefined) {
    reaper = new IdleReaper({ timeout: settings.timeout });
    reaper.on('reap', (_socket: Socket, idleMs: number) => {
      toStderr(`winsock: no data either way for ${Math.round(idleMs)} ms: closed`);
    });
    reaper.add(socket);
  }
  try {
    await Promise.all([copyToOutput(socket, settings.udp), copyFromInput(socket, input, settings)]);
  } finally {
    reaper?.close();
    socket.close();
  }
}

function configure(socket: Socket, settings: Settings): void {
  if (settings.nodelay && !settings.udp) socket.setOption('TCP_NODELAY', true);
}

function startTrace(values: { trace?: boolean }): void {
  if (values.trace) printTrace(toStderr);
}

/** `winsock connect [OPTIONS] HOST:PORT` */
export async function connect(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...COMMON, bind: { type: 'string' } } as const);
  if (values.help) {
    process.stdout.write(CONNECT);
    return 0;
  }
  if (positionals.length !== 1) throw new CommandLineError('connect takes one HOST:PORT');
  const settings = settingsOf(values);
  startTrace(values);
  const target = await resolveHostPort(positionals[0], settings.family);
  const local = values.bind === undefined ? undefined : await resolveHostPort(values.bind, settings.family);
  const socket = new Socket({ family: settings.family, type: settings.udp ? 'dgram' : 'stream' });
  try {
    if (local !== undefined) socket.bind(local);
    configure(socket, settings);
    await socket.connect(target, settings.timeout === undefined ? undefined : { timeout: settings.timeout });
  } catch (error) {
    socket.close();
    throw error;
  }
  await serve(socket, new Input(), settings);
  return 0;
}

/** `winsock listen [OPTIONS] [HOST:]PORT` */
export async function listen(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...COMMON, keep: { type: 'boolean' } } as const);
  if (values.help) {
    process.stdout.write(LISTEN);
    return 0;
  }
  if (positionals.length !== 1) throw new CommandLineError('listen takes one [HOST:]PORT');
  const settings = settingsOf(values);
  if (values.keep && settings.udp) throw new CommandLineError('--keep serves one TCP connection after another; --udp has no connections');
  startTrace(values);
  const address = await resolveHostPort(positionals[0], settings.family, settings.family === 'inet6' ? '::' : '0.0.0.0');
  const input = new Input();
  const socket = new Socket({ family: settings.family, type: settings.udp ? 'dgram' : 'stream' });
  try {
    socket.bind(address);
    if (!settings.udp) socket.listen();
  } catch (error) {
    socket.close();
    throw error;
  }
  toStderr(`listening on ${addressText(socket.localAddress())}`);
  if (settings.udp) {
    await serveFirstSender(socket, input, settings);
    return 0;
  }
  try {
    do {
      const connection = await socket.accept();
      if (!values.keep) socket.close();
      toStderr(`connection from ${addressText(connection.remoteAddress())}`);
      configure(connection, settings);
      await serve(connection, input, settings);
    } while (values.keep);
  } finally {
    socket.close();
  }
  return 0;
}

/** listen --udp: the first datagram's sender becomes the peer (connect), as nc -u -l does. */
async function serveFirstSender(socket: Socket, input: Input, settings: Settings): Promise<void> {
  let first: { data: Buffer; address: SocketAddress };
  try {
    first = await socket.recvFrom() as { data: Buffer; address: SocketAddress };
    process.stdout.write(first.data);
    await socket.connect(first.address);
  } catch (error) {
    socket.close();
    throw error;
  }
  toStderr(`datagrams from ${addressText(first.address)}`);
  await serve(socket, input, settings);
}
