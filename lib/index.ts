/**
 * winsock: the Berkeley socket API for Node.js (Winsock 2 on Windows, BSD
 * sockets on Linux and macOS). The package's public surface, taken from each
 * part's entry file; `winsock/codec` is also `codec` here.
 * @module winsock
 */
export { Socket, SocketStateError } from './socket';
export type {
  Family, SocketType, SocketOptions, SendOptions, RecvOptions, KeepAliveOptions, TransferredSocket,
  ControlMessage, RightsControl, PacketInfoControl, SendMsgOptions, RecvMsgOptions, ReceivedControl, ReceivedDatagram,
  ReceivedMessage,
  SocketAddress, UnixAddress, AnyAddress, SocketState, OptionName, OptionValues, WritableOptionName, Linger,
} from './socket';
export { SocketError, AbortError, UsageError } from './errors';
export type { UsageErrorCode } from './errors';
export { constants, backend, description, engine, engineFallback, underWine } from './native';
export * as codec from './codec';
export { Server, createServer, IdleReaper, SocketChannel, forkWithChannel } from './server';
export type {
  ServerOptions, ConnectionHandler, CloseOptions, WorkerExit, ChildExit, IdleReaperOptions, IdleKind, ReceivedSocket,
} from './server';
export { formatCall, formatState } from './trace';
export type { CallMessage, StateMessage } from './trace';
