// Runs one script: its steps in order, each awaited before the next unless
// it runs in the background (&), each checked against the expectation that
// applies on this backend. Every socket the script made is closed at the end.
import { Socket, backend, underWine } from '../../index';
import { addressText } from '../../trace';
import { type CallContext, invoke } from './calls';
import { ReadCollector, RecordedEvents } from './collect';
import { type Expectation, type Step, parseScript } from './parse';
import type { Reporter, StepReport, Summary } from './report';
import { ScriptError } from './tokens';
import { matches, show } from './values';

export interface RunOptions {
  /** The longest a step (or a wait) may take, in ms. */
  timeout: number;
  reporter: Reporter;
}

interface Outcome {
  value?: unknown;
  error?: Error;
  ms: number;
}

// What each `on` qualifier means here: the specific ones win over the general ones.
const SPECIFIC: Record<string, boolean> = {
  wine: backend === 'winsock' && underWine,
  windows: backend === 'winsock' && !underWine,
  linux: backend === 'posix' && process.platform === 'linux',
  darwin: backend === 'posix' && process.platform === 'darwin',
  freebsd: backend === 'posix' && process.platform === 'freebsd',
};
const GENERAL: Record<string, boolean> = { posix: backend === 'posix', winsock: backend === 'winsock' };

/** The expectation of a step that applies on this backend, if any. */
export function applicable(expectations: Expectation[]): Expectation | undefined {
  return expectations.find((e) => e.on !== undefined && SPECIFIC[e.on]) ??
    expectations.find((e) => e.on !== undefined && GENERAL[e.on]) ??
    expectations.find((e) => e.on === undefined);
}

function codeMatches(codes: string[], error: Error): boolean {
  const { code, errno, wsaName } = error as Error & { code?: string; errno?: number; wsaName?: string };
  return codes.some((wanted) => wanted === code || wanted === wsaName || wanted === String(errno));
}

const TIMED_OUT = Symbol('timed out');

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(resolve, ms, TIMED_OUT); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The running script's names, sockets and background steps. */
class Run {
  readonly sockets = new Map<string, Socket>();
  readonly values = new Map<string, unknown>();
  /** Names a background step will give, and that step's line. */
  readonly pending = new Map<string, number>();
  readonly made: Socket[] = [];
  readonly states = new Map<Socket, string[]>();
  readonly collectors = new Map<Socket, ReadCollector>();
  readonly events = new Map<Socket, Map<string, RecordedEvents>>();
  /** Each socket's last background step, and all of them. */
  readonly lastBackground = new Map<string, Promise<void>>();
  readonly background: Promise<void>[] = [];
  passed = 0;
  failed = 0;
  scriptError: ScriptError | null = null;
  tearingDown = false;

  constructor(readonly file: string, readonly options: RunOptions) {}

  socket(name: string, line: number): Socket {
    const pendingLine = this.pending.get(name);
    if (pendingLine !== undefined) {
      throw new ScriptError(`${name} is not there yet: line ${pendingLine} makes it in the background (wait for it first)`, line);
    }
    const socket = this.sockets.get(name);
    if (socket === undefined) throw new ScriptError(`${name} is not a socket`, line);
    return socket;
  }

  track(socket: Socket): void {
    if (this.states.has(socket)) return;
    this.made.push(socket);
    this.states.set(socket, []);
    socket.on('state', (next: string, previous: string) => this.states.get(socket)?.push(`${previous} => ${next}`));
  }

  define(name: string, value: unknown): void {
    this.pending.delete(name);
    if (value instanceof Socket) {
      this.track(value);
      this.sockets.set(name, value);
      this.values.delete(name);
    } else {
      this.values.set(name, value);
      this.sockets.delete(name);
    }
  }

  addressOf(name: string, line: number): unknown {
    if (this.pending.has(name)) this.socket(name, line);
    const socket = this.sockets.get(name);
    if (socket !== undefined) return socket.localAddress();
    // A named address (localAddress), or a result that holds one (recvFrom's sender).
    const value = this.values.get(name) as { address?: unknown; port?: unknown } | undefined;
    if (value !== null && typeof value === 'object') {
      if (typeof value.address === 'string' && typeof value.port === 'number') return value;
      if (value.address !== null && typeof value.address === 'object') return value.address;
    }
    throw new ScriptError(`@${name}: ${name} is neither a socket nor a value with an address`, line);
  }

  context(line: number): CallContext {
    return {
      line,
      addressOf: (name) => this.addressOf(name, line),
      collector: (socket) => {
        let collector = this.collectors.get(socket);
        if (collector === undefined) this.collectors.set(socket, collector = new ReadCollector(socket));
        return collector;
      },
      events: (socket, event) => {
        const byEvent = this.events.get(socket) ?? new Map<string, RecordedEvents>();
        this.events.set(socket, byEvent);
        let recorded = byEvent.get(event);
        if (recorded === undefined) byEvent.set(event, recorded = new RecordedEvents(socket, event));
        return recorded;
      },
    };
  }

  /** Runs a step's call; a ScriptError (a mistake in the script) escapes, the call's own error is the outcome. */
  async execute(step: Step): Promise<Outcome> {
    const start = performance.now();
    const done = (outcome: { value?: unknown; error?: Error }): Outcome => ({ ...outcome, ms: performance.now() - start });
    let target: Socket | undefined;
    let call: () => unknown;
    if (step.kind === 'socket') {
      call = () => new Socket(step.options as never);
    } else if (step.kind === 'adopt') {
      const transferred = this.values.get(step.from);
      if (transferred === undefined) throw new ScriptError(`${step.from} holds nothing detach gave`, step.line);
      call = () => Socket.adopt(transferred as never);
    } else if (step.kind === 'call') {
      const socket = this.socket(step.target, step.line);
      target = socket;
      const context = this.context(step.line);
      call = () => invoke(socket, step.method, step.args, context);
    } else {
      throw new ScriptError('wait is not a call', step.line);
    }
    try {
      let value = call();
      if (value instanceof Promise) value = await value;
      // Methods that return the socket itself (bind, listen, setOption...) show "ok".
      return done({ value: value === target ? undefined : value });
    } catch (error) {
      if (error instanceof ScriptError) throw error;
      return done({ error: error as Error });
    }
  }

  /** Checks an outcome against the step's expectation and reports the line. */
  finish(step: Step, outcome: Outcome, reason?: string): void {
    if (step.name !== undefined && outcome.error === undefined) this.define(step.name, outcome.value);
    const expectation = applicable(step.expectations);
    let status: StepReport['status'];
    let why = reason;
    const resolve = (name: string) => addressText(this.addressOf(name, step.line));
    if (reason !== undefined) {
      status = 'FAIL';
    } else if (expectation === undefined) {
      if (outcome.error === undefined) status = 'ok';
      else if (this.tearingDown && (outcome.error as { code?: string }).code === 'ERR_SOCKET_CLOSED') status = 'left';
      else {
        status = 'FAIL';
        why = 'it failed, and nothing says it may';
      }
    } else if (expectation.kind === 'any') {
      status = 'ok';
    } else if (expectation.kind === 'value') {
      status = outcome.error === undefined && matches(expectation.value, outcome.value, resolve) ? 'pass' : 'FAIL';
      if (status === 'FAIL') why = `expected ${expectation.text}`;
    } else {
      status = outcome.error !== undefined && codeMatches(expectation.codes ?? [], outcome.error) ? 'pass' : 'FAIL';
      if (status === 'FAIL') why = outcome.error === undefined ? `expected ${expectation.text}, but it succeeded` : `expected ${expectation.text}`;
    }
    if (status === 'FAIL') this.failed++;
    else if (status !== 'left') this.passed++;
    const states: string[] = [];
    for (const socket of new Set([step.kind === 'call' ? this.sockets.get(step.target) : undefined, outcome.value])) {
      if (socket instanceof Socket) states.push(...(this.states.get(socket)?.splice(0) ?? []));
    }
    this.options.reporter.step({
      file: this.file, line: step.line, source: step.source, background: step.background, status,
      result: outcome.value, shown: show(outcome.value), ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(expectation === undefined ? {} : { expected: expectation.text }), ...(why === undefined ? {} : { reason: why }),
      states, ms: outcome.ms,
    });
  }

  /** Starts a background step: its line is reported when it completes. */
  startBackground(step: Step & { kind: 'call' }): void {
    if (step.name !== undefined) this.pending.set(step.name, step.line);
    const running = this.execute(step).then((outcome) => this.finish(step, outcome), (error: unknown) => {
      if (step.name !== undefined) this.pending.delete(step.name);
      this.scriptError ??= error instanceof ScriptError ? error : new ScriptError(String(error), step.line);
    });
    this.lastBackground.set(step.target, running);
    this.background.push(running);
  }

  async wait(step: Step & { kind: 'wait' }): Promise<boolean> {
    const start = performance.now();
    const waited = step.target === undefined ? Promise.all(this.background) : this.lastBackground.get(step.target);
    const result = await within(Promise.resolve(waited), this.options.timeout);
    if (result === TIMED_OUT) {
      this.finish(step, { ms: performance.now() - start }, `nothing completed within ${this.options.timeout} ms`);
      return false;
    }
    this.finish(step, { ms: performance.now() - start });
    return true;
  }

  /** Closes every socket the script made; background steps still running then end. */
  async teardown(): Promise<void> {
    this.tearingDown = true;
    for (const socket of this.made.reverse()) socket.close();
    await within(Promise.all(this.background), this.options.timeout);
  }
}

/** Runs a script's text; the summary says how it went. */
export async function runScript(file: string, text: string, options: RunOptions): Promise<Summary> {
  const { reporter } = options;
  let steps: Step[];
  try {
    steps = parseScript(text, Socket.prototype);
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    reporter.scriptError(file, error.line, error.message);
    return { file, passed: 0, failed: 0, exit: 2, error: error.message };
  }
  reporter.heading(file);
  const run = new Run(file, options);
  try {
    for (const step of steps) {
      if (run.scriptError !== null) break;
      if (step.kind === 'wait') {
        if (!(await run.wait(step))) break;
        continue;
      }
      if (step.background && step.kind === 'call') {
        run.startBackground(step);
        continue;
      }
      const outcome = await within(run.execute(step), options.timeout);
      if (outcome === TIMED_OUT) {
        run.finish(step, { ms: options.timeout }, `it did not complete within ${options.timeout} ms; the script stops here`);
        break;
      }
      run.finish(step, outcome);
    }
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    run.scriptError = error;
  } finally {
    await run.teardown();
  }
  if (run.scriptError !== null) {
    reporter.scriptError(file, run.scriptError.line, run.scriptError.message);
    return { file, passed: run.passed, failed: run.failed, exit: 2, error: run.scriptError.message };
  }
  const summary: Summary = { file, passed: run.passed, failed: run.failed, exit: run.failed > 0 ? 1 : 0 };
  reporter.summary(summary);
  return summary;
}
