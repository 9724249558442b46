// Reads: WSARecv (after a zero-byte WSARecv probe for large reads, as libuv
// does), WSARecvFrom, WSARecvMsg, recv(MSG_OOB) now or never, the
// continuous reads of startReading (Op::repeat), and their results.
#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "../op_memory.h"
#include "op_internal.h"

namespace sys {
namespace winop {

bool wait_all(const WinOp* op) {
  return (op->flags & MSG_WAITALL) && !(op->flags & MSG_PEEK) && op->socket->type == SOCK_STREAM;
}

// Urgent data is read now or never, as on POSIX: a non-blocking
// recv(MSG_OOB) whose "nothing urgent" (WSAEWOULDBLOCK) is the stack's own
// answer. (With an 'urgent' listener the watch takes the bytes as they come
// and lib/ keeps them for recv({ oob: true }).)
void recv_urgent_now(WinOp* op) {
  Socket* socket = op->socket;
  const size_t want = std::min(op->length, kReadChunk);
  if (!grow_buffer(op, std::max<size_t>(1, want))) {
    return complete_error(op, ERROR_NOT_ENOUGH_MEMORY, "recv");
  }
  u_long on = 1, off = 0;
  if (ioctlsocket(socket->handle, FIONBIO, &on) != 0) {
    return complete_error(op, WSAGetLastError(), "ioctlsocket");
  }
  int got = ::recv(socket->handle, op->buffer.data(), static_cast<int>(want),
                   op->flags & ~MSG_WAITALL);
  const int code = got < 0 ? WSAGetLastError() : 0;
  ioctlsocket(socket->handle, FIONBIO, &off);  // back to blocking for the sync calls
  if (got < 0) return complete_error(op, code, "recv");
  op->transferred = static_cast<size_t>(got);
  op->received = op->buffer.data();
  complete(op);
}

// A plain recv of more than kProbeAbove bytes on a stream first waits with a
// zero-byte WSARecv, a readiness probe as libuv uses: no buffer is pinned
// while the connection is quiet, so 10,000 idle sockets each waiting in
// recv() do not hold 10,000 receive buffers of 64 KiB. When it completes, a
// non-blocking recv takes the bytes. A small recv (a request/response
// exchange) pins little, and is posted with its buffer in one call.
constexpr size_t kProbeAbove = 4096;

// A peek is posted as it is: it takes nothing, so it pins nothing for long.
// Every read probes while an urgent watch is on (Socket::urgent_watch).
bool probes(const WinOp* op) {
  if (op->kind != OpKind::Recv || op->socket->type != SOCK_STREAM || wait_all(op) ||
      (op->flags & MSG_PEEK) || op->progress != 0) {
    return false;
  }
  if (op->socket->urgent_watch != nullptr) return true;
  return op->length > kProbeAbove && op->probe_misses < 2;
}

void start_probe(WinOp* op) {
  op->probing = true;
  op->wsabuf.buf = nullptr;
  op->wsabuf.len = 0;
  op->io_flags = 0;
  DWORD received = 0;
  OVERLAPPED* overlapped = begin_io(op);
  int rc = WSARecv(op->socket->handle, &op->wsabuf, 1, &received, &op->io_flags, overlapped, nullptr);
  after_call(op, rc == 0 ? 0 : WSAGetLastError());
}

void start_recv(WinOp* op);
void urgent_before_read(WinOp* op);

// The probe said bytes (or the end, or an error) are there: read them now.
void read_after_probe(WinOp* op) {
  Socket* socket = op->socket;
  urgent_before_read(op);
  if (op->cancel_requested) {
    op->aborted = true;
    return complete(op);
  }
  const size_t want = clamp_length(arrived(op, op->length));
  if (!grow_buffer(op, std::max<size_t>(1, want))) {
    return complete_error(op, ERROR_NOT_ENOUGH_MEMORY, "recv");
  }
  u_long on = 1, off = 0;
  if (ioctlsocket(socket->handle, FIONBIO, &on) != 0) {
    return complete_error(op, WSAGetLastError(), "ioctlsocket");
  }
  // No MSG_WAITALL on a non-blocking call (WSAEOPNOTSUPP): probes are not
  // made for such reads, and a flag is never passed on where it cannot be.
  int got = ::recv(socket->handle, op->buffer.data(), static_cast<int>(want), op->flags & ~MSG_WAITALL);
  const int code = got < 0 ? WSAGetLastError() : 0;
  ioctlsocket(socket->handle, FIONBIO, &off);  // back to blocking for the sync calls
  if (code == WSAEWOULDBLOCK) {
    // Woken with nothing to read: wait again (and stop probing if it recurs).
    op->probe_misses++;
    op->buffer.clear();
    op->buffer.shrink_to_fit();
    return start_recv(op);
  }
  if (code != 0) return complete_error(op, code, "recv");
  op->transferred = static_cast<size_t>(got);
  op->received = op->buffer.data();
  note_read(op, op->transferred);
  complete(op);
}

void start_recv(WinOp* op) {
  Socket* socket = op->socket;
  if (probes(op)) return start_probe(op);
  // A stream read posts at most a chunk (a MSG_WAITALL gather grows by a
  // chunk a round); a datagram read room for the largest datagram.
  const size_t want = socket->type == SOCK_STREAM ? std::min(op->length - op->progress, kReadChunk)
                                                  : std::min(op->length, kDatagramMax);
  if (!grow_buffer(op, op->progress + std::max<size_t>(1, want))) {
    return complete_error(op, ERROR_NOT_ENOUGH_MEMORY, op_syscall(op->kind));
  }
  op->wsabuf.buf = op->buffer.data() + op->progress;
  op->wsabuf.len = clamp_length(want);
  // MSG_WAITALL is honoured here by gathering (overlapped Winsock does not
  // promise it, and refuses it on datagram sockets).
  op->io_flags = static_cast<DWORD>(op->flags & ~MSG_WAITALL);
  DWORD received = 0;
  OVERLAPPED* overlapped = begin_io(op);
  int rc;
  if (op->kind == OpKind::RecvMsg) {
    // WSARecvMsg is an extension function of the provider, and (its
    // documentation says) for datagram and raw sockets.
    // https://learn.microsoft.com/windows/win32/api/mswsock/nc-mswsock-lpfn_wsarecvmsg
    int code = extension(socket->handle, WSAID_WSARECVMSG, &socket->recv_msg);
    if (code != 0) {
      no_packet(op);
      return complete_error(op, code, "WSAIoctl");
    }
    if (op->control_buffer.size() < op->control_length && !grow_control(op, op->control_length)) {
      no_packet(op);
      return complete_error(op, ERROR_NOT_ENOUGH_MEMORY, "WSARecvMsg");
    }
    op->message = WSAMSG{};
    op->message.name = reinterpret_cast<sockaddr*>(op->address->storage);
    op->message.namelen = sizeof(op->address->storage);
    op->message.lpBuffers = &op->wsabuf;
    op->message.dwBufferCount = 1;
    op->message.Control.buf = op->control_length > 0 ? op->control_buffer.data() : nullptr;
    op->message.Control.len = static_cast<ULONG>(op->control_length);
    op->message.dwFlags = op->io_flags;
    rc = socket->recv_msg(socket->handle, &op->message, &received, overlapped, nullptr);
  } else if (op->kind == OpKind::RecvFrom) {
    op->from_length = sizeof(op->address->storage);
    rc = WSARecvFrom(socket->handle, &op->wsabuf, 1, &received, &op->io_flags,
                     reinterpret_cast<sockaddr*>(op->address->storage), &op->from_length,
                     overlapped, nullptr);
  } else {
    rc = WSARecv(socket->handle, &op->wsabuf, 1, &received, &op->io_flags, overlapped, nullptr);
  }
  after_call(op, rc == 0 ? 0 : WSAGetLastError());
}

// --- continuous reads (Op::repeat) -------------------------------------------

void start_repeat(WinOp* op);

// A read of the stream: one at a time, in the order they were made.
bool is_stream_read(const WinOp* op) {
  return op->kind == OpKind::Recv && !(op->flags & MSG_OOB) && op->socket->type == SOCK_STREAM &&
         (op->length > 0 || op->repeat);
}

// A continuous read starts from the loop, never inline: its chunks always
// arrive in a callback of their own (start_repeat defers a result at once).
void start_stream_read(WinOp* op) {
  if (op->repeat) return start_repeat(op);
  start_recv(op);
}

void start_next_read(Socket* socket) {
  WinOp* op = socket->reads_head;
  if (op == nullptr) return;
  socket->reads_head = op->read_next;
  if (socket->reads_head == nullptr) socket->reads_tail = nullptr;
  op->read_next = nullptr;
  op->queued_read = false;
  socket->stream_read = op;
  start_stream_read(op);
}


// One WSARecv of a continuous read into the op's buffer. True when it
// finished at once, with its result in code/bytes.
bool issue_repeat(WinOp* op, int* code, DWORD* bytes) {
  Socket* socket = op->socket;
  if (socket->urgent_watch != nullptr && socket->type == SOCK_STREAM) {
    // The zero-byte probe: urgent bytes are taken before the read (above).
    op->probing = true;
    op->wsabuf.buf = nullptr;
    op->wsabuf.len = 0;
    op->io_flags = 0;
    DWORD received = 0;
    OVERLAPPED* overlapped = begin_io(op);
    int rc = WSARecv(socket->handle, &op->wsabuf, 1, &received, &op->io_flags, overlapped, nullptr);
    *code = rc == 0 ? 0 : WSAGetLastError();
    return !owed_packet(op, code, bytes);
  }
  const size_t want = std::min(op->length, socket->type == SOCK_STREAM ? kReadChunk : kDatagramMax);
  if (!grow_buffer(op, std::max<size_t>(1, want))) {
    *code = ERROR_NOT_ENOUGH_MEMORY;
    *bytes = 0;
    return true;
  }
  op->wsabuf.buf = op->buffer.data();
  op->wsabuf.len = clamp_length(want);
  op->io_flags = static_cast<DWORD>(op->flags & ~MSG_WAITALL);
  DWORD received = 0;
  OVERLAPPED* overlapped = begin_io(op);
  int rc = WSARecv(socket->handle, &op->wsabuf, 1, &received, &op->io_flags, overlapped, nullptr);
  *code = rc == 0 ? 0 : WSAGetLastError();
  return !owed_packet(op, code, bytes);
}

void start_repeat(WinOp* op) {
  int code = 0;
  DWORD bytes = 0;
  if (issue_repeat(op, &code, &bytes)) defer(op, code, bytes);
}

// A result of a continuous read: a chunk (done() with `more`, the op stays
// armed) or the end (EOF, an error, a cancel: done() without `more`).
// A probe of a continuous read completed: urgent bytes first, then what
// the stream has, read without waiting. False when the read must wait
// again (nothing there after all), with code/bytes for the result else.
bool read_after_repeat_probe(WinOp* op, int* code, DWORD* bytes) {
  Socket* socket = op->socket;
  op->probing = false;
  if (*code != 0) return true;
  urgent_before_read(op);
  if (op->cancel_requested) {
    *code = ERROR_OPERATION_ABORTED;
    return true;
  }
  const size_t want = std::min(op->length, kReadChunk);
  if (!grow_buffer(op, std::max<size_t>(1, want))) {
    *code = ERROR_NOT_ENOUGH_MEMORY;
    return true;
  }
  u_long on = 1, off = 0;
  ioctlsocket(socket->handle, FIONBIO, &on);
  const int got = ::recv(socket->handle, op->buffer.data(), static_cast<int>(want), 0);
  const int failure = got < 0 ? WSAGetLastError() : 0;
  ioctlsocket(socket->handle, FIONBIO, &off);  // back to blocking for the sync calls
  if (failure == WSAEWOULDBLOCK) return false;
  *code = failure;
  *bytes = got > 0 ? static_cast<DWORD>(got) : 0;
  return true;
}

void repeat_result(WinOp* op, int code, DWORD bytes) {
  const bool stream = op->socket->type == SOCK_STREAM;
  for (;;) {
    if (op->probing && !read_after_repeat_probe(op, &code, &bytes)) {
      if (!issue_repeat(op, &code, &bytes)) return;  // pending: the port tells
      if (waits_turn(op)) return wait_turn(op, code, bytes);
      continue;
    }
    // An error, or a stream's EOF; an empty datagram is a datagram.
    if (code != 0 || (bytes == 0 && stream)) {
      if (code != 0) {
        if (op->cancel_requested) op->aborted = true;
        else op->error = Error{code, "WSARecv"};
      }
      op->transferred = 0;
      op->received = nullptr;
      return complete(op);
    }
    // A chunk. Bytes that arrived are delivered even if a cancel raced them.
    Socket* socket = op->socket;
    op->more = true;
    op->in_done = true;
    op->transferred = bytes;
    op->received = op->buffer.data();
    socket->last_activity = monotonic_ns();
    if (stream) note_read(op, bytes);
    loop_spend(socket);
    op->done(op);
    op->in_done = false;
    op->more = false;
    op->transferred = 0;
    op->received = nullptr;
    if (op->cancel_requested) {
      // op_cancel or socket_close from inside done(): it ends now.
      op->aborted = true;
      return complete(op);
    }
    if (!issue_repeat(op, &code, &bytes)) return;  // pending: the port tells
    if (waits_turn(op)) return wait_turn(op, code, bytes);
  }
}


void finish_recv(WinOp* op, int code, DWORD bytes) {
  if (op->probing) {
    op->probing = false;
    if (code == 0) return read_after_probe(op);
  }
  const bool datagram = op->socket->type != SOCK_STREAM;
  code = datagram_code(op, code);
  if (code == WSAEMSGSIZE && datagram) {
    // The datagram was longer than the buffer: what fit is delivered.
    // RecvFrom says so; a plain Recv truncates silently, as recv(2) does.
    if (op->kind == OpKind::RecvFrom || op->kind == OpKind::RecvMsg) op->truncated = true;
    code = 0;
    if (bytes == 0) bytes = op->wsabuf.len;
  }
  op->progress += bytes;
  if (code == 0 && bytes > 0 && wait_all(op) && op->progress < op->length) {
    if (!op->cancel_requested) return start_recv(op);
  }
  if (op->kind == OpKind::RecvFrom) op->address->length = code == 0 ? op->from_length : 0;
  if (op->kind == OpKind::RecvMsg) {
    // The stack wrote the lengths and dwFlags into our WSAMSG on completion.
    op->address->length = code == 0 ? op->message.namelen : 0;
    op->message_flags = static_cast<int>(op->message.dwFlags);
    if (op->message.dwFlags & MSG_TRUNC) op->truncated = true;
    op->control_truncated = (op->message.dwFlags & MSG_CTRUNC) != 0;
    op->received_control = op->control_buffer.data();
    op->control_received = op->control_length > 0 ? op->message.Control.len : 0;
  }
  if (code != 0 && op->progress == 0) {
    if (op->cancel_requested) {
      op->aborted = true;
      return complete(op);
    }
    return complete_error(op, code, op_syscall(op->kind));
  }
  // With MSG_WAITALL, what arrived before an error is delivered; the error
  // comes with the next recv. Likewise after a cancel: bytes are never lost.
  op->transferred = op->progress;
  op->received = op->buffer.data();
  if (!datagram) note_read(op, op->transferred);
  complete(op);
}

}  // namespace winop
}  // namespace sys
