// Shared definitions of the POSIX backend (native/posix/*.cc only).
#pragma once

#include <errno.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../sys.h"

namespace sys {

struct PosixOp;
struct Uring;
struct DatagramReads;

// A FIFO of operations linked through the ops themselves: an idle socket
// pays two pointers per queue, not a std::deque's preallocated block.
class OpQueue {
 public:
  bool empty() const { return head_ == nullptr; }
  bool single() const { return head_ != nullptr && head_ == tail_; }
  PosixOp* front() const { return head_; }
  void push_back(PosixOp* op);
  void pop_front();
  bool erase(PosixOp* op);  // false when the op is not queued here
  // Moves every op to the back of `into`, leaving this queue empty.
  void move_to(OpQueue& into);

 private:
  PosixOp* head_ = nullptr;
  PosixOp* tail_ = nullptr;
};

struct Loop {
  napi_env env = nullptr;
  uv_loop_t* uv = nullptr;
  LoopHooks hooks;
  // Every open socket, so the environment's cleanup can close them: a list
  // through the sockets themselves (a set's node and bucket cost an idle
  // connection 32 bytes more).
  Socket* open = nullptr;
  // Receives of up to kScratchSize bytes land here and are copied out by
  // the glue during done(): one buffer per loop serves every socket since
  // completions are serial. Its size is fixed; larger reads are sized by
  // what has arrived (see ops.cc), so no read pins what it only asked for.
  std::unique_ptr<char[]> scratch;
  // Sockets whose poll may watch for more than their queues need: trimmed
  // just before the loop blocks (see ops.cc), by an unreferenced prepare
  // handle, so a forgotten interest never keeps the process alive.
  uv_prepare_t trim;
  std::vector<Socket*> to_trim;
  // loop_call_at_turn_end: the check that calls hooks.turn_end after the
  // poll phase, and the idle that keeps that poll from blocking meanwhile.
  uv_check_t turn_end;
  uv_idle_t turn_idle;
  // Handles handed to uv_close whose callbacks have not run yet.
  int closing_polls = 0;
  bool closing = false;
  // The io_uring engine (uring.h), or nullptr for epoll through libuv; and
  // why io_uring is not the live one, when it is not.
  Uring* uring = nullptr;
  std::string engine_fallback;
  // The batch a datagram socket's continuous read takes with recvmmsg, and
  // the datagrams sockets hold (batch_reads.cc); made on first use.
  DatagramReads* datagram_reads = nullptr;
  // Counts the loop's turns (io_uring): a socket's budget of completions
  // (Socket::turn_left) is per turn, however many events the turn brings.
  uint16_t turn = 0;
  void (*finished)(void*) = nullptr;
  void* finished_context = nullptr;
};

// Fields are grouped by size so that a socket fits a 128-byte allocation.
struct Socket {
  Loop* loop = nullptr;
  Socket* open_prev = nullptr;  // Loop::open, while not closed
  Socket* open_next = nullptr;
  // The poll handle is made on the first EAGAIN and freed in its close
  // callback; a socket whose poll is closing is released there.
  uv_poll_t* poll = nullptr;
  OpQueue reads;    // Accept, Recv, RecvFrom, in order
  OpQueue writes;   // Connect, Send, SendTo, in order
  OpQueue urgent;   // UrgentWait
  uint64_t last_activity = 0;
  int fd = -1;
  int family = 0;
  int type = 0;
  int polled_events = 0;
  // How many frames of this socket's completion loop are on the stack: the
  // struct outlives them even if done() closes the socket.
  int dispatching = 0;
  bool closed = false;
  bool trim_pending = false;  // listed in Loop::to_trim
  // A read tried at once found nothing: the next ones wait for readiness
  // first, until a read fills its whole buffer (more is likely waiting).
  bool reads_wait = false;
  // Urgent data waits inline (SO_OOBINLINE) and the watch has said so:
  // UV_PRIORITIZED stays asserted until a read takes the byte, so it is not
  // polled for until then (level-triggered polling would spin).
  bool urgent_inline = false;
  // The io_uring engine: its read poll (multishot) and write poll (one-shot)
  // are in the kernel; the socket waits in its list of dispatches to redo;
  // it counts among the sockets that keep the loop alive.
  bool read_armed = false;
  bool write_armed = false;
  bool redo_pending = false;
  bool keeps_alive = false;
  // A datagram socket made here that was never connected and never asked
  // for IP_RECVERR: no asynchronous error can be pending for its sends, so
  // socket_send_datagrams may batch them (batch.cc).
  bool batches_sends = false;
  // A continuous read stopped in the middle of a recvmmsg batch: the
  // datagrams it took and did not deliver wait in Loop::datagram_reads,
  // and the next reads get them first (batch_reads.cc).
  bool holds_datagrams = false;
  // The io_uring engine: what its events said the socket can do (UV_READABLE,
  // UV_WRITABLE, UV_PRIORITIZED), each until a system call says otherwise.
  // A new socket tries its system calls first, as with epoll.
  uint8_t ready = UV_READABLE | UV_WRITABLE | UV_PRIORITIZED;
  // Completions each queue may still hand out in this batch (epoll: per
  // event; io_uring: per turn of the loop, Loop::turn being the one of turn_of).
  int16_t reads_left = 0;
  int16_t writes_left = 0;
  uint16_t turn_of = 0;
  // Operations completed inline (from op_submit) since the loop last
  // polled this socket: past a bound the next one waits for the loop, so a
  // chain of promise reactions cannot keep timers and other sockets waiting.
  int16_t inline_streak = 0;
};

constexpr size_t kScratchSize = 64 * 1024;

// Socket::ready beside the UV_* bits: socket_dispatch is running for it (an
// operation JS starts meanwhile must not schedule another dispatch: the
// running one decides at its end what is left).
constexpr uint8_t kReadyInDispatch = 0x80;

struct PosixOp : Op {
  explicit PosixOp(OpKind k) noexcept : Op(k) {}
  PosixOp* next = nullptr;  // OpQueue link
  size_t offset = 0;        // Send: bytes of `data` already sent
  size_t carried = 0;       // Send: bytes sent before `data` became `owned`
  // Send: the bytes still to send, copied when the op has to wait (JS may
  // detach its buffer as soon as op_submit returns). Recv: a buffer for a
  // read larger than the scratch buffer, sized by what arrived.
  std::unique_ptr<char[]> owned;
  bool connect_started = false;
  std::vector<char> gathered;  // Recv with MSG_WAITALL: bytes so far
  // SendMsg: our copy of the control bytes once it has to wait; RecvMsg:
  // the room for the control bytes the stack writes.
  std::unique_ptr<char[]> control_owned;
  bool in_done = false;        // repeat: done() is running for a chunk
  bool cancel_requested = false;  // repeat: op_cancel came from inside done()
};

inline void OpQueue::push_back(PosixOp* op) {
  op->next = nullptr;
  if (tail_ == nullptr) {
    head_ = tail_ = op;
  } else {
    tail_->next = op;
    tail_ = op;
  }
}

inline void OpQueue::pop_front() {
  head_ = head_->next;
  if (head_ == nullptr) tail_ = nullptr;
}

inline bool OpQueue::erase(PosixOp* op) {
  PosixOp* previous = nullptr;
  for (PosixOp* at = head_; at != nullptr; previous = at, at = at->next) {
    if (at != op) continue;
    (previous == nullptr ? head_ : previous->next) = at->next;
    if (tail_ == at) tail_ = previous;
    return true;
  }
  return false;
}

inline void OpQueue::move_to(OpQueue& into) {
  while (!empty()) {
    PosixOp* op = head_;
    pop_front();
    into.push_back(op);
  }
}

// ops.cc, socket.cc, loop.cc
void socket_abort_all(Socket* socket, bool teardown);
void socket_release(Socket* socket);
Socket* socket_from_fd(Loop* loop, int fd, int family, int type);
void loop_poll_closed(Loop* loop);
void loop_trim_later(Socket* socket);
void on_trim(uv_prepare_t* handle);
// ops.cc: what a poll event (epoll's or io_uring's) means for the socket's
// queues, run as one batch of the loop's. `error_event`: POLLERR.
void socket_dispatch(Socket* socket, int events, bool error_event);
// calls.cc: one try of an operation's system call. Again: it would block,
// the operation waits for readiness (or its answer comes later).
enum class Step { Done, Again };
Step perform(Socket* socket, PosixOp* op);
// A send that has to wait keeps its own copy of the bytes still to go; false
// when memory ran out.
bool own_send_bytes(PosixOp* op);
// Whether a system call's errno says "try again on readiness".
inline bool would_block(int code) { return code == EAGAIN || code == EWOULDBLOCK || code == EINTR; }
// batch.cc: setsockopt(level, name) asks for asynchronous errors to be
// reported (IP_RECVERR, IPV6_RECVERR): the socket's sends go one by one.
bool receives_errors(int level, int name);
// message.cc: one try of sendmsg / recvmsg; false when it would block.
bool message_send(Socket* socket, PosixOp* op);
bool own_control_bytes(PosixOp* op);
bool message_receive(Socket* socket, PosixOp* op, char* buffer, size_t capacity);
// ops.cc: hands a chunk of a continuous read to done(), the op left armed;
// false when the op must end now instead.
bool deliver_chunk(Socket* socket, PosixOp* op);
// batch_reads.cc. Datagrams one recvmmsg of a continuous read takes at most.
constexpr unsigned kReadBatch = 32;
// Whether `op`, at the front of the socket's reads, is a continuous read
// of datagrams that recvmmsg serves.
bool reads_datagrams_in_batches(const Socket* socket, const PosixOp* op);
enum class BatchStep {
  Delivered,   // every datagram of the batch went to done(); the op is still armed
  Emptied,     // as Delivered, with fewer than asked: the stack had no more
  Again,       // nothing was there: wait for readiness
  Ended,       // the op must finish now: an error, or stopped (or closed) from done()
  NotBatched,  // no memory for a batch: read one by one
};
// One recvmmsg of at most *left datagrams, each delivered; *left counts them down.
BatchStep read_datagram_batch(Socket* socket, PosixOp* op, int16_t* left);
// A read of a socket that holds datagrams takes the first into `buffer`
// (with its sender, flags and control bytes); false when it holds none.
bool take_held_datagram(Socket* socket, PosixOp* op, char* buffer, size_t capacity);
void drop_held_datagrams(Socket* socket);
void datagram_reads_free(Loop* loop);

}  // namespace sys
