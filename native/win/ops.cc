// Overlapped operations: AcceptEx, ConnectEx, WSASend, WSARecv, WSASendTo,
// WSARecvFrom, and a WSARecv(MSG_OOB) that waits for urgent data.
//
// Each operation is started on the JS thread and ends in one of three ways:
//   - it fails at once: no packet will come; done() now, inline;
//   - it succeeds at once on a socket in FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
//     mode: no packet either; done() now, inline;
//   - it is pending (WSA_IO_PENDING): the port delivers a packet to the
//     completion thread, which hands it to the JS thread (op_packet).
// A packet's result is read with WSAGetOverlappedResult, which turns the
// NTSTATUS in the OVERLAPPED into the WSA code the stack means (10061 for a
// refused connect, not ERROR_CONNECTION_REFUSED).
// This file: the sys:: entry points and each kind's start and finish; the
// calls themselves are in op_connect.cc, op_send.cc, op_read.cc and
// op_urgent.cc, over op_life.cc (op_internal.h lists what they share).
#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "../op_memory.h"
#include "op_internal.h"
#include "win.h"

namespace sys {

WinOp::~WinOp() {
  if (accept_socket != INVALID_SOCKET) closesocket(accept_socket);
  // The wait fired already (its packet is why we are here): this only frees
  // it, and does not block if the callback is still returning.
  if (wait != nullptr) UnregisterWait(wait);
  if (event != nullptr) CloseHandle(event);
}

namespace winop {

void start(WinOp* op) {
  switch (op->kind) {
    case OpKind::Accept: return start_accept(op);
    case OpKind::Connect: return start_connect(op);
    case OpKind::Send:
    case OpKind::SendTo:
    case OpKind::SendMsg: return start_send(op);
    case OpKind::Recv:
      if (op->flags & MSG_OOB) return recv_urgent_now(op);
      if (op->length == 0 && op->socket->type == SOCK_STREAM) {
        // A zero-byte WSARecv on a stream waits for data to arrive (libuv
        // uses it as a readiness probe); recv(2) of zero bytes returns 0 at
        // once, and so does this.
        op->received = "";
        return complete(op);
      }
      return start_recv(op);
    case OpKind::RecvFrom:
    case OpKind::RecvMsg: return start_recv(op);
    case OpKind::UrgentWait: return start_urgent_wait(op);
  }
  complete_error(op, WSAEOPNOTSUPP, "op_submit");
}

void finish(WinOp* op, int code, DWORD bytes) {
  switch (op->kind) {
    case OpKind::Accept: return finish_accept(op, code);
    case OpKind::Connect: return finish_connect(op, code);
    case OpKind::Send:
    case OpKind::SendTo:
    case OpKind::SendMsg: return finish_send(op, code, bytes);
    case OpKind::Recv:
      if (op->repeat) return repeat_result(op, code, bytes);
      return finish_recv(op, code, bytes);
    case OpKind::RecvFrom:
    case OpKind::RecvMsg: return finish_recv(op, code, bytes);
    case OpKind::UrgentWait: return finish_urgent_wait(op, code);
  }
}

}  // namespace winop

using namespace winop;  // the helpers of op_internal.h

Op* op_new(OpKind kind) { return op_allocate<WinOp>(kind); }

void op_submit(Socket* socket, Op* base) {
  WinOp* op = static_cast<WinOp*>(base);
  if (socket == nullptr || socket->closed || socket->loop->closing) {
    op->aborted = true;
    op->teardown = socket != nullptr && socket->loop->closing;
    op->done(op);
    op_destroy(op);
    return;
  }
  op->socket = socket;
  socket->refs++;
  list(socket, op);
  if (socket->emulate_iocp) {
    // Auto-reset, so one signal is one wake-up of the registered wait.
    op->event = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    if (op->event == nullptr) {
      const int code = static_cast<int>(GetLastError());
      if (op->repeat) return defer(op, code, 0);
      return complete_error(op, code, "CreateEventW");
    }
  }
  if (is_stream_read(op)) {
    if (socket->stream_read != nullptr) {
      // Its turn comes when the reads before it have ended (complete()).
      op->queued_read = true;
      (socket->reads_tail == nullptr ? socket->reads_head : socket->reads_tail->read_next) = op;
      socket->reads_tail = op;
      return;
    }
    socket->stream_read = op;
    return start_stream_read(op);
  }
  start(op);
}

void op_cancel(Socket* socket, Op* base) {
  WinOp* op = static_cast<WinOp*>(base);
  if (op != nullptr && op->in_done) {
    op->cancel_requested = true;  // repeat_result ends it when done() returns
    return;
  }
  if (socket == nullptr || op == nullptr || !op->listed || op->socket != socket) return;
  op->cancel_requested = true;
  if (op->kind == OpKind::UrgentWait) {
    // The urgent watch has no result to lose (its bytes are handed out as
    // they come), and lib/ stops it right before detach(), which must then
    // find nothing pending: it ends now. Its packet only frees it.
    if (!op->deferred && !(op->state.load() & WinOp::kArrived)) {
      CancelIoEx(reinterpret_cast<HANDLE>(socket->handle), &op->io.overlapped);
    }
    op->aborted = true;
    return complete(op);
  }
  if (op->deferred) return;  // no I/O to cancel: its result is on the way (posted or held)
  if (op->state.load() & WinOp::kArrived) {
    // No I/O under way (a read waiting its turn): abort it now.
    op->aborted = true;
    return complete(op);
  }
  // The packet comes either way: aborted (995) if the cancel took, or with
  // the result if the operation had finished first (ERROR_NOT_FOUND here).
  CancelIoEx(reinterpret_cast<HANDLE>(socket->handle), &op->io.overlapped);
}

void op_packet(WinOp* op) {
  const uint32_t before = op->state.fetch_or(WinOp::kArrived);
  if (before & WinOp::kReleased) {
    // Completed as aborted by socket_close or op_cancel already: this packet
    // (995, or whatever Wine reports after a close) only frees the memory.
    op_free(op);
    return;
  }
  DWORD bytes = 0, flags = 0;
  int code = 0;
  if (op->deferred) {
    op->deferred = false;
    code = op->deferred_code;
    bytes = op->deferred_bytes;
  } else if (!WSAGetOverlappedResult(op->socket->handle, &op->io.overlapped, &bytes, FALSE,
                                     &flags)) {
    code = WSAGetLastError();
  }
  finish(op, code, bytes);
}

void op_packet_discard(WinOp* op) {
  const uint32_t before = op->state.fetch_or(WinOp::kArrived);
  if (before & WinOp::kReleased) op_free(op);
  // Else the op is still listed on its socket: loop_close aborts it, and
  // its release then frees it (the packet has arrived).
}

void socket_abort_all(Socket* socket, bool teardown) {
  socket->refs++;  // done() may drop the last other reference
  // No read in line starts: every one is aborted below.
  for (WinOp* at = socket->reads_head; at != nullptr;) {
    WinOp* next = at->read_next;
    at->read_next = nullptr;
    at->queued_read = false;
    at = next;
  }
  socket->reads_head = socket->reads_tail = nullptr;
  socket->stream_read = nullptr;
  socket->urgent_watch = nullptr;
  while (socket->pending != nullptr) {
    WinOp* op = socket->pending;
    unlist(op);
    op->aborted = true;
    op->teardown = teardown;
    if (op->in_done) {
      // Closed from inside this op's own done() (a chunk of a continuous
      // read): repeat_result ends it once done() has returned.
      op->cancel_requested = true;
      continue;
    }
    op->done(op);
    release(op);
  }
  socket_unref(socket);
}

bool socket_has_pending(const Socket* socket) { return socket->pending != nullptr; }

uint64_t socket_unsent_bytes(const Socket* socket) {
  uint64_t unsent = 0;
  for (const WinOp* op = socket->pending; op != nullptr; op = op->next) {
    if (op->kind == OpKind::Send || op->kind == OpKind::SendTo || op->kind == OpKind::SendMsg) {
      unsent += op->length - op->progress;
    }
  }
  return unsent;
}

}  // namespace sys

