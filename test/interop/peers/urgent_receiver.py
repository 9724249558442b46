"""Listens on 127.0.0.1, prints its port, accepts one connection and reads it
with select(): urgent bytes with recv(MSG_OOB) when the socket is
exceptional, the stream otherwise, until EOF. Prints what it got as JSON."""
import json
import select
import socket

server = socket.socket()
server.bind(('127.0.0.1', 0))
server.listen(1)
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
urgent, stream = b'', b''
while True:
    readable, _, exceptional = select.select([conn], [], [conn], 10)
    if exceptional:
        try:
            urgent += conn.recv(1, socket.MSG_OOB)
        except OSError:
            pass  # its byte was already read past
        continue
    if readable:
        data = conn.recv(4096)
        if not data:
            break
        stream += data
conn.close()
print(json.dumps({'urgent': urgent.decode(), 'stream': stream.decode()}))
