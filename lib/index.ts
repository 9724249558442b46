// winsock: the Berkeley socket API for Node.js.
export { Socket } from './socket';
export type {
  Family, SocketType, SocketOptions, SendOptions, RecvOptions, KeepAliveOptions, TransferredSocket,
} from './socket';
export type {
  ControlMessage, RightsControl, PacketInfoControl, SendMsgOptions, RecvMsgOptions, ReceivedControl, ReceivedMessage,
} from './message';
export type { SocketAddress, UnixAddress, AnyAddress } from './address';
export type { SocketState } from './state';
export type { OptionName, OptionValues, WritableOptionName, Linger } from './options';
export { SocketError, SocketStateError, AbortError, UsageError } from './errors';
export type { UsageErrorCode } from './errors';
export { constants, backend, description, engine, engineFallback, underWine } from './constants';
export * as codec from './codec';
export { IdleReaper } from './reaper';
export type { IdleReaperOptions, IdleKind } from './reaper';
export { SocketChannel, forkWithChannel } from './handover';
export type { ReceivedSocket } from './handover';
export { Server, createServer } from './server';
export type { ServerOptions, ConnectionHandler, CloseOptions, WorkerExit, ChildExit } from './server';
export { formatCall, formatState } from './trace';
export type { CallMessage, StateMessage } from './trace';
