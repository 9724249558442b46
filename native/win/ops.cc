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
#include <algorithm>
#include <climits>
#include <cstring>
#include <new>

#include "../op_memory.h"
#include "win.h"

namespace sys {

WinOp::~WinOp() {
  if (accept_socket != INVALID_SOCKET) closesocket(accept_socket);
  // The wait fired already (its packet is why we are here): this only frees
  // it, and does not block if the callback is still returning.
  if (wait != nullptr) UnregisterWait(wait);
  if (event != nullptr) CloseHandle(event);
}

namespace {

// A single WSABUF holds at most a ULONG; keep to INT_MAX like send(2) does.
ULONG clamp_length(size_t length) {
  return static_cast<ULONG>(std::min<size_t>(length, INT_MAX));
}

// The most a posted stream read pins (it may return less than asked, as
// recv(2) does), and the largest datagram there is (UDP, raw IP): a read's
// memory follows what arrives, never the size asked.
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kDatagramMax = 64 * 1024;

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

// --- extension functions -----------------------------------------------------

template <typename Fn>
int extension(SOCKET handle, GUID guid, Fn* out) {
  if (*out != nullptr) return 0;
  DWORD returned = 0;
  if (WSAIoctl(handle, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), out, sizeof(*out),
               &returned, nullptr, nullptr) != 0) {
    *out = nullptr;
    return WSAGetLastError();
  }
  return 0;
}

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

// --- results -----------------------------------------------------------------

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

}  // namespace

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
