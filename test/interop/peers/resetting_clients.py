"""Connects COUNT clients to HOST PORT that reset at once (SO_LINGER 0),
then one client that sends b'hello' and prints the reply it reads."""
import socket
import struct
import sys

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for _ in range(count):
    s = socket.create_connection((host, port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
with socket.create_connection((host, port), timeout=20) as s:
    s.sendall(b'hello')
    print(s.recv(4096).decode())
