// Servers: createServer over a listening Socket, its worker threads and
// child processes, the idle reaper that closes quiet connections, and the
// channel that hands sockets to another process.
export { Server, createServer } from './server';
export type { CloseOptions, ConnectionHandler, ServerOptions } from './server';
export type { ChildExit, WorkerExit } from './types';
export { IdleReaper } from './reaper';
export type { IdleKind, IdleReaperOptions } from './reaper';
export { SocketChannel, forkWithChannel } from './handover';
export type { ReceivedSocket } from './handover';
