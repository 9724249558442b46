'use strict';
// ping: ICMP echo over a raw socket (SOCK_RAW, IPPROTO_ICMP), built and
// read by hand as ping(8) does. Raw sockets need privileges: root or
// CAP_NET_RAW on Linux, an administrator on Windows.
//
//   node examples/ping.js [host] [count]      default 127.0.0.1, 3
//
// The stack writes the IP header of what we send (IP_HDRINCL is off); what
// a raw IPv4 socket receives starts with the IP header, whose length is in
// its first byte.
const { Socket, constants } = require('..');

const ECHO_REQUEST = 8;
const ECHO_REPLY = 0;

/** The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum. */
function checksum(bytes) {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += bytes.readUInt16BE(i);
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function echoRequest(id, sequence, payload) {
  const packet = Buffer.alloc(8 + payload.length);
  packet.writeUInt8(ECHO_REQUEST, 0);
  packet.writeUInt8(0, 1);  // code
  packet.writeUInt16BE(id, 4);
  packet.writeUInt16BE(sequence, 6);
  payload.copy(packet, 8);
  packet.writeUInt16BE(checksum(packet), 2);
  return packet;
}

/** The ICMP message inside a datagram of a raw IPv4 socket, or null. */
function icmpOf(datagram) {
  if (datagram.length < 20) return null;
  const headerLength = (datagram[0] & 0x0f) * 4;
  const icmp = datagram.subarray(headerLength);
  if (icmp.length < 8 || checksum(icmp) !== 0) return null;
  return { type: icmp[0], code: icmp[1], id: icmp.readUInt16BE(4), sequence: icmp.readUInt16BE(6), payload: icmp.subarray(8) };
}

/** Sends `count` echo requests to `host`; resolves with one { sequence, ms, ttl } per reply. */
async function ping(host = '127.0.0.1', count = 3, { timeout = 2000 } = {}) {
  const socket = new Socket({ family: 'inet', type: 'raw', protocol: constants.IPPROTO_ICMP });
  const id = process.pid & 0xffff;
  const replies = [];
  try {
    for (let sequence = 1; sequence <= count; sequence++) {
      const payload = Buffer.from(`winsock ping ${sequence}`);
      const sent = performance.now();
      await socket.sendTo(echoRequest(id, sequence, payload), { address: host, port: 0 });
      const signal = AbortSignal.timeout(timeout);
      // The socket sees every ICMP message to this host, our own requests
      // on loopback included: wait for the reply that is ours.
      for (;;) {
        const { data } = await socket.recvFrom(65536, { signal });
        const icmp = icmpOf(data);
        if (icmp === null || icmp.type !== ECHO_REPLY || icmp.id !== id || icmp.sequence !== sequence) continue;
        replies.push({ sequence, ms: performance.now() - sent, ttl: data[8], payload: String(icmp.payload) });
        break;
      }
    }
  } finally {
    socket.close();
  }
  return replies;
}

module.exports = { ping, checksum, echoRequest, icmpOf };

if (require.main === module) {
  const [host = '127.0.0.1', count = '3'] = process.argv.slice(2);
  ping(host, Number(count)).then((replies) => {
    for (const reply of replies) {
      console.log(`reply from ${host}: icmp_seq=${reply.sequence} ttl=${reply.ttl} time=${reply.ms.toFixed(3)} ms`);
    }
  }, (error) => {
    console.error(`ping: ${error.message}`);
    process.exitCode = 1;
  });
}
