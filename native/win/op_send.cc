// WSASend, WSASendTo and WSASendMsg, and their results: a stream send
// completes when every byte went, as send(2) in this package does.
#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "../op_memory.h"
#include "op_internal.h"

namespace sys {
namespace winop {

// WSASendMsg: the data, the destination if one was given, and the control
// bytes (copied: the caller's are valid only during op_submit). Control data
// goes with the first call only, should a stream send need more than one.
// https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsasendmsg
void start_send_msg(WinOp* op) {
  Socket* socket = op->socket;
  if (op->progress == 0 && op->control_length > 0 && op->control_buffer.empty()) {
    if (!grow_control(op, op->control_length)) return complete_error(op, ERROR_NOT_ENOUGH_MEMORY, "WSASendMsg");
    memcpy(op->control_buffer.data(), op->control, op->control_length);
  }
  if (op->progress > 0) op->control_buffer.clear();
  op->control = nullptr;
  op->message = WSAMSG{};
  if (op->address->length > 0) {
    op->message.name = reinterpret_cast<sockaddr*>(op->address->storage);
    op->message.namelen = op->address->length;
  }
  op->message.lpBuffers = &op->wsabuf;
  op->message.dwBufferCount = 1;
  op->message.Control.buf = op->control_buffer.empty() ? nullptr : op->control_buffer.data();
  op->message.Control.len = static_cast<ULONG>(op->control_buffer.size());
  DWORD sent = 0;
  OVERLAPPED* overlapped = begin_io(op);
  int rc = WSASendMsg(socket->handle, &op->message, static_cast<DWORD>(op->flags), &sent, overlapped, nullptr);
  after_call(op, rc == 0 ? 0 : WSAGetLastError());
}

void start_send(WinOp* op) {
  Socket* socket = op->socket;
  if (!op->owned) {
    // The caller's bytes are valid only while op_submit runs (sys.h).
    op->owned.reset(new (std::nothrow) char[std::max<size_t>(op->length, 1)]);
    if (!op->owned) return complete_error(op, ERROR_NOT_ENOUGH_MEMORY, "WSASend");
    if (op->length > 0) memcpy(op->owned.get(), op->data, op->length);
    op->data = op->owned.get();
  }
  op->wsabuf.buf = const_cast<char*>(op->data) + op->progress;
  op->wsabuf.len = clamp_length(op->length - op->progress);
  if (op->kind == OpKind::SendMsg) return start_send_msg(op);
  DWORD sent = 0;
  OVERLAPPED* overlapped = begin_io(op);
  int rc;
  if (op->kind == OpKind::SendTo) {
    rc = WSASendTo(socket->handle, &op->wsabuf, 1, &sent, static_cast<DWORD>(op->flags),
                   reinterpret_cast<const sockaddr*>(op->address->storage), op->address->length,
                   overlapped, nullptr);
  } else {
    rc = WSASend(socket->handle, &op->wsabuf, 1, &sent, static_cast<DWORD>(op->flags), overlapped,
                 nullptr);
  }
  after_call(op, rc == 0 ? 0 : WSAGetLastError());
}


// On a datagram socket, Winsock's WSAECONNRESET means an ICMP
// port-unreachable answered an earlier datagram: what POSIX (and this
// package's contract) calls ECONNREFUSED.
// https://learn.microsoft.com/windows/win32/api/winsock2/nf-winsock2-wsarecv#return-value
int datagram_code(const WinOp* op, int code) {
  return code == WSAECONNRESET && op->socket->type != SOCK_STREAM ? WSAECONNREFUSED : code;
}

void finish_send(WinOp* op, int code, DWORD bytes) {
  code = datagram_code(op, code);
  op->progress += bytes;
  if (code == 0 && op->socket->type == SOCK_STREAM && op->progress < op->length && bytes > 0) {
    // A partial send on a stream: send the rest, the op ends when all went.
    if (!op->cancel_requested) return start_send(op);
    op->aborted = true;
    return complete(op);
  }
  op->transferred = op->progress;
  if (code != 0) {
    if (op->cancel_requested) {
      op->aborted = true;
      return complete(op);
    }
    return complete_error(op, code, op_syscall(op->kind));
  }
  complete(op);
}

}  // namespace winop

// Winsock has no sendmmsg: each datagram is an overlapped WSASendTo of its
// own (the caller sends them one by one).
int socket_send_datagrams(Socket*, const Datagram*, size_t) { return -1; }

}  // namespace sys
