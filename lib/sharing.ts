// What a socket taken over from elsewhere (share bytes, an inherited
// descriptor) is: its family, type and state read from the stack, since
// nothing came with it.
import { constants } from './constants';
import { invalidArgType, outOfRange } from './errors';
import type { NativeSocket } from './native';
import type { Family, SocketType } from './socket';
import type { SocketState } from './state';

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
