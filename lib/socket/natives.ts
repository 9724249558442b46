// The native sockets a Socket is made around: opened (socket(2)), adopted
// after detach(), paired, shared by another process or inherited at the
// process's start. What a socket taken over from elsewhere is (its family,
// type and state) is read from the stack, since nothing came with it.
import { types } from 'node:util';

import { binding, constants } from '../native';
import { invalidArgType, invalidArgValue, optionsObject, outOfRange } from '../errors';
import type { NativeSocket } from '../native';
import { FAMILIES, TYPES, checkFamily, checkType } from './arguments';
import type { Family, SocketOptions, SocketType, TransferredSocket } from './types';
import { type SocketState, isState } from './state';

/** A native socket and what it is: what a Socket is made around. */
export interface Made {
  native: NativeSocket;
  family: Family;
  type: SocketType;
  state: SocketState;
}

/** socket(2) / WSASocketW; a family the platform lacks is left for the stack to refuse. */
export function opened(family: Family, type: SocketType, protocol: unknown): NativeSocket {
  if (typeof protocol !== 'number') throw invalidArgType('options.protocol', 'of type number', protocol);
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0x7fffffff) {
    throw outOfRange('options.protocol', 'an integer >= 0 and <= 2147483647', protocol);
  }
  return new binding.NativeSocket(constants[FAMILIES[family]] ?? -1, constants[TYPES[type]], protocol);
}

type Given = { family?: Family; type?: SocketType; state?: SocketState };

const TYPE_NAMES: Record<number, SocketType> = {
  [constants.SOCK_STREAM]: 'stream',
  [constants.SOCK_DGRAM]: 'dgram',
  [constants.SOCK_RAW]: 'raw',
};

/** share(pid): the process id checked, then WSADuplicateSocketW. */
export function shareOf(native: NativeSocket, pid: unknown): Buffer {
  if (typeof pid !== 'number') throw invalidArgType('pid', 'of type number', pid);
  if (!Number.isInteger(pid) || pid < 0 || pid > 0x7fffffff) throw outOfRange('pid', 'a process id', pid);
  return native.share(pid);
}

/** getsockname, SO_TYPE, SO_ACCEPTCONN and getpeername: what the socket is now. */
export function inferState(native: NativeSocket): { family: Family; type: SocketType; state: SocketState } {
  let family: Family = 'inet';
  let bound = false;
  try {
    const local = native.localAddress();
    if (local.family !== undefined) family = local.family;
    bound = local.family === 'unix' ? local.path !== '' : local.port !== 0;
  } catch { /* unbound on Winsock: getsockname fails with WSAEINVAL */ }
  const type = TYPE_NAMES[native.getsockopt(constants.SOL_SOCKET, constants.SO_TYPE, 4).readInt32LE(0)] ?? 'stream';
  if (native.getsockopt(constants.SOL_SOCKET, constants.SO_ACCEPTCONN, 4).readInt32LE(0) !== 0) {
    return { family, type, state: 'listening' };
  }
  try {
    native.remoteAddress();
    return { family, type, state: 'connected' };
  } catch { /* not connected */ }
  return { family, type, state: bound ? 'bound' : 'created' };
}

/** Socket.adopt: the native socket that detach() gave up, checked. */
export function adopted(transferred: TransferredSocket): Made {
  if (transferred === null || typeof transferred !== 'object' || !types.isArrayBuffer(transferred.transfer)) {
    throw invalidArgType('transferred', 'the result of socket.detach()', transferred);
  }
  const family = checkFamily('transferred.family', transferred.family);
  const type = checkType('transferred.type', transferred.type);
  const { state } = transferred;
  if (!isState(state)) throw invalidArgValue('transferred.state', state, 'must be a socket state');
  return { native: new binding.NativeSocket(transferred.transfer), family, type, state };
}

/** Socket.pair: socketpair(2), or the loopback pair of Winsock. */
export function paired(options: SocketOptions): Made[] {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const family = checkFamily('options.family', options.family ?? (binding.backend === 'winsock' ? 'inet' : 'unix'));
  const type = checkType('options.type', options.type ?? 'stream');
  const protocol = options.protocol ?? 0;
  if (!Number.isInteger(protocol) || protocol < 0) throw outOfRange('options.protocol', 'an integer >= 0', protocol);
  const natives = binding.NativeSocket.pair(constants[FAMILIES[family]] ?? -1, constants[TYPES[type]], protocol);
  return natives.map((native) => ({ native, family, type, state: 'connected' }));
}

/** Socket.fromShare: WSASocketW(FROM_PROTOCOL_INFO) of share()'s bytes. */
export function shared(bytes: unknown, options: Given | undefined): Made {
  if (!types.isUint8Array(bytes)) throw invalidArgType('bytes', 'a Uint8Array (from socket.share())', bytes);
  const given = optionsObject('options', options);
  return takenOver(new binding.NativeSocket('shared', bytes), given);
}

/** Socket.fromDescriptor: a descriptor given at the process's start. */
export function inherited(fd: unknown, options: Given | undefined): Made {
  if (!Number.isInteger(fd) || (fd as number) < 0) throw outOfRange('fd', 'an integer >= 0', fd);
  const given = optionsObject('options', options);
  return takenOver(new binding.NativeSocket('descriptor', fd as number), given);
}

// What the caller did not say is read from the socket itself.
function takenOver(native: NativeSocket, given: Given): Made {
  const known = given.family !== undefined && given.type !== undefined && given.state !== undefined;
  const found = known ? undefined : inferState(native);
  return {
    native,
    family: given.family ?? (found?.family as Family),
    type: given.type ?? (found?.type as SocketType),
    state: given.state ?? (found?.state as SocketState),
  };
}
