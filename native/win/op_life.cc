// The life of an overlapped operation on the Windows backend, whatever its
// kind: its buffers, its place in the socket's list, the one done(), the
// packet the completion port owes it (WSAGetOverlappedResult reads it), and
// results known at once that still reach done() from the loop (posted to
// the port with PostQueuedCompletionStatus, or held for the loop's turn).
#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "../op_memory.h"
#include "op_internal.h"

namespace sys {
namespace winop {

// A single WSABUF holds at most a ULONG; keep to INT_MAX like send(2) does.
ULONG clamp_length(size_t length) {
  return static_cast<ULONG>(std::min<size_t>(length, INT_MAX));
}


// Grows the op's buffer to `size` bytes; false when memory ran out.
bool grow_buffer(WinOp* op, size_t size) {
  if (op->buffer.size() >= size) return true;
  try {
    op->buffer.resize(size);
    return true;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

// Room for control bytes (SendMsg's copy, RecvMsg's receive); false when memory ran out.
bool grow_control(WinOp* op, size_t size) {
  try {
    op->control_buffer.resize(size);
    return true;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

// What a read of up to `length` bytes takes now: the bytes that have
// arrived (FIONREAD), at least a chunk, at most `length`.
size_t arrived(const WinOp* op, size_t length) {
  u_long available = 0;
  if (ioctlsocket(op->socket->handle, FIONREAD, &available) != 0) available = 0;
  return std::min(length, std::max<size_t>(available, kReadChunk));
}

void op_free(WinOp* op) {
  Socket* socket = op->socket;
  op_destroy(op);
  if (socket != nullptr) socket_unref(socket);
}

// done() has been called: free now unless a packet is still owed.
void release(WinOp* op) {
  const uint32_t before = op->state.fetch_or(WinOp::kReleased);
  if (before & WinOp::kArrived) op_free(op);
}

// Waiting for urgent data never keeps Node running (sys.h): it is listed,
// so a close aborts it, but not counted.
void list(Socket* socket, WinOp* op) {
  op->next = socket->pending;
  op->prev = nullptr;
  if (socket->pending != nullptr) socket->pending->prev = op;
  socket->pending = op;
  op->listed = true;
  if (op->kind != OpKind::UrgentWait) loop_track_op(socket->loop, +1);
}

void unlist(WinOp* op) {
  if (!op->listed) return;
  Socket* socket = op->socket;
  if (op->prev != nullptr) op->prev->next = op->next;
  else socket->pending = op->next;
  if (op->next != nullptr) op->next->prev = op->prev;
  op->prev = op->next = nullptr;
  op->listed = false;
  if (op->kind != OpKind::UrgentWait) loop_track_op(socket->loop, -1);
}

void start_next_read(Socket* socket);

void unqueue_read(WinOp* op) {
  Socket* socket = op->socket;
  WinOp* previous = nullptr;
  for (WinOp* at = socket->reads_head; at != nullptr; previous = at, at = at->read_next) {
    if (at != op) continue;
    (previous == nullptr ? socket->reads_head : previous->read_next) = at->read_next;
    if (socket->reads_tail == at) socket->reads_tail = previous;
    break;
  }
  op->read_next = nullptr;
  op->queued_read = false;
}

// The end of an operation that was submitted: exactly one done(). The next
// stream read in line starts after it, so results come in order.
void complete(WinOp* op) {
  Socket* socket = op->socket;
  unlist(op);
  if (op->queued_read) unqueue_read(op);
  const bool was_read = socket->stream_read == op;
  if (was_read) socket->stream_read = nullptr;
  if (socket->urgent_watch == op) socket->urgent_watch = nullptr;
  if (!op->aborted && !op->teardown) socket->last_activity = monotonic_ns();
  socket->refs++;  // release() may drop the op's reference, done() the last other one
  op->done(op);
  release(op);
  if (was_read && !socket->closed) start_next_read(socket);
  socket_unref(socket);
}

// Whether bytes a stream read gave move the read position past the mark.
void note_read(WinOp* op, size_t bytes) {
  Socket* socket = op->socket;
  if (socket->has_mark && !(op->flags & MSG_PEEK)) socket->before_mark -= static_cast<int64_t>(bytes);
}

void complete_error(WinOp* op, int code, const char* syscall) {
  op->error = Error{code, syscall};
  complete(op);
}

// Before an overlapped call: the packet, if one comes, is owed from now on.
OVERLAPPED* begin_io(WinOp* op) {
  memset(&op->io.overlapped, 0, sizeof(op->io.overlapped));
  op->io.op = op;
  if (op->event != nullptr) {
    // emulate_iocp: the low bit keeps the completion off the port the
    // socket was first associated with; the event is signalled instead.
    // https://learn.microsoft.com/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatus#remarks
    ResetEvent(op->event);
    op->io.overlapped.hEvent =
        reinterpret_cast<HANDLE>(reinterpret_cast<ULONG_PTR>(op->event) | 1);
  }
  op->state.store(0);
  loop_expect_packet(op->socket->loop);
  return &op->io.overlapped;
}

// No packet will come after all (failed at once, or skipped on success).
void no_packet(WinOp* op) {
  op->socket->loop->outstanding--;
  op->state.store(WinOp::kArrived);
}

void finish(WinOp* op, int code, DWORD bytes);

// emulate_iocp: runs on a thread-pool wait thread when the event is
// signalled, and turns it into the packet the port would have queued. It
// reads everything it needs before posting: once posted, the op may go.
VOID CALLBACK post_completion(PVOID context, BOOLEAN) {
  WinOp* op = static_cast<WinOp*>(context);
  HANDLE port = op->port;
  PostQueuedCompletionStatus(port, 0, loop_socket_key(), &op->io.overlapped);
}

// After an overlapped call: `code` is 0 when it returned success, else
// WSAGetLastError(). True when a packet is now owed (the op waits for it);
// else fills in the result, there and then.
bool owed_packet(WinOp* op, int* code, DWORD* bytes) {
  Socket* socket = op->socket;
  *bytes = 0;
  // A receive that fails at once with WSAEMSGSIZE (a datagram longer than
  // the buffer) ended with STATUS_BUFFER_OVERFLOW, a warning to the kernel,
  // not an error: its packet is queued all the same (the double completion
  // libuv's uv__wsarecv_workaround is about), so it is waited for.
  const bool truncated = *code == WSAEMSGSIZE && !socket->skip_on_success &&
                         (op->kind == OpKind::Recv || op->kind == OpKind::RecvFrom || op->kind == OpKind::RecvMsg);
  const bool owed = *code == WSA_IO_PENDING || (*code == 0 && !socket->skip_on_success) || truncated;
  if (owed && op->event != nullptr) {
    if (op->wait != nullptr) {
      UnregisterWait(op->wait);  // the previous round's, fired already
      op->wait = nullptr;
    }
    op->port = socket->loop->port;
    if (RegisterWaitForSingleObject(&op->wait, op->event, post_completion, op, INFINITE,
                                    WT_EXECUTEINWAITTHREAD | WT_EXECUTEONLYONCE)) {
      return true;
    }
    // Nothing would ever report this operation: stop it and wait for it
    // here, so the OVERLAPPED is ours again before it is freed.
    op->wait = nullptr;
    *code = static_cast<int>(GetLastError());
    CancelIoEx(reinterpret_cast<HANDLE>(socket->handle), &op->io.overlapped);
    DWORD ignored = 0, flags = 0;
    WSAGetOverlappedResult(socket->handle, &op->io.overlapped, &ignored, TRUE, &flags);
    no_packet(op);
    return false;
  }
  if (owed) return true;  // the port will tell
  no_packet(op);
  if (*code == 0) {
    DWORD flags = 0;
    if (!WSAGetOverlappedResult(socket->handle, &op->io.overlapped, bytes, FALSE, &flags)) {
      *code = WSAGetLastError();
    }
  }
  return false;
}

void defer(WinOp* op, int code, DWORD bytes);
void wait_turn(WinOp* op, int code, DWORD bytes);

// Whether a result that came at once waits for a later turn: past its
// socket's budget; or, for a read, while other results wait already. A peer
// that answers at once (wrk on loopback) would otherwise have its socket
// served a whole budget of round trips in a row while the others wait.
bool waits_turn(WinOp* op) {
  if (loop_over_budget(op->socket)) return true;
  const bool read = op->kind == OpKind::Recv || op->kind == OpKind::RecvFrom || op->kind == OpKind::RecvMsg;
  return read && loop_others_waiting(op->socket->loop);
}

// Completes inline unless a packet is now owed, or the result waits its turn.
void after_call(WinOp* op, int code) {
  DWORD bytes = 0;
  if (owed_packet(op, &code, &bytes)) return;
  if (waits_turn(op)) return wait_turn(op, code, bytes);
  loop_spend(op->socket);
  finish(op, code, bytes);
}

// A result known now that reaches done() later, from the loop, as the
// packet the operation would have had (op_packet reads it back).
void keep_result(WinOp* op, int code, DWORD bytes) {
  op->deferred = true;
  op->deferred_code = code;
  op->deferred_bytes = bytes;
  op->state.store(0);
}

// The kept result, posted to our own port.
void post_result(WinOp* op) {
  loop_expect_packet(op->socket->loop);
  if (!PostQueuedCompletionStatus(op->socket->loop->port, 0, loop_socket_key(),
                                  &op->io.overlapped)) {
    // Cannot happen with a valid port; ending the op inline beats never.
    no_packet(op);
    op->deferred = false;
    op->error = Error{static_cast<int>(GetLastError()), "PostQueuedCompletionStatus"};
    complete(op);
  }
}

// A result that must reach done() from the loop: through the port.
void defer(WinOp* op, int code, DWORD bytes) {
  keep_result(op, code, bytes);
  post_result(op);
}

// A result that waits its turn: at the end of the loop's held packets
// (through the port when there is no memory to hold it).
void wait_turn(WinOp* op, int code, DWORD bytes) {
  keep_result(op, code, bytes);
  if (!loop_hold(op->socket->loop, &op->io.overlapped)) post_result(op);
}

}  // namespace winop
}  // namespace sys
