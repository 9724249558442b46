// Operations on POSIX: try the system call first; on EAGAIN queue the
// operation and wait for readiness with the socket's uv_poll_t, then retry.
// This emulates the completion model of the Windows backend (one done() per
// operation) over readiness, as Boost.Asio's reactive sockets do.
// The system calls themselves, one try each, are in calls.cc.
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <algorithm>
#include <new>

#include "../op_memory.h"
#include "posix.h"
#include "uring.h"

namespace sys {

namespace {

// Completions handed out per readiness event and queue, and operations
// completed inline in a row: past these the rest waits for the next turn
// of the loop, so one busy socket cannot starve timers and other sockets
// (libuv's uv__read stops after 32 reads for the same reason).
constexpr int kPerEvent = 32;
constexpr int kInlineStreak = 32;

// Operations are recycled per thread (an environment lives on one thread),
// so a busy socket allocates nothing per operation. Two sizes, with and
// without room for an address (op_memory.h), each kept apart.
struct OpPool {
  static constexpr size_t kKept = 256;
  std::vector<PosixOp*> free[2];  // [op_has_address]: destroyed already, raw memory to build in
  ~OpPool() {
    for (auto& list : free) {
      for (PosixOp* op : list) ::operator delete(static_cast<void*>(op));
    }
  }
};
thread_local OpPool op_pool;

void recycle(PosixOp* op) {
  std::vector<PosixOp*>& list = op_pool.free[op_has_address(op->kind)];
  if (list.size() >= OpPool::kKept) {
    op_destroy(op);
    return;
  }
  op->~PosixOp();
  list.push_back(op);  // capacity reserved in op_new: never throws
}

void finish(Socket* socket, PosixOp* op) {
  if (!op->aborted && !op->teardown) socket->last_activity = uv_hrtime();
  op->done(op);
  recycle(op);
}

bool is_read(const PosixOp* op) {
  return op->kind == OpKind::Recv || op->kind == OpKind::RecvFrom || op->kind == OpKind::RecvMsg;
}

// A read that fills a buffer this large suggests a backlog (bulk traffic):
// the next read is tried at once again.
constexpr size_t kBacklogHint = 4096;

// The system call tried first, before any poll. For reads this is adaptive:
// after a try found nothing (request/response traffic), reads wait for
// readiness and skip the EAGAIN syscall, until a read fills a large buffer.
// With io_uring, readiness is known instead (Socket::ready): a read is
// tried when the last event or system call left the socket readable.
bool try_now(Socket* socket, PosixOp* op) {
  const bool read = is_read(op);
  const bool held = read && socket->holds_datagrams;  // there now, whatever the stack says
  if (read && !held && (socket->loop->uring ? !(socket->ready & UV_READABLE) : socket->reads_wait)) return false;
  if (socket->inline_streak >= kInlineStreak) return false;
  const Step step = perform(socket, op);
  if (read) socket->reads_wait = step == Step::Again;
  if (step == Step::Again) socket->ready &= ~(read ? UV_READABLE : UV_WRITABLE);
  if (step == Step::Done) socket->inline_streak++;
  return step == Step::Done;
}

OpQueue& queue_of(Socket* socket, OpKind kind) {
  switch (kind) {
    case OpKind::Accept:
    case OpKind::Recv:
    case OpKind::RecvFrom:
    case OpKind::RecvMsg: return socket->reads;
    case OpKind::UrgentWait: return socket->urgent;
    default: return socket->writes;
  }
}

// One chunk of the urgent watch: the byte taken out of band, or none when
// urgent data waits inline. Returns false when the watch must end now.
bool deliver_urgent(Socket* socket, PosixOp* op, char* byte, size_t count) {
  op->more = true;
  op->in_done = true;
  op->received = byte;
  op->transferred = count;
  op->done(op);
  op->in_done = false;
  op->more = false;
  op->received = nullptr;
  op->transferred = 0;
  if (op->cancel_requested) {
    op->aborted = true;
    return false;
  }
  return !socket->closed;
}

// UV_PRIORITIZED: urgent data is there. Each urgent byte is taken at once
// (recv(MSG_OOB)): TCP keeps one urgent byte, and the peer's next one would
// push this one into the stream. EINVAL with SO_OOBINLINE: the byte is in
// the stream, said once until a read moves on; EAGAIN: its byte is still on
// the way. Another error ends the watch.
void watch_urgent(Socket* socket, PosixOp* op) {
  bool ends = false;
  for (int round = 0; round < kPerEvent && !ends; round++) {
    char byte = 0;
    ssize_t got = recv(socket->fd, &byte, 1, MSG_OOB);
    if (got == 1) {
      ends = !deliver_urgent(socket, op, &byte, 1);
      continue;
    }
    if (got == 0) {
      ends = true;  // the stream ended: no urgent data can come any more
      break;
    }
    if (would_block(errno)) {
      socket->ready &= ~UV_PRIORITIZED;  // its byte is on the way: its arrival is an event
      return;
    }
    if (errno == EINVAL) {
      int inline_oob = 0;
      socklen_t length = sizeof(inline_oob);
      getsockopt(socket->fd, SOL_SOCKET, SO_OOBINLINE, &inline_oob, &length);
      if (inline_oob && !socket->urgent_inline) {
        socket->urgent_inline = true;
        ends = !deliver_urgent(socket, op, nullptr, 0);
      }
      if (!ends) {
        socket->ready &= ~UV_PRIORITIZED;  // without SO_OOBINLINE: its byte was read already
        return;
      }
      break;
    }
    op->error = Error{errno, "recv"};
    ends = true;
  }
  if (!ends) {
    // The budget: epoll's level-triggered poll calls again; io_uring's
    // edge is kept, for the next turn.
    socket->ready |= UV_PRIORITIZED;
    return;
  }
  if (!socket->urgent.empty() && socket->urgent.front() == op) socket->urgent.pop_front();
  finish(socket, op);
}

// Urgent bytes go before any stream read while the watch is on: a read
// that crosses the mark skips the urgent byte, and Linux then forgets it
// (tcp_recvmsg clears urg_data), so it must be taken out of band first.
void urgent_first(Socket* socket) {
  if (socket->type == SOCK_STREAM && !socket->urgent.empty() && !socket->urgent_inline) {
    watch_urgent(socket, socket->urgent.front());
  }
}

}  // namespace

// A chunk of a continuous read: delivered with the op left armed at the
// front of its queue. Returns false when the op must end now instead.
bool deliver_chunk(Socket* socket, PosixOp* op) {
  // An error, or a stream's EOF; an empty datagram is a datagram.
  const bool ends = op->error || (op->transferred == 0 && socket->type == SOCK_STREAM);
  if (ends) return false;
  op->more = true;
  op->in_done = true;
  socket->last_activity = uv_hrtime();
  op->done(op);
  op->in_done = false;
  op->more = false;
  op->received = nullptr;
  op->transferred = 0;
  op->owned.reset();
  if (op->cancel_requested) {
    op->aborted = true;
    return false;
  }
  return true;
}

namespace {

// Finishes the op at the front of the queue. A close() from inside done()
// has already taken it off.
void end_front(OpQueue& queue, Socket* socket, PosixOp* op) {
  if (!queue.empty() && queue.front() == op) queue.pop_front();
  finish(socket, op);
}

// Completes queued operations from the front while they can finish now, at
// most kPerEvent of them per event (epoll: its level-triggered poll calls
// again for the rest) or per turn of the loop (io_uring).
void drain(Socket* socket, OpQueue& queue) {
  int16_t& left = &queue == &socket->reads ? socket->reads_left : socket->writes_left;
  while (left > 0 && !socket->closed && !queue.empty()) {
    if (&queue == &socket->reads) {
      urgent_first(socket);  // may run JS, which may close the socket
      if (socket->closed || queue.empty()) return;
    }
    PosixOp* op = queue.front();
    const bool read = is_read(op);
    if (read && reads_datagrams_in_batches(socket, op)) {
      const BatchStep step = read_datagram_batch(socket, op, &left);
      if (step == BatchStep::Again) {
        socket->ready &= ~UV_READABLE;
        return;
      }
      if (step == BatchStep::Emptied) {
        // The stack gave fewer than asked: it has no more, or an error is
        // next. The poll reports either (epoll's is level-triggered, and
        // io_uring's one-shot read poll of a datagram socket looks at the
        // socket when it is armed), and another recvmmsg would only find
        // EAGAIN.
        socket->ready &= ~UV_READABLE;
        return;
      }
      if (step == BatchStep::Ended) {
        end_front(queue, socket, op);
        continue;
      }
      if (step != BatchStep::NotBatched) continue;
    }
    if (perform(socket, op) == Step::Again) {
      socket->ready &= ~(&queue == &socket->reads ? UV_READABLE : UV_WRITABLE);
      return;
    }
    // A read has moved the stream on: urgent data that waited inline may
    // have been read, so the watch polls for the next again.
    if (read && socket->urgent_inline) {
      socket->urgent_inline = false;
      socket->ready |= UV_PRIORITIZED;
    }
    if (read && op->transferred == op->length && op->length >= kBacklogHint) {
      socket->reads_wait = false;
    }
    left--;
    if (op->repeat && deliver_chunk(socket, op)) continue;
    end_front(queue, socket, op);
  }
}

void fail_queue(Socket* socket, OpQueue& queue, Error error) {
  while (!socket->closed && !queue.empty()) {
    PosixOp* op = queue.front();
    queue.pop_front();
    op->error = error;
    finish(socket, op);
  }
}

// Every waiting operation fails with `error`, inside a batch of the loop's
// (update_poll may run where no callback scope is open: the trim handle).
void fail_all(Socket* socket, Error error) {
  Loop* loop = socket->loop;
  loop->hooks.enter(loop->hooks.context);
  socket->dispatching++;
  fail_queue(socket, socket->reads, error);
  fail_queue(socket, socket->writes, error);
  fail_queue(socket, socket->urgent, error);
  socket->dispatching--;
  loop->hooks.leave(loop->hooks.context);
}

void on_poll(uv_poll_t* handle, int status, int events);

// Polls for what the queued operations wait for. An interest that is no
// longer needed is dropped lazily: only when an event arrives that nothing
// waits for (see on_poll). In a request/response exchange the next read is
// queued before the loop polls again, so the watcher is not re-registered
// (two epoll_ctl calls) for every message.
void update_poll(Socket* socket, bool shrink) {
  if (socket->closed) return;
  if (socket->loop->uring != nullptr) {
    uring_watch(socket);
    return;
  }
  int wanted = 0;
  if (!socket->reads.empty()) wanted |= UV_READABLE;
  if (!socket->writes.empty()) wanted |= UV_WRITABLE;
  if (!socket->urgent.empty() && !socket->urgent_inline) wanted |= UV_PRIORITIZED;
  if (!shrink) wanted |= socket->polled_events;
  if (wanted != socket->polled_events) {
    if (wanted == 0) {
      uv_poll_stop(socket->poll);
      socket->polled_events = 0;
      return;
    }
    int code = 0;
    if (socket->poll == nullptr) {
      auto* poll = new (std::nothrow) uv_poll_t;
      code = poll == nullptr ? UV_ENOMEM : uv_poll_init(socket->loop->uv, poll, socket->fd);
      if (code == 0) {
        poll->data = socket;
        socket->poll = poll;
      } else {
        delete poll;
      }
    }
    if (code == 0) code = uv_poll_start(socket->poll, wanted, on_poll);
    if (code != 0) {
      // libuv's codes are negated errno values on POSIX.
      socket->dispatching++;
      fail_all(socket, Error{-code, "uv_poll_start"});
      socket->dispatching--;
      return;
    }
    socket->polled_events = wanted;
  }
  if (socket->poll == nullptr) return;
  // Only a read or a write keeps the process alive, as an active handle
  // does; waiting for urgent data alone never does.
  uv_handle_t* poll = reinterpret_cast<uv_handle_t*>(socket->poll);
  if (socket->reads.empty() && socket->writes.empty()) {
    uv_unref(poll);
  } else {
    uv_ref(poll);
  }
}

// An error event (POLLERR) that no system call consumed: the socket's
// pending error, taken once, fails whatever still waits. Without one (an
// error queue nobody reads, say) the poll is simply started again.
void fail_on_socket_error(Socket* socket) {
  if (socket->reads.empty() && socket->writes.empty() && socket->urgent.empty()) return;
  int code = 0;
  socklen_t length = sizeof(code);
  if (getsockopt(socket->fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0) code = errno;
  if (code == 0) return;
  socket->dispatching++;
  fail_queue(socket, socket->reads, Error{code, "recv"});
  fail_queue(socket, socket->writes, Error{code, "send"});
  fail_queue(socket, socket->urgent, Error{code, "recv"});
  socket->dispatching--;
}

void on_poll(uv_poll_t* handle, int status, int events) {
  Socket* socket = static_cast<Socket*>(handle->data);
  if (socket->closed) return;
  const bool error_event = status < 0;
  if (error_event) {
    // libuv has stopped the handle (UV_EBADF for POLLERR): nothing is
    // polled until it is started again. Let each system call report its own.
    socket->polled_events = 0;
    events = UV_READABLE | UV_WRITABLE;
  }
  socket_dispatch(socket, events, error_event);
}

}  // namespace

void socket_dispatch(Socket* socket, int events, bool error_event) {
  Loop* loop = socket->loop;
  socket->inline_streak = 0;
  if (loop->uring == nullptr || socket->turn_of != loop->turn) {
    socket->turn_of = loop->turn;
    socket->reads_left = kPerEvent;
    socket->writes_left = kPerEvent;
  }
  socket->ready |= kReadyInDispatch;
  loop->hooks.enter(loop->hooks.context);
  socket->dispatching++;
  // Urgent data first: a read of the stream past its mark would lose it.
  if ((events & UV_PRIORITIZED) && !socket->closed && !socket->urgent.empty()) {
    watch_urgent(socket, socket->urgent.front());
  }
  if (events & (UV_READABLE | UV_DISCONNECT)) drain(socket, socket->reads);
  if (events & UV_WRITABLE) drain(socket, socket->writes);
  if (error_event && !socket->closed) fail_on_socket_error(socket);
  socket->dispatching--;
  socket->ready &= ~kReadyInDispatch;
  update_poll(socket, false);
  // Interest nobody has any more is dropped just before the loop blocks,
  // after this batch's promise reactions had their chance to queue the
  // next operation (level-triggered polling would otherwise spin).
  // io_uring's edges do not spin: its read poll stays armed.
  if (!socket->closed && loop->uring == nullptr) loop_trim_later(socket);
  loop->hooks.leave(loop->hooks.context);
  // The socket is released in its poll's close callback (epoll) or at its
  // polls' last completions (io_uring), never here.
}

Op* op_new(OpKind kind) {
  std::vector<PosixOp*>& list = op_pool.free[op_has_address(kind)];
  if (list.empty()) {
    // Room for every op to come back to the pool without allocating.
    if (list.capacity() < OpPool::kKept) {
      try {
        list.reserve(OpPool::kKept);
      } catch (const std::bad_alloc&) {
        return nullptr;
      }
    }
    return op_allocate<PosixOp>(kind);
  }
  void* memory = list.back();
  list.pop_back();
  return op_construct<PosixOp>(memory, kind);
}

void op_submit(Socket* socket, Op* base) {
  PosixOp* op = static_cast<PosixOp*>(base);
  if (socket->closed) {
    op->aborted = true;
    finish(socket, op);
    return;
  }
  socket->dispatching++;
  if (is_read(op) && socket->reads.empty()) {
    // A read that may be tried now: urgent bytes first (see urgent_first).
    // JS may run there and close the socket before this op is queued.
    urgent_first(socket);
    if (socket->closed) {
      op->aborted = true;
      finish(socket, op);
      socket->dispatching--;
      socket_release(socket);
      return;
    }
  }
  if (op->kind == OpKind::Recv && (op->flags & MSG_OOB)) {
    // Urgent data is read now or never: it does not wait behind the queue
    // of ordinary reads, and "nothing urgent" is the stack's own answer
    // (EINVAL, or EAGAIN when its byte is still on the way). It is one
    // byte: MSG_WAITALL has nothing to wait for.
    op->flags &= ~MSG_WAITALL;
    perform(socket, op);
    finish(socket, op);
  } else {
    auto& queue = queue_of(socket, op->kind);
    queue.push_back(op);
    // A continuous read starts from the loop, never inline: its chunks
    // always arrive in a callback of their own.
    if (queue.single() && !op->repeat && try_now(socket, op)) {
      queue.pop_front();
      finish(socket, op);
    } else if (op->repeat && socket->holds_datagrams) {
      // Its first chunks are held here, not in the stack: no readiness
      // will say so, so the loop dispatches it before it blocks (on_trim).
      loop_trim_later(socket);
    } else if ((op->kind == OpKind::Send || op->kind == OpKind::SendTo) && !own_send_bytes(op)) {
      queue.erase(op);
      op->error = Error{ENOMEM, op->kind == OpKind::Send ? "send" : "sendto"};
      finish(socket, op);
    } else if (op->kind == OpKind::SendMsg && !(own_send_bytes(op) && own_control_bytes(op))) {
      queue.erase(op);
      op->error = Error{ENOMEM, "sendmsg"};
      finish(socket, op);
    }
    update_poll(socket, false);
  }
  socket->dispatching--;
  if (socket->closed) socket_release(socket);
}

void socket_abort_all(Socket* socket, bool teardown) {
  OpQueue pending;
  socket->reads.move_to(pending);
  socket->writes.move_to(pending);
  socket->urgent.move_to(pending);
  while (!pending.empty()) {
    PosixOp* op = pending.front();
    pending.pop_front();
    op->aborted = true;
    op->teardown = teardown;
    if (op->in_done) {
      // Closed from inside this op's own done(): drain() finishes it once
      // done() has returned.
      op->cancel_requested = true;
      continue;
    }
    finish(socket, op);
  }
}

uint64_t socket_unsent_bytes(const Socket* socket) {
  uint64_t unsent = 0;
  for (PosixOp* op = socket->writes.front(); op != nullptr; op = op->next) {
    if (op->kind == OpKind::Send || op->kind == OpKind::SendTo || op->kind == OpKind::SendMsg) {
      unsent += op->length - op->offset;
    }
  }
  return unsent;
}

void on_trim(uv_prepare_t* handle) {
  Loop* loop = static_cast<Loop*>(handle->data);
  std::vector<Socket*> sockets;
  sockets.swap(loop->to_trim);
  uv_prepare_stop(handle);
  for (Socket* socket : sockets) {
    socket->trim_pending = false;
    if (socket->closed) {
      socket_release(socket);
    } else if (socket->holds_datagrams && !socket->reads.empty()) {
      socket_dispatch(socket, UV_READABLE, false);  // held datagrams to deliver
    } else {
      update_poll(socket, true);
    }
  }
}

void op_cancel(Socket* socket, Op* base) {
  PosixOp* op = static_cast<PosixOp*>(base);
  if (op->in_done) {
    op->cancel_requested = true;  // drain() ends it when done() returns
    return;
  }
  if (!queue_of(socket, op->kind).erase(op)) return;  // not pending (any more)
  op->aborted = true;
  socket->dispatching++;
  finish(socket, op);
  socket->dispatching--;
  update_poll(socket, true);
  if (socket->closed) socket_release(socket);
}

}  // namespace sys

