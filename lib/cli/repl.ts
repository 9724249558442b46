// `winsock repl`: an interactive socket lab on node:readline. Every call a
// command makes is shown by the trace as it completes (with its error's
// code, errno and wsaName), every state change as it happens, and data and
// urgent data as they arrive, above the prompt.
import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

import { type Socket, backend, description, underWine } from '../index';
import { type CallMessage, type StateMessage, formatCall, formatState } from '../trace';
import { bytesText, errorText } from '../trace';
import { CommandLineError } from './errors';
import { COMMANDS, CommandError, type Lab } from './repl-commands';
import { ArrivalWatch } from './repl-watch';
import { REPL } from './usage';

const PROMPT = 'winsock> ';

function historyFile(): string | null {
  const named = process.env.WINSOCK_REPL_HISTORY;
  if (named !== undefined) return named === '' ? null : named;
  return path.join(os.homedir(), '.winsock_repl_history');
}

function loadHistory(file: string | null): string[] {
  if (file === null) return [];
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse();
  } catch {
    return [];
  }
}

/** Tab: command names first, then the words a command takes (option names, flags). */
export function complete(line: string): [string[], string] {
  const parts = line.split(/\s+/);
  const last = parts[parts.length - 1];
  const candidates = parts.length <= 1 ? Object.keys(COMMANDS) : COMMANDS[parts[0]]?.words?.() ?? [];
  const hits = candidates.filter((word) => word.startsWith(last) || word.toLowerCase().startsWith(last.toLowerCase()));
  return [hits.length > 0 ? hits : candidates, last];
}

class Session implements Lab {
  current: Socket | null = null;
  listener: Socket | null = null;
  family: 'inet' | 'inet6';
  type: 'stream' | 'dgram';
  watch: ArrivalWatch | null = null;
  readonly #rl: readline.Interface;
  readonly #out: NodeJS.WriteStream;
  readonly #queue: string[] = [];
  readonly #sockets = new Set<Socket>();
  #running: AbortController | null = null;
  #draining = false;
  #interrupts = 0;
  #ended = false;
  #published: unknown[] = [];
  #finished: () => void = () => {};
  readonly finished = new Promise<void>((resolve) => { this.#finished = resolve; });

  constructor(options: { family: 'inet' | 'inet6'; type: 'stream' | 'dgram' }) {
    this.family = options.family;
    this.type = options.type;
    this.#out = process.stdout;
    const file = historyFile();
    this.#rl = readline.createInterface({
      input: process.stdin,
      output: process.stdout,
      prompt: PROMPT,
      completer: complete,
      history: loadHistory(file),
      historySize: 1000,
      removeHistoryDuplicates: true,
      terminal: process.stdin.isTTY && process.stdout.isTTY,
    });
    if (file !== null) {
      this.#rl.on('history', (lines: string[]) => {
        try {
          fs.writeFileSync(file, `${[...lines].reverse().join('\n')}\n`);
        } catch { /* a history we cannot write is no reason to stop */ }
      });
    }
    this.#rl.on('line', (line) => {
      this.#queue.push(line);
      void this.#drain();
    });
    this.#rl.on('SIGINT', () => this.#interrupt());
    this.#rl.on('close', () => {
      this.#ended = true;
      void this.#drain();
    });
    diagnosticsChannel.subscribe('winsock:call', this.#onCall);
    diagnosticsChannel.subscribe('winsock:state', this.#onState);
  }

  #onCall = (message: unknown) => {
    const call = message as CallMessage;
    if (call.error !== undefined) this.#published.push(call.error);
    this.#published.push(call);
    this.print(`  ${formatCall(call)}`);
  };

  #onState = (message: unknown) => this.print(`  ${formatState(message as StateMessage)}`);

  /** A line above the prompt, the line being typed kept as it is. */
  print(line: string): void {
    if (this.#running !== null || !this.#rl.terminal || this.#ended) {
      this.#out.write(`${line}\n`);
      return;
    }
    readline.clearLine(this.#out, 0);
    readline.cursorTo(this.#out, 0);
    this.#out.write(`${line}\n`);
    this.#rl.prompt(true);
  }

  setCurrent(socket: Socket | null): void {
    if (socket !== this.current) {
      this.watch?.stop();
      this.watch = null;
      this.current = socket;
      if (socket === null) return;
      this.#sockets.add(socket);
      if (socket.listenerCount('urgent') === 0) {
        socket.on('urgent', (byte?: Buffer) => this.print(byte === undefined
          ? '<< urgent data, inline (SO_OOBINLINE): it waits in the stream, at the mark'
          : `<< urgent byte ${bytesText(byte)} (recv 1 oob reads it)`));
      }
    }
    // Once connected, what arrives is announced.
    if (socket !== null && this.watch === null && socket.type === 'stream' && socket.state === 'connected') {
      this.watch = new ArrivalWatch(socket, (line) => this.print(line), () => this.#running !== null);
    }
  }

  /** Runs `initial` as if typed, then prompts. */
  start(initial: string[]): void {
    this.print(`winsock repl: backend ${backend} (${description})${underWine ? ' under Wine' : ''}; help lists the commands`);
    this.#queue.push(...initial);
    if (this.#queue.length > 0) void this.#drain();
    else this.#rl.prompt();
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const line = (this.#queue.shift() as string).trim();
        if (line === '') continue;
        if (line === 'quit' || line === 'exit') {
          this.#ended = true;
          this.#queue.length = 0;
          break;
        }
        await this.#execute(line);
      }
    } finally {
      this.#draining = false;
    }
    if (this.#ended) this.#end();
    else this.#rl.prompt();
  }

  async #execute(line: string): Promise<void> {
    const [name] = line.split(/\s+/, 1);
    const rest = line.slice(name.length).trim();
    const command = COMMANDS[name];
    if (command === undefined) {
      this.print(`  unknown command ${name}; help lists them`);
      return;
    }
    this.#interrupts = 0;
    this.#published = [];
    this.#running = new AbortController();
    try {
      const shown = await command.run(this, rest, this.#running.signal);
      // What the trace already showed is not repeated; what no call showed (bytes the
      // urgent watch kept), a decoded option value or a note is.
      if (shown !== undefined && (command.note || !this.#published.some((item) => !(item instanceof Error)))) {
        this.print(`  = ${shown}`);
      }
    } catch (error) {
      if (!this.#published.includes(error)) this.print(`  !! ${error instanceof CommandError ? error.message : errorText(error)}`);
    } finally {
      this.#running = null;
      this.watch?.check();
    }
  }

  #interrupt(): void {
    if (this.#running !== null) {
      this.#running.abort();
      return;
    }
    if (this.#rl.line !== '') {
      this.#rl.write(null, { ctrl: true, name: 'u' });
      return;
    }
    if (++this.#interrupts >= 2) {
      this.#rl.close();
      return;
    }
    this.print('(press Ctrl-C again, Ctrl-D or type quit to leave)');
  }

  #end(): void {
    diagnosticsChannel.unsubscribe('winsock:call', this.#onCall);
    diagnosticsChannel.unsubscribe('winsock:state', this.#onState);
    this.watch?.stop();
    for (const socket of this.#sockets) socket.close();
    this.#rl.close();
    this.#finished();
  }
}

/** `winsock repl [--udp] [--inet6] [connect HOST:PORT | listen [HOST:]PORT]` */
export async function repl(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { udp: { type: 'boolean' }, inet6: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new CommandLineError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(REPL);
    return 0;
  }
  const [verb, where, ...extra] = positionals;
  if (extra.length > 0 || (verb !== undefined && verb !== 'connect' && verb !== 'listen') || (verb === 'connect' && where === undefined)) {
    throw new CommandLineError('repl takes nothing, connect HOST:PORT or listen [HOST:]PORT');
  }
  if (verb === 'listen' && values.udp) throw new CommandLineError('datagram sockets do not listen: start with --udp alone, then bind');
  const session = new Session({ family: values.inet6 ? 'inet6' : 'inet', type: values.udp ? 'dgram' : 'stream' });
  // As if typed: connect; or listen, then accept the first connection.
  const initial = verb === 'connect' ? [`connect ${where}`] : verb === 'listen' ? [`listen ${where ?? '0'}`, 'accept'] : [];
  session.start(initial);
  await session.finished;
  return 0;
}
