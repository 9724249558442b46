// AcceptEx and ConnectEx (looked up with WSAIoctl), connect() where they do
// not apply (datagram sockets, AF_UNIX), and their results: the accepted
// socket's SO_UPDATE_ACCEPT_CONTEXT, the connected one's
// SO_UPDATE_CONNECT_CONTEXT.
#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "../op_memory.h"
#include "op_internal.h"

namespace sys {
namespace winop {

// --- extension functions -----------------------------------------------------


int accept_functions(Socket* socket) {
  int code = extension(socket->handle, WSAID_ACCEPTEX, &socket->accept_ex);
  if (code == 0) {
    code = extension(socket->handle, WSAID_GETACCEPTEXSOCKADDRS, &socket->get_accept_ex_sockaddrs);
  }
  return code;
}

// --- starting each kind ------------------------------------------------------

void start_accept(WinOp* op) {
  Socket* socket = op->socket;
  int code = accept_functions(socket);
  if (code != 0) return complete_error(op, code, "WSAIoctl");
  // AcceptEx takes the socket the connection will become, made in advance
  // with the listener's family, type and protocol.
  op->accept_socket = WSASocketW(socket->family, socket->type, socket->protocol, nullptr, 0,
                                 WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (op->accept_socket == INVALID_SOCKET) {
    return complete_error(op, WSAGetLastError(), "WSASocketW");
  }
  DWORD received = 0;
  OVERLAPPED* overlapped = begin_io(op);
  // No data is received with the connection (length 0): accept completes as
  // soon as the handshake does, as accept(2) does.
  BOOL done = socket->accept_ex(socket->handle, op->accept_socket, op->accept_buffer, 0,
                                kAcceptAddressSize, kAcceptAddressSize, &received, overlapped);
  after_call(op, done ? 0 : WSAGetLastError());
}

// connect() itself: for datagram sockets (it only sets the default peer
// and never waits), and for AF_UNIX where ConnectEx is not available (a
// local connect that completes at once).
void connect_now(WinOp* op) {
  Socket* socket = op->socket;
  int rc = ::connect(socket->handle, reinterpret_cast<const sockaddr*>(op->address->storage),
                     op->address->length);
  if (rc != 0) return complete_error(op, WSAGetLastError(), "connect");
  socket->bound = true;
  if (socket->type == SOCK_DGRAM) socket_report_unreachable(socket, true);
  complete(op);
}

bool unix_unsupported(int code) {
  return code == WSAEOPNOTSUPP || code == WSAEINVAL || code == WSAEAFNOSUPPORT;
}

void start_connect(WinOp* op) {
  Socket* socket = op->socket;
  const bool local = socket->family == AF_UNIX;
  if (socket->type != SOCK_STREAM) return connect_now(op);
  int code = extension(socket->handle, WSAID_CONNECTEX, &socket->connect_ex);
  if (code != 0) {
    if (local) return connect_now(op);
    return complete_error(op, code, "WSAIoctl");
  }
  if (!socket->bound) {
    // ConnectEx refuses an unbound socket (WSAEINVAL), where connect() would
    // bind it implicitly: bind to the family's wildcard, any port, first
    // (AF_UNIX: an unnamed address).
    if (local) {
      sockaddr_un unnamed{};
      unnamed.sun_family = AF_UNIX;
      if (::bind(socket->handle, reinterpret_cast<const sockaddr*>(&unnamed),
                 sizeof(unnamed.sun_family)) != 0) {
        return connect_now(op);
      }
    } else {
      Address any = address_any(socket->family);
      if (::bind(socket->handle, reinterpret_cast<const sockaddr*>(any.storage), any.length) != 0) {
        code = WSAGetLastError();
        if (code != WSAEINVAL) return complete_error(op, code, "bind");  // EINVAL: bound already
      }
    }
    socket->bound = true;
  }
  OVERLAPPED* overlapped = begin_io(op);
  BOOL done = socket->connect_ex(socket->handle,
                                 reinterpret_cast<const sockaddr*>(op->address->storage),
                                 op->address->length, nullptr, 0, nullptr, overlapped);
  code = done ? 0 : WSAGetLastError();
  if (local && unix_unsupported(code)) {
    // A stack whose AF_UNIX provider has no overlapped connect.
    no_packet(op);
    return connect_now(op);
  }
  after_call(op, code);
}


// A failure of the one connection AcceptEx took, not of the listener: the
// peer reset or gave up while it waited in the backlog. Windows reports
// ERROR_NETNAME_DELETED (or WSAECONNRESET); Wine WSAENOTCONN. libuv's
// uv__process_tcp_accept_req likewise queues the next accept for these.
bool connection_failure(int code) {
  return code == WSAECONNRESET || code == ERROR_NETNAME_DELETED || code == WSAENOTCONN ||
         code == WSAECONNABORTED || code == ERROR_CONNECTION_ABORTED;
}

void finish_accept(WinOp* op, int code) {
  Socket* socket = op->socket;
  if (connection_failure(code)) {
    // Not the listener's failure: wait for the next connection (as libuv
    // and the POSIX side do).
    closesocket(op->accept_socket);
    op->accept_socket = INVALID_SOCKET;
    if (!op->cancel_requested) return start_accept(op);
    op->aborted = true;
    return complete(op);
  }
  if (code != 0) {
    if (op->cancel_requested) {
      op->aborted = true;
      return complete(op);
    }
    return complete_error(op, code, "AcceptEx");
  }
  // Until this, the accepted socket has no properties of its own:
  // getpeername, shutdown and setsockopt fail on it.
  // https://learn.microsoft.com/windows/win32/api/mswsock/nf-mswsock-acceptex#remarks
  if (setsockopt(op->accept_socket, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
                 reinterpret_cast<const char*>(&socket->handle), sizeof(socket->handle)) != 0) {
    return complete_error(op, WSAGetLastError(), "setsockopt");
  }
  sockaddr* local = nullptr;
  sockaddr* remote = nullptr;
  INT local_length = 0, remote_length = 0;
  socket->get_accept_ex_sockaddrs(op->accept_buffer, 0, kAcceptAddressSize, kAcceptAddressSize,
                                  &local, &local_length, &remote, &remote_length);
  if (remote != nullptr && remote_length > 0) {
    const int length = std::min<int>(remote_length, sizeof(op->address->storage));
    memcpy(op->address->storage, remote, static_cast<size_t>(length));
    op->address->length = length;
  }
  Error error;
  SOCKET handle = op->accept_socket;
  op->accept_socket = INVALID_SOCKET;  // socket_wrap owns it now, or closed it
  Socket* accepted = socket_wrap(socket->loop, handle, socket->family, socket->type,
                                 socket->protocol, &error);
  if (accepted == nullptr) return complete_error(op, error.code, error.syscall);
  accepted->bound = true;
  accepted->accept_ex = socket->accept_ex;
  accepted->get_accept_ex_sockaddrs = socket->get_accept_ex_sockaddrs;
  op->accepted = accepted;
  complete(op);
}

void finish_connect(WinOp* op, int code) {
  if (code != 0) {
    if (op->cancel_requested) {
      op->aborted = true;
      return complete(op);
    }
    return complete_error(op, code, "ConnectEx");
  }
  // Likewise for ConnectEx: getpeername, shutdown and SO_* need it.
  if (setsockopt(op->socket->handle, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, nullptr, 0) != 0) {
    return complete_error(op, WSAGetLastError(), "setsockopt");
  }
  complete(op);
}

}  // namespace winop
}  // namespace sys
