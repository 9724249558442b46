// The lifecycle: one table of what each state allows, for stream and for
// datagram sockets, and the message that says what to do instead.
//
//   stream:   created ──bind──▶ bound ──listen──▶ listening ──accept──▶ (new socket: connected)
//                │                 │
//                └────connect──────┴──▶ connecting ──▶ connected ──▶ closed
//                                            └── fails ──▶ closed
//   datagram: created ──bind / sendTo──▶ bound ──connect──▶ connected ──▶ closed
//
// close() is allowed in every state; options and addresses in all but closed.
/** A socket's place in its lifecycle (the diagrams above); `socket.state` and the `'state'` event give it. */
export type SocketState = 'created' | 'bound' | 'listening' | 'connecting' | 'connected' | 'closed';

/** A call the socket's state does not allow, thrown before any system call. */
export class SocketStateError extends Error {
  /** Always `'ERR_SOCKET_STATE'`. */
  readonly code = 'ERR_SOCKET_STATE' as const;
  constructor(
    message: string,
    /** The method refused: `'listen'`, `'send'`, ... */
    readonly operation: string,
    /** The state the socket was in. */
    readonly state: SocketState,
  ) {
    super(message);
    this.name = 'SocketStateError';
  }
}

export type Operation =
  | 'bind' | 'listen' | 'accept' | 'connect'
  | 'send' | 'recv' | 'sendTo' | 'recvFrom' | 'shutdown'
  | 'setOption' | 'getOption' | 'setsockopt' | 'getsockopt' | 'setKeepAlive'
  | 'localAddress' | 'remoteAddress' | 'atMark' | 'bytesAvailable' | 'read' | 'detach'
  | 'sendMsg' | 'recvMsg';

export type Kind = 'stream' | 'datagram';

const STATES: ReadonlySet<string> = new Set<SocketState>(['created', 'bound', 'listening', 'connecting', 'connected', 'closed']);

/** Whether a value names a state (a transferred socket's, say). */
export function isState(value: unknown): value is SocketState {
  return typeof value === 'string' && STATES.has(value);
}

const EVERYWHERE: Operation[] = [
  'setOption', 'getOption', 'setsockopt', 'getsockopt', 'setKeepAlive',
  'localAddress', 'remoteAddress', 'atMark', 'bytesAvailable',
];

/** What each state allows: the lifecycle table of the API contract. */
export const ALLOWED: Record<Kind, Record<SocketState, ReadonlySet<Operation>>> = {
  stream: {
    created: new Set<Operation>(['bind', 'connect', 'detach', ...EVERYWHERE]),
    bound: new Set<Operation>(['listen', 'connect', 'detach', ...EVERYWHERE]),
    listening: new Set<Operation>(['accept', 'detach', ...EVERYWHERE]),
    connecting: new Set<Operation>(EVERYWHERE),
    connected: new Set<Operation>(['send', 'recv', 'sendMsg', 'recvMsg', 'shutdown', 'read', 'detach', ...EVERYWHERE]),
    closed: new Set<Operation>(),
  },
  datagram: {
    created: new Set<Operation>(['bind', 'connect', 'sendTo', 'sendMsg', 'detach', ...EVERYWHERE]),
    bound: new Set<Operation>(['connect', 'sendTo', 'recvFrom', 'sendMsg', 'recvMsg', 'send', 'recv', 'read', 'detach', ...EVERYWHERE]),
    listening: new Set<Operation>(),
    connecting: new Set<Operation>(EVERYWHERE),
    connected: new Set<Operation>(['connect', 'sendTo', 'recvFrom', 'sendMsg', 'recvMsg', 'send', 'recv', 'shutdown', 'read', 'detach', ...EVERYWHERE]),
    closed: new Set<Operation>(),
  },
};

/** The state an allowed operation leads to (where it changes the state). */
export const NEXT: Partial<Record<Operation, Partial<Record<SocketState, SocketState>>>> = {
  bind: { created: 'bound' },
  listen: { bound: 'listening' },
  connect: { created: 'connecting', bound: 'connecting', connected: 'connecting' },
  sendTo: { created: 'bound' },
  sendMsg: { created: 'bound' },
};

function hint(operation: Operation, state: SocketState, kind: Kind): string {
  if (state === 'closed') return 'it is closed';
  if (state === 'connecting') return 'wait for connect() to finish';
  switch (operation) {
    case 'listen':
      if (kind === 'datagram') return 'only stream sockets listen';
      return state === 'created' ? 'bind() it first' : 'it is already past listening';
    case 'accept':
      if (kind === 'datagram') return 'only stream sockets accept';
      return state === 'created' || state === 'bound' ? 'listen() first' : 'accept() on the listening socket';
    case 'bind':
      return 'it is already bound';
    case 'connect':
      return state === 'listening' ? 'a listening socket cannot connect; make another socket' : 'it is already connected';
    case 'send':
    case 'recv':
    case 'shutdown':
    case 'read':
      if (state === 'listening') return 'accept() a connection and use that socket';
      return kind === 'datagram' ? 'connect() it first, or use sendTo()/recvFrom()' : 'connect() it first';
    case 'recvMsg':
      return kind === 'datagram' ? 'bind() it first, or sendTo() first' : 'connect() it first';
    case 'sendMsg':
      return kind === 'datagram' ? 'it cannot send in this state' : 'connect() it first';
    case 'recvFrom':
      return kind === 'datagram' ? 'bind() it first, or sendTo() first' : 'stream sockets use recv()';
    case 'sendTo':
      return kind === 'datagram' ? 'it cannot send in this state' : 'stream sockets use send()';
    default:
      return 'this state does not allow it';
  }
}

const OPERATIONS: Operation[] = [
  'bind', 'listen', 'accept', 'connect', 'send', 'recv', 'sendTo', 'recvFrom', 'shutdown',
  'setOption', 'getOption', 'setsockopt', 'getsockopt', 'setKeepAlive',
  'localAddress', 'remoteAddress', 'atMark', 'bytesAvailable', 'read', 'detach',
  'sendMsg', 'recvMsg',
];

/** One bit per operation, for a check as cheap as a bitwise and on hot paths. */
export const OPERATION_BIT = Object.fromEntries(OPERATIONS.map((op, i) => [op, 1 << i])) as Record<Operation, number>;

/** ALLOWED[kind][state] as a mask of OPERATION_BIT. */
export function allowedMask(kind: Kind, state: SocketState): number {
  let mask = 0;
  for (const operation of ALLOWED[kind][state]) mask |= OPERATION_BIT[operation];
  return mask;
}

/** Throws a SocketStateError unless the state allows the operation. */
export function check(kind: Kind, state: SocketState, operation: Operation): void {
  if (ALLOWED[kind][state].has(operation)) return;
  throw new SocketStateError(
    `cannot ${operation}() a socket in state '${state}'; ${hint(operation, state, kind)}`,
    operation,
    state,
  );
}
