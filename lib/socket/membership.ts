// Multicast membership requests: struct ip_mreq and struct ipv6_mreq,
// laid out the same on every platform, for setsockopt(IP_ADD_MEMBERSHIP,
// IPV6_JOIN_GROUP and their opposites).
import { isIPv4, isIPv6 } from 'node:net';

import { constants } from '../native';
import { invalidArgType, invalidArgValue } from '../errors';

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function ipv4Bytes(text: string, name: string): Buffer {
  if (!isIPv4(text)) throw invalidArgValue(name, text, 'must be an IPv4 address');
  return Buffer.from(text.split('.').map(Number));
}

function ipv6Bytes(text: string): Buffer {
  // Multicast groups (ff00::/8) never embed a dotted IPv4 part: refuse it
  // rather than parse it wrongly.
  if (!isIPv6(text) || text.includes('.')) throw invalidArgValue('group', text, 'must be an IPv6 multicast address');
  const [head, tail = ''] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const front = parse(head);
  const back = text.includes('::') ? parse(tail) : [];
  const words = text.includes('::') ? [...front, ...new Array(8 - front.length - back.length).fill(0), ...back] : front;
  const bytes = Buffer.alloc(16);
  words.forEach((word, i) => bytes.writeUInt16BE(word, i * 2));
  return bytes;
}

/** The setsockopt level, option and value that join or leave `group`. */
export function membershipRequest(family: string, action: 'ADD' | 'DROP', group: unknown,
  iface: string | number | undefined): { level: number; name: number; request: Buffer } {
  if (typeof group !== 'string') throw invalidArgType('group', 'of type string', group);
  if (family === 'inet6') {
    // struct ipv6_mreq: the group's 16 bytes, then the interface index.
    const index = iface ?? 0;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 0xffffffff) {
      throw invalidArgType('iface', 'an interface index', iface);
    }
    const request = Buffer.alloc(20);
    ipv6Bytes(group).copy(request, 0);
    if (isLittleEndian) request.writeUInt32LE(index, 16);
    else request.writeUInt32BE(index, 16);
    const name = action === 'ADD'
      ? constants.IPV6_JOIN_GROUP ?? constants.IPV6_ADD_MEMBERSHIP
      : constants.IPV6_LEAVE_GROUP ?? constants.IPV6_DROP_MEMBERSHIP;
    return { level: constants.IPPROTO_IPV6, name, request };
  }
  // struct ip_mreq: the group, then the local interface's address.
  const request = Buffer.alloc(8);
  ipv4Bytes(group, 'group').copy(request, 0);
  if (iface !== undefined && typeof iface !== 'string') throw invalidArgType('iface', 'an IPv4 address string', iface);
  ipv4Bytes(iface ?? '0.0.0.0', 'iface').copy(request, 4);
  return { level: constants.IPPROTO_IP, name: constants[`IP_${action}_MEMBERSHIP`], request };
}
