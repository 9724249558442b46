// One try of each operation's system call on a non-blocking socket:
// accept4(2), connect(2)'s outcome (SO_ERROR), send(2)/sendto(2) until a
// stream send has sent it all, recv(2) (MSG_WAITALL gathered by hand),
// recvmsg(2). Step::Again when it would block: ops.cc then queues the
// operation and waits for readiness.
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <new>

#include "posix.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  // macOS: SO_NOSIGPIPE is set on every socket instead
#endif

namespace sys {

namespace {

Step fail(PosixOp* op, const char* syscall) {
  op->error = Error{errno, syscall};
  return Step::Done;
}

Step fail_memory(PosixOp* op, const char* syscall) {
  op->error = Error{ENOMEM, syscall};
  return Step::Done;
}

char* scratch(Loop* loop) {
  if (!loop->scratch) loop->scratch.reset(new (std::nothrow) char[kScratchSize]);
  return loop->scratch.get();
}

// Where a read of up to op->length bytes lands, and how much it may take.
// The caller's destination when it gives room for the whole length (the
// caller's own buffer: nothing to size); else, up to kScratchSize, the
// loop's scratch buffer. Larger: FIONREAD says what has arrived (a
// stream's queued bytes; on Linux the next datagram's size, elsewhere an
// upper bound of it), and the destination or a buffer of that size takes
// it, so recv(2**31 - 1) of five bytes costs five bytes, not two gigabytes.
char* read_buffer(Socket* socket, PosixOp* op, size_t* capacity) {
  *capacity = op->length;
  if (op->destination != nullptr) {
    if (char* given = op->destination(op->destination_context, op->length)) return given;
  }
  if (op->length <= kScratchSize) return scratch(socket->loop);
  int available = 0;
  if (ioctl(socket->fd, FIONREAD, &available) != 0 || available < 0) available = 0;
  const size_t least = socket->type == SOCK_STREAM ? kScratchSize : 1;
  const size_t want = std::min(op->length, std::max(static_cast<size_t>(available), least));
  *capacity = want;
  if (op->destination != nullptr && want < op->length) {
    if (char* given = op->destination(op->destination_context, want)) return given;
  }
  if (want <= kScratchSize) return scratch(socket->loop);
  op->owned.reset(new (std::nothrow) char[want]);
  return op->owned.get();
}

bool connection_failure(int code) {
  switch (code) {
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTDOWN:
    case EHOSTUNREACH:
#ifdef ENONET
    case ENONET:
#endif
      return true;
    default:
      return false;
  }
}

Step do_accept(Socket* socket, PosixOp* op) {
  sockaddr* peer = reinterpret_cast<sockaddr*>(op->address->storage);
  socklen_t length = sizeof(op->address->storage);
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  int fd = accept4(socket->fd, peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
  int fd = accept(socket->fd, peer, &length);
  if (fd >= 0) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
#endif
  if (fd < 0) {
    // A connection reset while it waited in the backlog is not the
    // listener's failure: wait for the next one, as libuv does. Linux also
    // passes a pending network error of the new connection to accept(),
    // which its man page says to retry like EAGAIN.
    if (would_block(errno) || connection_failure(errno)) return Step::Again;
    return fail(op, "accept");
  }
  op->address->length = static_cast<int>(length);
  op->accepted = socket_from_fd(socket->loop, fd, socket->family, socket->type);
  if (op->accepted == nullptr) {
    ::close(fd);
    return fail_memory(op, "accept");
  }
  return Step::Done;
}

Step do_connect(Socket* socket, PosixOp* op) {
  if (!op->connect_started) {
    op->connect_started = true;
    socket->batches_sends = false;  // a connected datagram socket's sends report ICMP errors
    if (connect(socket->fd, reinterpret_cast<const sockaddr*>(op->address->storage),
                static_cast<socklen_t>(op->address->length)) == 0) {
      return Step::Done;
    }
    if (errno == EINPROGRESS || errno == EINTR) return Step::Again;
    return fail(op, "connect");
  }
  // Writable after EINPROGRESS: SO_ERROR holds the outcome.
  int code = 0;
  socklen_t length = sizeof(code);
  if (getsockopt(socket->fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0) {
    return fail(op, "getsockopt");
  }
  if (code == EINPROGRESS) return Step::Again;  // a spurious wake-up
  if (code != 0) op->error = Error{code, "connect"};
  return Step::Done;
}

Step do_send(Socket* socket, PosixOp* op) {
  const bool stream = socket->type == SOCK_STREAM;
  do {
    ssize_t sent;
    if (op->kind == OpKind::SendTo) {
      sent = sendto(socket->fd, op->data + op->offset, op->length - op->offset,
                    op->flags | MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(op->address->storage),
                    static_cast<socklen_t>(op->address->length));
    } else {
      sent = send(socket->fd, op->data + op->offset, op->length - op->offset,
                  op->flags | MSG_NOSIGNAL);
    }
    if (sent < 0) {
      if (would_block(errno)) return Step::Again;
      return fail(op, op->kind == OpKind::SendTo ? "sendto" : "send");
    }
    op->offset += static_cast<size_t>(sent);
  } while (stream && op->offset < op->length);  // a stream send sends it all
  op->transferred = op->carried + op->offset;
  return Step::Done;
}

}  // namespace

// A send that has to wait keeps its own copy of the bytes still to go: the
// caller's buffer may be transferred or detached (and freed) once JS runs.
bool own_send_bytes(PosixOp* op) {
  if (op->owned) return true;
  const size_t rest = op->length - op->offset;
  op->owned.reset(new (std::nothrow) char[std::max<size_t>(rest, 1)]);
  if (!op->owned) return false;
  if (rest > 0) memcpy(op->owned.get(), op->data + op->offset, rest);
  op->carried += op->offset;
  op->data = op->owned.get();
  op->length = rest;
  op->offset = 0;
  return true;
}

namespace {

// MSG_WAITALL on a non-blocking socket returns what is there: gather, a
// scratch buffer at a time, until the size is reached, the peer ends the
// stream, or an error. The gathered bytes grow with what arrives.
Step recv_all(Socket* socket, PosixOp* op) {
  const int flags = op->flags & ~MSG_WAITALL;
  char* buffer = scratch(socket->loop);
  if (buffer == nullptr) return fail_memory(op, "recv");
  while (op->gathered.size() < op->length) {
    const size_t want = std::min(op->length - op->gathered.size(), kScratchSize);
    ssize_t got = recv(socket->fd, buffer, want, flags);
    if (got < 0) {
      if (would_block(errno)) return Step::Again;
      if (!op->gathered.empty()) break;  // report what arrived; the error comes next time
      return fail(op, "recv");
    }
    if (got == 0) break;
    try {
      op->gathered.insert(op->gathered.end(), buffer, buffer + got);
    } catch (const std::bad_alloc&) {
      return fail_memory(op, "recv");
    }
  }
  op->transferred = op->gathered.size();
  op->received = op->gathered.data();
  return Step::Done;
}

Step do_recv(Socket* socket, PosixOp* op) {
  // A peek takes nothing, so there is nothing to gather: it gives what is
  // there (gathering would peek the same bytes again).
  if (op->flags & MSG_PEEK) op->flags &= ~MSG_WAITALL;
  if ((op->flags & MSG_WAITALL) && socket->type == SOCK_STREAM) return recv_all(socket, op);
  size_t capacity = 0;
  char* buffer = read_buffer(socket, op, &capacity);
  if (buffer == nullptr) return fail_memory(op, "recv");
  if (socket->holds_datagrams && take_held_datagram(socket, op, buffer, capacity)) return Step::Done;
  ssize_t got = recv(socket->fd, buffer, capacity, op->flags);
  if (got < 0) {
    if (would_block(errno) && !(op->flags & MSG_OOB)) return Step::Again;
    return fail(op, "recv");
  }
  op->transferred = static_cast<size_t>(got);
  op->received = buffer;
  return Step::Done;
}

// recvfrom and recvmsg: recvmsg(2), with no control room for a recvfrom.
Step do_recv_msg(Socket* socket, PosixOp* op) {
  size_t capacity = 0;
  char* buffer = read_buffer(socket, op, &capacity);
  if (buffer == nullptr) return fail_memory(op, "recvmsg");
  return message_receive(socket, op, buffer, capacity) ? Step::Done : Step::Again;
}

}  // namespace

Step perform(Socket* socket, PosixOp* op) {
  switch (op->kind) {
    case OpKind::Accept: return do_accept(socket, op);
    case OpKind::Connect: return do_connect(socket, op);
    case OpKind::Send:
    case OpKind::SendTo: return do_send(socket, op);
    case OpKind::Recv: return do_recv(socket, op);
    case OpKind::SendMsg: return message_send(socket, op) ? Step::Done : Step::Again;
    case OpKind::RecvFrom:
    case OpKind::RecvMsg: return do_recv_msg(socket, op);
    case OpKind::UrgentWait: return Step::Again;  // UV_PRIORITIZED drives it (watch_urgent)
  }
  return Step::Again;
}


}  // namespace sys
