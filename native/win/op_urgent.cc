// The urgent watch (OpKind::UrgentWait): an AFD poll for
// AFD_POLL_RECEIVE_EXPEDITED (afd.h), then each urgent byte taken at once
// with a non-blocking recv(MSG_OOB).
#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "../op_memory.h"
#include "op_internal.h"

namespace sys {
namespace winop {

// The urgent watch (UrgentWait, continuous): an AFD poll for
// AFD_POLL_RECEIVE_EXPEDITED, as select()'s exceptfds is, then each urgent
// byte taken at once with a non-blocking recv(MSG_OOB) and handed to done()
// as a chunk, then the next poll. Not a pending overlapped WSARecv(MSG_OOB):
// that is right on Windows, but under Wine the normal stream stalls after it.
void poll_urgent(WinOp* op);

// Takes the urgent bytes waiting now and hands each to the watch's done().
// False when the watch has ended (an error, the stream's end, a cancel or
// a close from inside done()); *took says whether a byte came.
bool take_urgent_bytes(WinOp* watch, bool* took) {
  Socket* socket = watch->socket;
  *took = false;
  for (int round = 0; round < 16; round++) {
    char byte = 0;
    u_long on = 1, off = 0;
    ioctlsocket(socket->handle, FIONBIO, &on);
    const int got = ::recv(socket->handle, &byte, 1, MSG_OOB);
    const int code = got < 0 ? WSAGetLastError() : 0;
    u_long queued = 0;
    if (got > 0) ioctlsocket(socket->handle, FIONREAD, &queued);
    ioctlsocket(socket->handle, FIONBIO, &off);  // back to blocking for the sync calls
    if (code == WSAEWOULDBLOCK || code == WSAEINVAL) break;  // nothing (more) urgent
    if (code != 0) {
      complete_error(watch, code, "recv");
      return false;
    }
    if (got == 0) {
      complete(watch);  // the stream ended: no urgent data can come
      return false;
    }
    *took = true;
    // The mark: what the stream holds now is what came before the byte.
    socket->has_mark = true;
    socket->before_mark = static_cast<int64_t>(queued);
    watch->more = true;
    watch->in_done = true;
    watch->transferred = 1;
    watch->received = &byte;
    loop_spend(socket);
    watch->done(watch);
    watch->in_done = false;
    watch->more = false;
    watch->transferred = 0;
    watch->received = nullptr;
    if (watch->cancel_requested) break;
  }
  if (watch->cancel_requested) {
    watch->aborted = true;
    complete(watch);
    return false;
  }
  return true;
}

void take_urgent(WinOp* op) {
  bool took = false;
  if (!take_urgent_bytes(op, &took)) return;
  op->idle_round = !took;
  poll_urgent(op);
}

// Before a stream read of `op`: the urgent bytes first. JS runs in there;
// `op` is marked busy meanwhile, so that a close or cancel from JS leaves
// it to the caller (which checks op->cancel_requested after).
void urgent_before_read(WinOp* op) {
  WinOp* watch = op->socket->urgent_watch;
  if (watch == nullptr || watch == op) return;
  op->in_done = true;
  bool took = false;
  take_urgent_bytes(watch, &took);
  op->in_done = false;
}

void poll_urgent(WinOp* op) {
  Socket* socket = op->socket;
  OVERLAPPED* overlapped = begin_io(op);
  DWORD failure = 0;
  const LONG status = afd_poll(socket->handle, kAfdPollReceiveExpedited | kAfdPollLocalClose,
                               op->event, overlapped, &op->poll, &failure);
  if (status != kStatusSuccess && status != kStatusPending) {
    no_packet(op);
    return complete_error(op, static_cast<int>(failure), "IOCTL_AFD_POLL");
  }
  int code = status == kStatusPending ? WSA_IO_PENDING : 0;
  DWORD bytes = 0;
  if (owed_packet(op, &code, &bytes)) return;
  // Answered at once. After a round that took nothing, through the port:
  // a poll that keeps answering must not recurse.
  if (op->idle_round || loop_over_budget(socket)) return defer(op, code, bytes);
  loop_spend(socket);
  finish(op, code, bytes);
}

void start_urgent_wait(WinOp* op) {
  Socket* socket = op->socket;
  // With SO_OOBINLINE the urgent byte stays in the stream and Winsock
  // refuses MSG_OOB reads with WSAEINVAL (recv's documentation), nor does it
  // signal the byte: there is nothing to wait for. Fail at once.
  BOOL inline_oob = FALSE;
  int size = sizeof(inline_oob);
  if (getsockopt(socket->handle, SOL_SOCKET, SO_OOBINLINE, reinterpret_cast<char*>(&inline_oob),
                 &size) == 0 && (inline_oob & 0xff) != 0) {
    return complete_error(op, WSAEINVAL, "WSARecv");
  }
  op->idle_round = false;
  socket->urgent_watch = op;
  poll_urgent(op);
}


void finish_urgent_wait(WinOp* op, int code) {
  if (op->cancel_requested || code == WSA_OPERATION_ABORTED || code == ERROR_OPERATION_ABORTED) {
    op->aborted = true;
    return complete(op);
  }
  if (code != 0) return complete_error(op, code, "IOCTL_AFD_POLL");
  const ULONG events = op->poll.handle_count > 0 ? op->poll.handles[0].events : 0;
  if (events & kAfdPollLocalClose) {
    op->aborted = true;
    return complete(op);
  }
  take_urgent(op);
}

}  // namespace winop
}  // namespace sys
