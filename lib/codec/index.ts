/**
 * Char conversion helpers: packing values, C-struct records and typed
 * messages into bytes and back, for sockets that carry only bytes.
 * @module winsock/codec
 */
export { CodecError } from './errors';
export type { CodecErrorCode } from './errors';
export { pack, unpack, calcsize, packInto, iterUnpack, Struct } from './struct';
export { record } from './record';
export type { RecordType, RecordOptions, FieldType, FieldInfo } from './record';
export { toChar, fromChar } from './text';
export type { CharEncoding, ToCharOptions, FromCharOptions } from './text';
export { MessageRegistry } from './messages';
export type { MessageType, Message } from './messages';
export { FrameDecoder, FRAME_HEADER_SIZE, DEFAULT_MAX_FRAME_SIZE } from './frame';
export type { FrameDecoderOptions } from './frame';
export { sendMessage, messages } from './socket-messages';
export type { MessageSocket, MessagesOptions } from './socket-messages';
