"""Listens on 127.0.0.1, prints its port, accepts one connection, reads it
to EOF and prints the byte count and the sha256 of what it read."""
import hashlib
import socket

server = socket.socket()
server.bind(('127.0.0.1', 0))
server.listen(1)
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
digest, count = hashlib.sha256(), 0
while True:
    data = conn.recv(1 << 16)
    if not data:
        break
    digest.update(data)
    count += len(data)
conn.close()
print(count, digest.hexdigest())
