"""The other end of a netcat test, in Python's socket module.
  netcat_peer.py connect HOST PORT SIZE   connects
  netcat_peer.py listen SIZE              listens on 127.0.0.1, prints its port, accepts one
Sends SIZE random bytes while reading, half-closes (shutdown SHUT_WR) once
they are sent, reads until the peer's EOF, then prints JSON: the sha256 of
what it sent and of what it received, and how many bytes it received."""
import hashlib
import json
import os
import socket
import sys
import threading


def exchange(conn, size):
    data = os.urandom(size)
    received = bytearray()

    def read():
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    conn.sendall(data)
    conn.shutdown(socket.SHUT_WR)
    reader.join()
    conn.close()
    print(json.dumps({
        'sent': hashlib.sha256(data).hexdigest(),
        'received': hashlib.sha256(bytes(received)).hexdigest(),
        'receivedBytes': len(received),
    }), flush=True)


if sys.argv[1] == 'connect':
    conn = socket.create_connection((sys.argv[2], int(sys.argv[3])))
    exchange(conn, int(sys.argv[4]))
else:
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(1)
    print(server.getsockname()[1], flush=True)
    conn, _ = server.accept()
    server.close()
    exchange(conn, int(sys.argv[2]))
