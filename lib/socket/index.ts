// A socket: the Socket class and the parts it is made of (addresses,
// arguments, options, messages, the lifecycle, reading and writing). What
// the rest of lib/ and the package entry take from here.
export { Socket } from './socket';
export type {
  Family, KeepAliveOptions, RecvOptions, SendOptions, SocketOptions, SocketType, TransferredSocket,
} from './types';
export type { AnyAddress, AddressOf, SocketAddress, UnixAddress } from './address';
export type {
  ControlMessage, PacketInfoControl, ReceivedControl, ReceivedDatagram, ReceivedMessage, RecvMsgOptions, RightsControl,
  SendMsgOptions,
} from './message';
export { SocketStateError } from './state';
export type { SocketState } from './state';
export { OPTIONS } from './options';
export type { Linger, OptionName, OptionValues, WritableOptionName } from './options';
