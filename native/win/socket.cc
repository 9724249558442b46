// Socket lifetime and the synchronous calls of the Windows backend.
#include <climits>
#include <cstring>
#include <new>

#include "win.h"

namespace sys {

namespace {

Error last_error(const char* syscall) { return Error{WSAGetLastError(), syscall}; }

Error result(int rc, const char* syscall) { return rc == 0 ? ok() : last_error(syscall); }

void link(Loop* loop, Socket* socket) {
  socket->next = loop->sockets;
  if (loop->sockets != nullptr) loop->sockets->prev = socket;
  loop->sockets = socket;
}

void unlink(Socket* socket) {
  Loop* loop = socket->loop;
  if (socket->prev != nullptr) socket->prev->next = socket->next;
  else if (loop->sockets == socket) loop->sockets = socket->next;
  if (socket->next != nullptr) socket->next->prev = socket->prev;
  socket->prev = socket->next = nullptr;
}

// Skipping the port on success is only safe on a base provider that hands
// out real kernel (IFS) handles: a layered provider (LSP) without them may
// complete through the port anyway, and the operation would complete twice.
// libuv makes the same check (src/win/winsock.c, uv__tcp_set_socket).
bool is_ifs_provider(SOCKET handle) {
  WSAPROTOCOL_INFOW info{};
  int length = sizeof(info);
  if (getsockopt(handle, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info),
                 &length) != 0) {
    return false;
  }
  return (info.dwServiceFlags1 & XP1_IFS_HANDLES) != 0;
}

}  // namespace

Socket* socket_wrap(Loop* loop, SOCKET handle, int family, int type, int protocol, Error* error,
                    bool adopted) {
  // A handle is associated with one completion port for its whole life.
  bool emulate = false;
  if (CreateIoCompletionPort(reinterpret_cast<HANDLE>(handle), loop->port, loop_socket_key(), 0) ==
      nullptr) {
    const DWORD code = GetLastError();
    // An adopted duplicate whose socket already belongs to the detaching
    // environment's port: completions come through events instead.
    if (adopted && code == ERROR_INVALID_PARAMETER) {
      emulate = true;
    } else {
      *error = Error{static_cast<int>(code), "CreateIoCompletionPort"};
      closesocket(handle);
      return nullptr;
    }
  }
  auto* socket = new (std::nothrow) Socket;
  if (socket == nullptr) {
    *error = Error{ERROR_NOT_ENOUGH_MEMORY, "socket"};
    closesocket(handle);
    return nullptr;
  }
  socket->loop = loop;
  socket->handle = handle;
  socket->family = family;
  socket->type = type;
  socket->protocol = protocol;
  socket->last_activity = monotonic_ns();
  socket->emulate_iocp = emulate;
  // An operation that succeeds at once then completes inline, without a
  // round trip through the port and the thread; and the kernel does not set
  // the handle's event on each completion (nobody waits on it).
  // https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes
  // Stream sockets only: a datagram WSARecv that fails at once with
  // WSAEMSGSIZE (a truncated datagram, STATUS_BUFFER_OVERFLOW: a warning,
  // not an error, to the kernel) still queues a packet, and would complete
  // twice. libuv keeps its uv__wsarecv_workaround for that (src/win/
  // winsock.c); datagram results through the port are simply right.
  if (!emulate && type == SOCK_STREAM && is_ifs_provider(handle)) {
    socket->skip_on_success =
        SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(handle),
                                           FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
                                               FILE_SKIP_SET_EVENT_ON_HANDLE) != FALSE;
  }
  if (type == SOCK_DGRAM && !adopted) socket_report_unreachable(socket, false);
  link(loop, socket);
  return socket;
}

// Windows fails the next receive of a UDP socket with WSAECONNRESET when an
// earlier datagram met an ICMP port-unreachable, connected or not. POSIX
// reports it only on a connected socket, so does this backend: off until
// connect. Best effort: a provider without the ioctl behaves as it does.
// https://learn.microsoft.com/windows/win32/winsock/winsock-ioctls#sio_udp_connreset
void socket_report_unreachable(Socket* socket, bool report) {
  BOOL value = report ? TRUE : FALSE;
  DWORD returned = 0;
  WSAIoctl(socket->handle, SIO_UDP_CONNRESET, &value, sizeof(value), nullptr, 0, &returned, nullptr,
           nullptr);
}

void socket_unref(Socket* socket) {
  if (--socket->refs == 0) delete socket;
}

void socket_close_all(Loop* loop) {
  while (loop->sockets != nullptr) socket_close(loop->sockets);
}

Socket* socket_open(Loop* loop, int family, int type, int protocol, Error* error) {
  SOCKET handle = WSASocketW(family, type, protocol, nullptr, 0,
                             WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (handle == INVALID_SOCKET) {
    *error = last_error("WSASocketW");
    return nullptr;
  }
  return socket_wrap(loop, handle, family, type, protocol, error);
}

Socket* socket_adopt(Loop* loop, const std::vector<uint8_t>& transfer, Error* error) {
  WSAPROTOCOL_INFOW info{};
  if (transfer.size() != sizeof(info)) {
    *error = Error{WSAEINVAL, "WSASocketW"};
    return nullptr;
  }
  memcpy(&info, transfer.data(), sizeof(info));
  // The duplicate WSADuplicateSocketW made for this process becomes a socket
  // of its own: a new handle that can join this loop's completion port.
  SOCKET handle = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
                             WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (handle == INVALID_SOCKET) {
    *error = last_error("WSASocketW");
    return nullptr;
  }
  Socket* socket = socket_wrap(loop, handle, info.iAddressFamily, info.iSocketType,
                               info.iProtocol, error, true);
  if (socket != nullptr) {
    sockaddr_storage local{};
    int length = sizeof(local);
    socket->bound = getsockname(handle, reinterpret_cast<sockaddr*>(&local), &length) == 0;
    if (socket->type == SOCK_DGRAM) {
      // As socket_open and connect leave it: reported only once connected.
      length = sizeof(local);
      socket_report_unreachable(
          socket, getpeername(handle, reinterpret_cast<sockaddr*>(&local), &length) == 0);
    }
  }
  return socket;
}

int64_t socket_handle(const Socket* socket) {
  return socket->closed ? -1 : static_cast<int64_t>(socket->handle);
}
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
  if (socket == nullptr || socket->closed) return;
  socket->closed = true;
  unlink(socket);
  // Cancel first so every pending operation's packet is on its way, then
  // close. The packets arrive later (995, or on Wine 0x8000000A); the
  // operations were completed here as aborted and those packets only free them.
  CancelIoEx(reinterpret_cast<HANDLE>(socket->handle), nullptr);  // ERROR_NOT_FOUND: none
  closesocket(socket->handle);
  socket_abort_all(socket, teardown || socket->loop->closing);
  socket_unref(socket);  // the reference for being open
}

Error socket_detach(Socket* socket, std::vector<uint8_t>* transfer) {
  if (socket->closed) return Error{WSAENOTSOCK, "WSADuplicateSocketW"};
  if (socket_has_pending(socket)) return Error{ERROR_BUSY, "WSADuplicateSocketW"};
  // A handle stays associated with the completion port it joined, so the
  // adopting environment needs a handle of its own: a duplicate for this
  // process, described by the WSAPROTOCOL_INFOW that socket_adopt reads.
  WSAPROTOCOL_INFOW info{};
  if (WSADuplicateSocketW(socket->handle, GetCurrentProcessId(), &info) != 0) {
    return last_error("WSADuplicateSocketW");
  }
  transfer->resize(sizeof(info));
  memcpy(transfer->data(), &info, sizeof(info));
  socket->closed = true;
  unlink(socket);
  // The stack keeps the socket while the duplicate is open.
  closesocket(socket->handle);
  socket_unref(socket);
  return ok();
}

Error socket_bind(Socket* socket, const Address& address) {
  int rc = ::bind(socket->handle, reinterpret_cast<const sockaddr*>(address.storage),
                  address.length);
  if (rc == 0) socket->bound = true;
  return result(rc, "bind");
}

Error socket_listen(Socket* socket, int backlog) {
  return result(::listen(socket->handle, backlog), "listen");
}

Error socket_shutdown(Socket* socket, int how) {
  static const int hows[] = {SD_RECEIVE, SD_SEND, SD_BOTH};
  if (how < 0 || how > 2) return Error{WSAEINVAL, "shutdown"};
  return result(::shutdown(socket->handle, hows[how]), "shutdown");
}

Error socket_local_address(Socket* socket, Address* out) {
  int length = sizeof(out->storage);
  int rc = getsockname(socket->handle, reinterpret_cast<sockaddr*>(out->storage), &length);
  out->length = rc == 0 ? length : 0;
  return result(rc, "getsockname");
}

Error socket_remote_address(Socket* socket, Address* out) {
  int length = sizeof(out->storage);
  int rc = getpeername(socket->handle, reinterpret_cast<sockaddr*>(out->storage), &length);
  out->length = rc == 0 ? length : 0;
  return result(rc, "getpeername");
}

Error socket_set_option(Socket* socket, int level, int name, const void* value, size_t length) {
  if (length > static_cast<size_t>(INT_MAX)) return Error{WSAEINVAL, "setsockopt"};
  return result(setsockopt(socket->handle, level, name, static_cast<const char*>(value),
                           static_cast<int>(length)),
                "setsockopt");
}

Error socket_get_option(Socket* socket, int level, int name, void* value, size_t* length) {
  if (*length > static_cast<size_t>(INT_MAX)) return Error{WSAEINVAL, "getsockopt"};
  // Winsock writes a single byte for some BOOL options (and Wine for more):
  // the rest of the int must already be zero.
  memset(value, 0, *length);
  int size = static_cast<int>(*length);
  int rc = getsockopt(socket->handle, level, name, static_cast<char*>(value), &size);
  // For a BOOL, Winsock may also say it wrote one byte (TCP_NODELAY): the
  // zeroed int holds the same value, so report the int that was asked for.
  if (rc == 0 && size < static_cast<int>(sizeof(int)) && *length >= sizeof(int)) {
    size = sizeof(int);
  }
  if (rc == 0) *length = static_cast<size_t>(size);
  return result(rc, "getsockopt");
}

Error socket_bytes_available(Socket* socket, uint64_t* out) {
  u_long count = 0;
  int rc = ioctlsocket(socket->handle, FIONREAD, &count);
  *out = rc == 0 ? count : 0;
  return result(rc, "ioctlsocket");
}

Error socket_at_mark(Socket* socket, bool* out) {
  // The BSD sense (sys.h). Winsock's SIOCATMARK answers TRUE when no urgent
  // data waits to be read (ioctlsocket's documentation), which is not where
  // the read position is. Once the urgent watch took a byte, its mark is
  // known here: the stream bytes that were queued ahead of it, less what
  // was read since. Before that, urgent data waiting is the nearest BSD
  // answer: the read position is at the mark once the data ahead is read.
  // (Wine answers SIOCATMARK in the BSD sense already: see the Wine notes.)
  u_long no_urgent = 0;
  int rc = ioctlsocket(socket->handle, SIOCATMARK, &no_urgent);
  if (rc != 0) return last_error("ioctlsocket");
  *out = socket->has_mark ? socket->before_mark == 0 : no_urgent == 0;
  return ok();
}

Error socket_set_keepalive(Socket* socket, bool enable, int idle_ms, int interval_ms, int count) {
  BOOL on = enable ? TRUE : FALSE;
  if (setsockopt(socket->handle, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&on),
                 sizeof(on)) != 0) {
    return last_error("setsockopt");
  }
  if (!enable) return ok();
  if (idle_ms >= 0 || interval_ms >= 0) {
    // SIO_KEEPALIVE_VALS sets both times at once (milliseconds). One left
    // out keeps its current value where the stack tells it (TCP_KEEPIDLE,
    // TCP_KEEPINTVL in seconds, Windows 10 1709+), else the documented
    // defaults: 2 hours idle, 1 second between probes.
    // https://learn.microsoft.com/windows/win32/winsock/sio-keepalive-vals
    auto current = [&](int option, ULONG fallback) -> ULONG {
      DWORD seconds = 0;
      int size = sizeof(seconds);
      if (getsockopt(socket->handle, IPPROTO_TCP, option, reinterpret_cast<char*>(&seconds),
                     &size) == 0 && seconds > 0) {
        return seconds * 1000;
      }
      return fallback;
    };
    tcp_keepalive values{};
    values.onoff = 1;
    values.keepalivetime = idle_ms >= 0 ? static_cast<ULONG>(idle_ms > 0 ? idle_ms : 1)
                                        : current(TCP_KEEPIDLE, 7200000);
    values.keepaliveinterval = interval_ms >= 0
                                   ? static_cast<ULONG>(interval_ms > 0 ? interval_ms : 1)
                                   : current(TCP_KEEPINTVL, 1000);
    DWORD returned = 0;
    if (WSAIoctl(socket->handle, SIO_KEEPALIVE_VALS, &values, sizeof(values), nullptr, 0,
                 &returned, nullptr, nullptr) != 0) {
      return last_error("WSAIoctl");
    }
  }
  if (count >= 0) {
    DWORD probes = static_cast<DWORD>(count);
    if (setsockopt(socket->handle, IPPROTO_TCP, TCP_KEEPCNT, reinterpret_cast<const char*>(&probes),
                   sizeof(probes)) != 0) {
      const int code = WSAGetLastError();
      // Windows before 10 1703 and Wine have no TCP_KEEPCNT (the count is
      // then fixed by the system: 10 probes); that one failure is not an error.
      if (code != WSAENOPROTOOPT) return Error{code, "setsockopt"};
    }
  }
  return ok();
}

}  // namespace sys
