// The REPL's commands: each works on the lab's current socket, and each
// call it makes is shown by the trace as it completes. A command returns
// what to show besides (a decoded option value, bytes the urgent watch
// kept), or nothing.
import { Socket, type OptionName } from '../index';
import { OPTIONS } from '../socket';
import { untraced } from '../trace';
import { addressText, bytesText } from '../trace';
import { resolveHostPort } from './address';
import type { ArrivalWatch } from './repl-watch';

/** What the commands need of the lab. */
export interface Lab {
  /** The socket the commands work on (accepting sets it to the new connection). */
  current: Socket | null;
  /** The listening socket, kept for more accepts. */
  listener: Socket | null;
  family: 'inet' | 'inet6';
  type: 'stream' | 'dgram';
  watch: ArrivalWatch | null;
  setCurrent(socket: Socket | null): void;
  print(line: string): void;
}

/** A mistake in a command line: shown, nothing called. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export interface Command {
  usage: string;
  summary: string;
  /** Words Tab offers after the command. */
  words?: () => string[];
  /** What it returns is a note or a decoded value, shown even when the trace showed the call. */
  note?: boolean;
  run(lab: Lab, rest: string, signal: AbortSignal): Promise<string | void> | string | void;
}

function current(lab: Lab): Socket {
  if (lab.current === null) throw new CommandError('no socket: make one with socket, connect or listen');
  return lab.current;
}

/** Text as typed, or a JSON string ("line\r\n") for escapes. */
function text(rest: string): string {
  if (!rest.startsWith('"')) return rest;
  try {
    const value = JSON.parse(rest);
    if (typeof value === 'string') return value;
  } catch { /* not JSON: the text as typed */ }
  throw new CommandError(`a text starting with " is a JSON string; ${rest} is not one`);
}

function words(rest: string): string[] {
  return rest.split(/\s+/).filter(Boolean);
}

function number(word: string | undefined, what: string): number | undefined {
  if (word === undefined) return undefined;
  if (!/^\d+$/.test(word)) throw new CommandError(`${what} is a number, not ${word}`);
  return Number(word);
}

/** on/off/true/false, a number, or any JSON value ({"enabled":true,"seconds":0}). */
function optionValue(rest: string): unknown {
  if (rest === 'on') return true;
  if (rest === 'off') return false;
  try {
    return JSON.parse(rest);
  } catch {
    throw new CommandError(`an option value is on, off, a number or JSON; got ${rest}`);
  }
}

function optionName(word: string | undefined): OptionName {
  const name = word?.toUpperCase();
  if (name === undefined || !Object.prototype.hasOwnProperty.call(OPTIONS, name)) {
    throw new CommandError(`options are ${Object.keys(OPTIONS).join(', ')}`);
  }
  return name as OptionName;
}

const RECV_FLAGS = ['peek', 'waitall', 'oob'];

function recvOptions(flags: string[], signal: AbortSignal) {
  for (const flag of flags) if (!RECV_FLAGS.includes(flag)) throw new CommandError(`recv's flags are ${RECV_FLAGS.join(', ')}`);
  return { peek: flags.includes('peek'), waitAll: flags.includes('waitall'), oob: flags.includes('oob'), signal };
}

/** A fresh socket of the lab's kind as the current one, unless the current one can still connect. */
function connectable(lab: Lab): Socket {
  const socket = lab.current;
  if (socket !== null && (socket.state === 'created' || socket.state === 'bound' || socket.type === 'dgram')) return socket;
  const fresh = new Socket({ family: lab.family, type: lab.type });
  lab.setCurrent(fresh);
  return fresh;
}

export const COMMANDS: Record<string, Command> = {
  socket: {
    usage: 'socket [stream|dgram] [inet|inet6]',
    summary: 'a new socket, the current one from now on (socket() / WSASocketW)',
    words: () => ['stream', 'dgram', 'inet', 'inet6'],
    run(lab, rest) {
      for (const word of words(rest)) {
        if (word === 'stream' || word === 'dgram') lab.type = word;
        else if (word === 'inet' || word === 'inet6') lab.family = word;
        else throw new CommandError('socket takes stream or dgram, inet or inet6');
      }
      lab.setCurrent(new Socket({ family: lab.family, type: lab.type }));
    },
  },
  bind: {
    usage: 'bind HOST:PORT',
    summary: 'bind the current socket (port 0 picks one)',
    async run(lab, rest) {
      const address = await resolveHostPort(rest.trim(), lab.family);
      current(lab).bind(address);
    },
  },
  listen: {
    note: true,
    usage: 'listen [[HOST:]PORT] [BACKLOG]',
    summary: 'listen on the current socket (bound first to HOST:PORT if given); accept then takes a connection',
    async run(lab, rest) {
      const [first, second] = words(rest);
      let socket = lab.current;
      const unbound = socket === null || socket.state === 'created';
      // A first word is where to bind while the socket is unbound (a port alone
      // too), and the backlog once it is bound.
      let backlog = first;
      if (first !== undefined && (unbound || !/^\d+$/.test(first))) {
        socket = socket !== null && socket.state === 'created' ? socket : connectable(lab);
        socket.bind(await resolveHostPort(first, lab.family, lab.family === 'inet6' ? '::' : '0.0.0.0'));
        backlog = second;
      }
      socket = current(lab);
      socket.listen(number(backlog, 'the backlog'));
      lab.listener = socket;
      return `listening on ${addressText(socket.localAddress())}; accept takes a connection`;
    },
  },
  accept: {
    note: true,
    usage: 'accept',
    summary: 'wait for a connection on the listening socket; it becomes the current socket (Ctrl-C stops waiting)',
    async run(lab, _rest, signal) {
      const listener = lab.listener ?? current(lab);
      const connection = await listener.accept({ signal });
      lab.setCurrent(connection);
      return `a connection from ${addressText(connection.remoteAddress())}: the current socket now`;
    },
  },
  connect: {
    usage: 'connect HOST:PORT [TIMEOUT_MS]',
    summary: 'connect the current socket, or a new one (Ctrl-C gives up)',
    async run(lab, rest, signal) {
      const [where, timeout] = words(rest);
      if (where === undefined) throw new CommandError('connect takes HOST:PORT');
      const address = await resolveHostPort(where, lab.family);
      const socket = connectable(lab);
      const ms = number(timeout, 'the timeout');
      await socket.connect(address, { signal, ...(ms === undefined ? {} : { timeout: ms }) });
      lab.setCurrent(socket);
    },
  },
  send: {
    usage: 'send TEXT',
    summary: 'send TEXT as it is typed, or a JSON string ("GET /\\r\\n\\r\\n")',
    async run(lab, rest) {
      await current(lab).send(text(rest));
    },
  },
  oob: {
    usage: 'oob BYTE',
    summary: 'send one byte (a character, or 0xNN) as urgent data (MSG_OOB)',
    async run(lab, rest) {
      const word = rest.trim();
      const bytes = /^0x[0-9a-f]{1,2}$/i.test(word) ? Buffer.of(Number(word)) : Buffer.from(word, 'utf8');
      if (bytes.length !== 1) throw new CommandError('oob takes one byte: a character, or 0xNN');
      await current(lab).send(bytes, { oob: true });
    },
  },
  recv: {
    usage: 'recv [N] [peek] [waitall] [oob]',
    summary: 'receive up to N bytes (65536); oob reads urgent data (Ctrl-C stops waiting)',
    words: () => RECV_FLAGS,
    async run(lab, rest, signal) {
      const [first, ...others] = words(rest);
      const size = first !== undefined && /^\d+$/.test(first) ? Number(first) : undefined;
      const flags = size === undefined && first !== undefined ? [first, ...others] : others;
      const options = recvOptions(flags, signal);
      const data = await current(lab).recv(size ?? 65536, options);
      if (!options.peek && !options.oob) lab.watch?.consumed(data.length);
      if (data.length === 0 && !options.oob) return 'EOF: the peer sends nothing more';
      return `${data.length} ${bytesText(data)}`;
    },
  },
  sendto: {
    usage: 'sendto HOST:PORT TEXT',
    summary: 'send one datagram to HOST:PORT',
    async run(lab, rest) {
      const [where] = words(rest);
      if (where === undefined) throw new CommandError('sendto takes HOST:PORT and the text');
      const address = await resolveHostPort(where, lab.family);
      const socket = lab.current ?? connectable(lab);
      await socket.sendTo(text(rest.trim().slice(where.length).trimStart()), address);
    },
  },
  recvfrom: {
    usage: 'recvfrom [N] [peek]',
    summary: 'receive one datagram, and its sender (Ctrl-C stops waiting)',
    words: () => ['peek'],
    async run(lab, rest, signal) {
      const [first, ...others] = words(rest);
      const size = first !== undefined && /^\d+$/.test(first) ? Number(first) : undefined;
      const flags = size === undefined && first !== undefined ? [first, ...others] : others;
      const { data, address, truncated } = await current(lab).recvFrom(size ?? 65536, recvOptions(flags, signal));
      return `${data.length} ${bytesText(data)} from ${addressText(address)}${truncated ? ' (truncated)' : ''}`;
    },
  },
  shutdown: {
    usage: 'shutdown send|receive|both',
    summary: 'half-close: send (the peer reads EOF), receive, or both',
    words: () => ['send', 'receive', 'both'],
    run(lab, rest) {
      const how = rest.trim() || 'send';
      if (how !== 'send' && how !== 'receive' && how !== 'both') throw new CommandError('shutdown takes send, receive or both');
      current(lab).shutdown(how);
    },
  },
  setopt: {
    usage: 'setopt NAME VALUE',
    summary: 'set a typed option: on/off, a number, or JSON ({"enabled":true,"seconds":0})',
    words: () => Object.keys(OPTIONS),
    run(lab, rest) {
      const [name] = words(rest);
      // A name typed at run time: setOption checks it (read-only ones are refused there).
      const setOption = current(lab).setOption as (name: string, value: unknown) => Socket;
      setOption.call(current(lab), optionName(name), optionValue(rest.trim().slice(name.length).trim()));
    },
  },
  getopt: {
    note: true,
    usage: 'getopt NAME',
    summary: 'read a typed option',
    words: () => Object.keys(OPTIONS),
    run(lab, rest) {
      return JSON.stringify(current(lab).getOption(optionName(words(rest)[0])));
    },
  },
  options: {
    usage: 'options',
    summary: 'every typed option and its value on the current socket',
    run(lab) {
      const socket = current(lab);
      const width = Math.max(...Object.keys(OPTIONS).map((name) => name.length));
      for (const name of Object.keys(OPTIONS)) {
        let value: string;
        try {
          value = JSON.stringify(untraced(() => socket.getOption(name as OptionName)));
        } catch (error) {
          value = `(${(error as { code?: string }).code ?? String(error)})`;
        }
        lab.print(`  ${name.padEnd(width)}  ${value}`);
      }
    },
  },
  state: {
    usage: 'state',
    summary: 'the current socket: state, readable, writable, fd, addresses',
    run(lab) {
      const socket = current(lab);
      const address = (read: () => unknown) => {
        try {
          return addressText(untraced(read));
        } catch (error) {
          return `(${(error as { code?: string }).code ?? 'none'})`;
        }
      };
      lab.print(`  ${socket.type} ${socket.family}, fd ${socket.fd}, state ${socket.state}, ` +
        `readable ${socket.readable}, writable ${socket.writable}`);
      if (socket.state !== 'closed') {
        lab.print(`  local ${address(() => socket.localAddress())}, remote ${address(() => socket.remoteAddress())}`);
      }
    },
  },
  atmark: {
    usage: 'atmark',
    summary: 'is the read position at the urgent mark? (SIOCATMARK)',
    run(lab) {
      return String(current(lab).atMark());
    },
  },
  available: {
    usage: 'available',
    summary: 'bytes ready to read (FIONREAD)',
    run(lab) {
      return String(current(lab).bytesAvailable());
    },
  },
  linger0: {
    note: true,
    usage: 'linger0',
    summary: 'SO_LINGER {on, 0 s}: close then resets the connection (RST) instead of closing it',
    run(lab) {
      current(lab).setOption('SO_LINGER', { enabled: true, seconds: 0 });
      return 'close now resets the connection';
    },
  },
  close: {
    note: true,
    usage: 'close',
    summary: 'close the current socket (the listening one then becomes current, if there is one)',
    run(lab) {
      const socket = current(lab);
      socket.close();
      if (lab.listener === socket) lab.listener = null;
      // The closed socket stays current (state says so), unless one still listens.
      if (lab.listener === null) return undefined;
      lab.setCurrent(lab.listener);
      return `the listening socket (fd ${lab.listener.fd}) is the current one`;
    },
  },
  help: {
    usage: 'help [COMMAND]',
    summary: 'the commands, or one of them',
    words: () => Object.keys(COMMANDS),
    run(lab, rest) {
      const one = COMMANDS[rest.trim()];
      const list = one !== undefined ? [one] : Object.values(COMMANDS);
      const width = Math.max(...list.map((command) => command.usage.length));
      for (const command of list) lab.print(`  ${command.usage.padEnd(width)}  ${command.summary}`);
    },
  },
  quit: {
    usage: 'quit',
    summary: 'close every socket and leave (Ctrl-D does too)',
    run() {
      // The lab ends when the command has run (repl.ts).
    },
  },
};
