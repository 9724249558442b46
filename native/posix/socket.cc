// Socket lifetime and the synchronous calls of the POSIX backend.
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <new>

#include "posix.h"
#include "uring.h"

namespace sys {

namespace {

// Out of Loop::open, which holds the sockets not closed yet.
void unlist_open(Socket* socket) {
  Loop* loop = socket->loop;
  if (socket->open_prev != nullptr) socket->open_prev->open_next = socket->open_next;
  else loop->open = socket->open_next;
  if (socket->open_next != nullptr) socket->open_next->open_prev = socket->open_prev;
  socket->open_prev = socket->open_next = nullptr;
}

}  // namespace

Socket* socket_from_fd(Loop* loop, int fd, int family, int type) {
  auto* socket = new (std::nothrow) Socket;
  if (socket == nullptr) return nullptr;
  socket->loop = loop;
  socket->fd = fd;
  socket->family = family;
  socket->type = type;
  socket->last_activity = uv_hrtime();
#ifdef SO_NOSIGPIPE
  // Where send() has no MSG_NOSIGNAL (macOS), a write to a reset peer must
  // still not raise SIGPIPE and kill the process.
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
#endif
  socket->open_next = loop->open;
  if (loop->open != nullptr) loop->open->open_prev = socket;
  loop->open = socket;
  return socket;
}

namespace {

int make_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return errno;
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) return errno;
  return 0;
}

Error result(int rc, const char* syscall) {
  return rc == 0 ? ok() : Error{errno, syscall};
}

void on_poll_closed(uv_handle_t* handle) {
  Socket* socket = static_cast<Socket*>(handle->data);
  Loop* loop = socket->loop;
  delete reinterpret_cast<uv_poll_t*>(handle);
  socket->poll = nullptr;
  socket_release(socket);
  loop_poll_closed(loop);
}

// Stops watching and hands the poll handle to uv_close; the Socket is
// released when the handle's close callback has run.
void stop_polling(Socket* socket) {
  if (socket->loop->uring != nullptr) {
    uring_forget(socket);
    return;
  }
  if (socket->poll == nullptr) return;
  uv_poll_stop(socket->poll);
  socket->polled_events = 0;
  socket->loop->closing_polls++;
  uv_close(reinterpret_cast<uv_handle_t*>(socket->poll), on_poll_closed);
}

}  // namespace

Socket* socket_open(Loop* loop, int family, int type, int protocol, Error* error) {
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
#else
  int fd = ::socket(family, type, protocol);
  if (fd >= 0) {
    int code = make_nonblocking(fd);
    if (code != 0) {
      ::close(fd);
      *error = Error{code, "fcntl"};
      return nullptr;
    }
  }
#endif
  if (fd < 0) {
    *error = Error{errno, "socket"};
    return nullptr;
  }
  Socket* socket = socket_from_fd(loop, fd, family, type);
  if (socket == nullptr) {
    ::close(fd);
    *error = Error{ENOMEM, "socket"};
    return nullptr;
  }
  // Only a socket whose whole history is known here (not an adopted or a
  // paired one, which may be connected).
  socket->batches_sends = type == SOCK_DGRAM;
  return socket;
}

Socket* socket_adopt(Loop* loop, const std::vector<uint8_t>& transfer, Error* error) {
  int fd = -1;
  if (transfer.size() != sizeof(fd)) {
    *error = Error{EINVAL, "adopt"};
    return nullptr;
  }
  memcpy(&fd, transfer.data(), sizeof(fd));
  // The fd was given up by socket_detach and is ours alone (the glue hands
  // each detached socket out once): on any failure it is closed, not leaked.
  auto failed = [&](int code, const char* syscall) -> Socket* {
    ::close(fd);
    *error = Error{code, syscall};
    return nullptr;
  };
  int type = 0;
  socklen_t length = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0) return failed(errno, "getsockopt");
  sockaddr_storage local{};
  length = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
    return failed(errno, "getsockname");
  }
  int code = make_nonblocking(fd);
  if (code != 0) return failed(code, "fcntl");
  Socket* socket = socket_from_fd(loop, fd, local.ss_family, type);
  if (socket == nullptr) return failed(ENOMEM, "adopt");
  return socket;
}

int64_t socket_handle(const Socket* socket) { return socket->closed ? -1 : socket->fd; }
int socket_family(const Socket* socket) { return socket->family; }
int socket_type(const Socket* socket) { return socket->type; }
bool socket_is_stream(const Socket* socket) { return socket->type == SOCK_STREAM; }
AddressKind socket_address_kind(const Socket* socket) {
  switch (socket->family) {
    case AF_INET: return AddressKind::Inet;
    case AF_INET6: return AddressKind::Inet6;
    case AF_UNIX: return AddressKind::Unix;
    default: return AddressKind::Other;
  }
}
uint64_t socket_last_activity(const Socket* socket) { return socket->last_activity; }

void socket_close(Socket* socket, bool teardown) {
  if (socket->closed) return;
  socket->closed = true;
  unlist_open(socket);
  // Stop the poll before the fd is closed: libuv must not watch a closed fd.
  stop_polling(socket);
  ::close(socket->fd);
  socket->fd = -1;
  drop_held_datagrams(socket);
  socket_abort_all(socket, teardown || socket->loop->closing);
  socket_release(socket);
}

void socket_release(Socket* socket) {
  // io_uring: not while the kernel may still post a completion naming it.
  if (socket->closed && socket->dispatching == 0 && socket->poll == nullptr && !socket->trim_pending &&
      !socket->read_armed && !socket->write_armed && !socket->redo_pending) {
    delete socket;
  }
}

Error socket_detach(Socket* socket, std::vector<uint8_t>* transfer) {
  // Held datagrams are read first: the socket's new owner could not get them.
  if (!socket->reads.empty() || !socket->writes.empty() || !socket->urgent.empty() || socket->holds_datagrams) {
    return Error{EBUSY, "detach"};
  }
  transfer->resize(sizeof(socket->fd));
  memcpy(transfer->data(), &socket->fd, sizeof(socket->fd));
  socket->closed = true;
  unlist_open(socket);
  stop_polling(socket);
  socket->fd = -1;
  socket_release(socket);
  return ok();
}

Error socket_bind(Socket* socket, const Address& address) {
  return result(::bind(socket->fd, reinterpret_cast<const sockaddr*>(address.storage),
                       static_cast<socklen_t>(address.length)), "bind");
}

Error socket_listen(Socket* socket, int backlog) {
  return result(::listen(socket->fd, backlog), "listen");
}

Error socket_shutdown(Socket* socket, int how) {
  static const int hows[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
  if (how < 0 || how > 2) return Error{EINVAL, "shutdown"};
  return result(::shutdown(socket->fd, hows[how]), "shutdown");
}

Error socket_local_address(Socket* socket, Address* out) {
  socklen_t length = sizeof(out->storage);
  int rc = getsockname(socket->fd, reinterpret_cast<sockaddr*>(out->storage), &length);
  out->length = rc == 0 ? static_cast<int>(length) : 0;
  return result(rc, "getsockname");
}

Error socket_remote_address(Socket* socket, Address* out) {
  socklen_t length = sizeof(out->storage);
  int rc = getpeername(socket->fd, reinterpret_cast<sockaddr*>(out->storage), &length);
  out->length = rc == 0 ? static_cast<int>(length) : 0;
  return result(rc, "getpeername");
}

Error socket_set_option(Socket* socket, int level, int name, const void* value, size_t length) {
  if (receives_errors(level, name)) socket->batches_sends = false;
  return result(setsockopt(socket->fd, level, name, value, static_cast<socklen_t>(length)),
                "setsockopt");
}

Error socket_get_option(Socket* socket, int level, int name, void* value, size_t* length) {
  memset(value, 0, *length);
  socklen_t size = static_cast<socklen_t>(*length);
  int rc = getsockopt(socket->fd, level, name, value, &size);
  if (rc == 0) *length = size;
  return result(rc, "getsockopt");
}

Error socket_bytes_available(Socket* socket, uint64_t* out) {
  int count = 0;
  int rc = ioctl(socket->fd, FIONREAD, &count);
  *out = rc == 0 ? static_cast<uint64_t>(count) : 0;
  return result(rc, "ioctl");
}

Error socket_at_mark(Socket* socket, bool* out) {
  int mark = 0;
  int rc = ioctl(socket->fd, SIOCATMARK, &mark);
  *out = rc == 0 && mark != 0;
  return result(rc, "ioctl");
}

Error socket_set_keepalive(Socket* socket, bool enable, int idle_ms, int interval_ms, int count) {
  int on = enable ? 1 : 0;
  if (setsockopt(socket->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) != 0) {
    return Error{errno, "setsockopt"};
  }
  if (!enable) return ok();
  // The kernel counts in whole seconds; round up so 1500 ms is not 1 s.
  auto seconds = [](int ms) { return ms <= 0 ? 1 : static_cast<int>((static_cast<int64_t>(ms) + 999) / 1000); };
#if defined(TCP_KEEPIDLE)
  const int idle_option = TCP_KEEPIDLE;
#else
  const int idle_option = TCP_KEEPALIVE;  // macOS spells it so
#endif
  if (idle_ms >= 0) {
    int value = seconds(idle_ms);
    if (setsockopt(socket->fd, IPPROTO_TCP, idle_option, &value, sizeof(value)) != 0) {
      return Error{errno, "setsockopt"};
    }
  }
  if (interval_ms >= 0) {
    int value = seconds(interval_ms);
    if (setsockopt(socket->fd, IPPROTO_TCP, TCP_KEEPINTVL, &value, sizeof(value)) != 0) {
      return Error{errno, "setsockopt"};
    }
  }
  if (count >= 0) {
    if (setsockopt(socket->fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count)) != 0) {
      return Error{errno, "setsockopt"};
    }
  }
  return ok();
}

}  // namespace sys
