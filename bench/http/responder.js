'use strict';
// The request logic both HTTP servers share, byte for byte: find each whole
// request head (up to the blank line; the benchmark's GETs have no body),
// and answer each with the same fixed response. Pipelined requests that
// arrive in one chunk are answered with one write; a head split across
// chunks is kept until it is whole.
const BODY = 'Hello, world!';
const RESPONSE = Buffer.from(
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\nConnection: keep-alive\r\n\r\n${BODY}`);
const HEAD_END = Buffer.from('\r\n\r\n');
// A head longer than this is an attack or a bug: the connection is dropped.
const MAX_HEAD = 16 * 1024;

/** Returns onChunk(chunk) -> the response bytes for its whole requests (or null), throwing on a head too long. */
function responder() {
  let kept = null;
  return (chunk) => {
    const data = kept === null ? chunk : Buffer.concat([kept, chunk]);
    let count = 0;
    let start = 0;
    for (;;) {
      const end = data.indexOf(HEAD_END, start);
      if (end === -1) break;
      count++;
      start = end + HEAD_END.length;
    }
    kept = start === data.length ? null : Buffer.from(data.subarray(start));
    if (kept !== null && kept.length > MAX_HEAD) throw new Error('request head too long');
    if (count === 0) return null;
    if (count === 1) return RESPONSE;
    const out = Buffer.allocUnsafe(RESPONSE.length * count);
    for (let i = 0; i < count; i++) RESPONSE.copy(out, i * RESPONSE.length);
    return out;
  };
}

module.exports = { responder, RESPONSE };
