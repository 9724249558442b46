// The io_uring engine of the POSIX backend (Linux), beside the epoll one.
//
// Readiness comes from the ring instead of one uv_poll_t per socket: a
// multishot IORING_OP_POLL_ADD for reading (and urgent data) stays armed for
// a stream's life; a datagram socket's read poll, and the poll for writing,
// are one-shot, armed only while a read finds nothing or a write waits.
// Submissions made during a JS turn go to the kernel together, once per
// loop turn (an unreferenced uv_prepare_t, just before the loop would
// block), and completions are read from the shared completion queue without
// a system call: after JS has run, the peer's wake-up caused by our own send
// is usually already there, so traffic between sockets of one process needs
// no epoll_wait at all. The ring's own fd, watched by one uv_poll_t on
// Node's loop, wakes the loop when the queue fills while it sleeps.
//
// A completion that a wake-up causes runs as task work of this thread. By
// default the kernel interrupts the thread for it (an inter-processor
// interrupt per wake-up from another process); with
// IORING_SETUP_COOP_TASKRUN it waits until the thread enters the kernel
// anyway, which a thread about to sleep in epoll_wait does (a sleeping one
// is woken), and IORING_SETUP_TASKRUN_FLAG tells reap() when some waits.
//
// Its events are edges, not levels: Socket::ready keeps what the last ones
// said until a system call answers EAGAIN. (A short read is no proof of an
// empty queue: TCP stops short at the urgent mark and at the FIN, and the
// poll's result is the wake-up's key, which names POLLPRI for all data, so
// urgent data cannot be told apart.) The
// operations themselves are the same system calls as with epoll (ops.cc),
// so both engines give the same results, errors and ordering.
//
// Raw system calls, not liburing: Debian's liburing (2.3) predates the
// kernels this targets, it has no static arm64 build for the prebuild, and
// the part used here is the ring's setup, one SQE layout and two opcodes.
#pragma once

#include <string>

namespace sys {

struct Loop;
struct Socket;
struct Uring;

// Sets up the ring for this loop (WINSOCK_BACKEND=io_uring); nullptr when
// io_uring is unavailable
// (kernel.io_uring_disabled, a seccomp filter, a kernel before 5.17, not
// Linux), with the reason in *why ("io_uring_setup: EPERM").
Uring* uring_open(Loop* loop, std::string* why);
// Cancels what is armed, waits (bounded) for the kernel to let go of the
// sockets, frees them, and hands the engine's handles to uv_close.
void uring_close(Uring* uring);
// Arms what the socket's queues wait for, keeps the loop alive while a read
// or a write waits, and schedules a dispatch when Socket::ready already says
// a queued operation can proceed (the event came before the operation did).
void uring_watch(Socket* socket);
// The socket is being closed or detached: cancels its polls and submits the
// cancels at once (a poll holds a reference to the file, and close(2) must
// end the connection now). The Socket is released when their last
// completions have come back (see socket_release).
void uring_forget(Socket* socket);

}  // namespace sys
