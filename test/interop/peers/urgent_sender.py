"""Connects to HOST PORT and sends b'abc', then each byte of URGENT as urgent
(MSG_OOB) data followed by one plain b'.', then b'def', then half-closes and
waits for the peer's EOF. A peer nobody here wrote: Python's socket module."""
import socket
import sys
import time

host, port, urgent = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
with socket.create_connection((host, port)) as s:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(b'abc')
    time.sleep(0.05)
    for byte in urgent:
        s.send(bytes([byte]), socket.MSG_OOB)
        s.sendall(b'.')
        time.sleep(0.05)  # one urgent byte at a time: TCP holds one
    s.sendall(b'def')
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
print('sent')
