// The io_uring engine (see uring.h for the design). Linux only: elsewhere
// uring_open says it is unavailable and the epoll/kqueue engine of libuv
// serves.
#include "uring.h"

#include "posix.h"

#if defined(__linux__)

#include <errno.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <new>
#include <vector>

namespace sys {

namespace {

// Submissions of one turn: more are handed over early when these run out.
constexpr unsigned kSubmissionEntries = 256;
// Completions the kernel can post before we read them: a burst of events on
// 10,000 connections overflows into the kernel's backlog (IORING_FEAT_NODROP),
// flushed by the next io_uring_enter.
constexpr unsigned kCompletionEntries = 16384;
// Rounds of reading the completion queue per wake-up of the loop, each
// followed by the promise reactions it caused: traffic between sockets of
// this process keeps refilling the queue, and past this the loop has its
// turn (timers, other handles) before the next round.
constexpr int kRounds = 16;

// user_data of a socket's polls: the Socket's address, with the low bit for
// the write poll (a Socket is aligned to 8). 0 is a cancel's own completion.
constexpr uint64_t kWriteTag = 1;
uint64_t read_tag(Socket* socket) { return reinterpret_cast<uint64_t>(socket); }
uint64_t write_tag(Socket* socket) { return reinterpret_cast<uint64_t>(socket) | kWriteTag; }

int setup(unsigned entries, io_uring_params* params) {
  return static_cast<int>(syscall(__NR_io_uring_setup, entries, params));
}

int enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
  return static_cast<int>(syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, nullptr, 0));
}

}  // namespace

struct Uring {
  Loop* loop = nullptr;
  int fd = -1;
  void* rings = MAP_FAILED;
  size_t rings_size = 0;
  io_uring_sqe* sqes = static_cast<io_uring_sqe*>(MAP_FAILED);
  size_t sqes_size = 0;
  // The submission ring: the kernel's head and our tail, and the tail of
  // the entries filled in but not yet handed to the kernel.
  unsigned* sq_head = nullptr;
  unsigned* sq_tail = nullptr;
  unsigned* sq_flags = nullptr;
  unsigned* sq_array = nullptr;
  unsigned sq_mask = 0;
  unsigned sq_entries = 0;
  unsigned sq_filled = 0;
  // The completion ring: our head, the kernel's tail.
  unsigned* cq_head = nullptr;
  unsigned* cq_tail = nullptr;
  io_uring_cqe* cqes = nullptr;
  unsigned cq_mask = 0;
  // The ring's fd on Node's loop (readable while completions wait), the
  // hand-over of each turn's submissions just before the loop blocks, and
  // an idle handle that keeps the loop from blocking while sockets whose
  // events outran their budget wait in `later`.
  uv_poll_t ring_poll;
  uv_prepare_t flush;
  uv_idle_t keep_turning;
  // Sockets with a read or a write waiting: while there are any, the ring's
  // poll handle keeps the process alive.
  size_t waiting = 0;
  // Polls in the kernel: the loop's close waits for their last completions.
  size_t armed = 0;
  std::vector<Socket*> now;
  std::vector<Socket*> later;
  bool reaping = false;
  int closing_handles = 0;  // uv_close callbacks still to come (in any order)
};

namespace {

// The next submission entry, zeroed; when the ring is full, what it holds
// goes to the kernel first. nullptr when the kernel takes none now.
io_uring_sqe* next_entry(Uring* ring);

// Hands every filled entry to the kernel. False when it takes none now
// (EBUSY: its completion backlog is full until we read ours).
bool submit(Uring* ring) {
  __atomic_store_n(ring->sq_tail, ring->sq_filled, __ATOMIC_RELEASE);
  for (;;) {
    const unsigned waiting = ring->sq_filled - __atomic_load_n(ring->sq_head, __ATOMIC_ACQUIRE);
    if (waiting == 0) return true;
    const int taken = enter(ring->fd, waiting, 0, 0);
    if (taken > 0) continue;
    if (taken < 0 && errno == EINTR) continue;
    return false;  // none taken (EBUSY, EAGAIN): the next turn tries again
  }
}

io_uring_sqe* next_entry(Uring* ring) {
  if (ring->sq_filled - __atomic_load_n(ring->sq_head, __ATOMIC_ACQUIRE) >= ring->sq_entries) {
    submit(ring);
    if (ring->sq_filled - __atomic_load_n(ring->sq_head, __ATOMIC_ACQUIRE) >= ring->sq_entries) return nullptr;
  }
  const unsigned index = ring->sq_filled & ring->sq_mask;
  io_uring_sqe* entry = &ring->sqes[index];
  memset(entry, 0, sizeof(*entry));
  ring->sq_array[index] = index;
  ring->sq_filled++;
  return entry;
}

// The read poll of a stream is multishot: it stays armed and posts a
// completion per wake-up (IORING_CQE_F_MORE set while it does), which a
// request and its reply make one of. A datagram socket is woken by every
// datagram, and a flood of them would cost a completion each, in the
// kernel as much as here (the sender's sendmmsg runs each wake-up): its
// read poll is one-shot, armed once a read has left the socket with
// nothing known to be waiting. A poll looks at the socket when it is armed,
// so what came (or failed) meanwhile completes it at once.
bool multishot_read(const Socket* socket) { return socket_is_stream(socket); }

// IORING_OP_POLL_ADD on the socket's fd. The write poll is one-shot: a
// write waits rarely.
bool arm(Uring* ring, Socket* socket, bool write) {
  io_uring_sqe* entry = next_entry(ring);
  if (entry == nullptr) return false;
  entry->opcode = IORING_OP_POLL_ADD;
  entry->fd = socket->fd;
  entry->poll32_events = write ? POLLOUT : (POLLIN | POLLPRI | POLLRDHUP);
  entry->len = !write && multishot_read(socket) ? IORING_POLL_ADD_MULTI : 0;
  entry->user_data = write ? write_tag(socket) : read_tag(socket);
  (write ? socket->write_armed : socket->read_armed) = true;
  ring->armed++;
  return true;
}

// IORING_OP_ASYNC_CANCEL of one poll: its last completion (-ECANCELED, or
// the event that beat the cancel) comes back as usual.
void cancel(Uring* ring, uint64_t target) {
  io_uring_sqe* entry = next_entry(ring);
  if (entry == nullptr) return;  // the ring's close cancels what is left
  entry->opcode = IORING_OP_ASYNC_CANCEL;
  entry->fd = -1;
  entry->addr = target;
  entry->user_data = 0;
}

void set_waiting(Uring* ring, Socket* socket, bool waiting) {
  if (socket->keeps_alive == waiting) return;
  socket->keeps_alive = waiting;
  uv_handle_t* handle = reinterpret_cast<uv_handle_t*>(&ring->ring_poll);
  if (waiting && ring->waiting++ == 0) uv_ref(handle);
  if (!waiting && --ring->waiting == 0) uv_unref(handle);
}

// A POLLERR not yet handed to socket_dispatch, kept with the ready bits.
constexpr uint8_t kErrorEvent = 0x40;

// Sockets to dispatch: `now`, within this turn's rounds (an event came);
// `later`, at the next turn (the socket had more to do than one batch
// allows, or completed its budget of operations inline). A socket in
// `later` stays there whatever events come meanwhile: a socket that never
// runs dry gets one batch a turn of the loop, as with epoll.
void schedule(Uring* ring, Socket* socket, bool later) {
  if (socket->redo_pending) return;
  socket->redo_pending = true;
  if (later && ring->later.empty()) uv_idle_start(&ring->keep_turning, [](uv_idle_t*) {});
  (later ? ring->later : ring->now).push_back(socket);  // throws only when memory is gone
}

// What the socket's readiness lets its queues do now.
int runnable(const Socket* socket) {
  int events = 0;
  if (!socket->reads.empty() && (socket->ready & UV_READABLE)) events |= UV_READABLE;
  if (!socket->writes.empty() && (socket->ready & UV_WRITABLE)) events |= UV_WRITABLE;
  if (!socket->urgent.empty() && !socket->urgent_inline && (socket->ready & UV_PRIORITIZED)) {
    events |= UV_PRIORITIZED;
  }
  return events;
}

// One completion of a socket's poll: what it says joins Socket::ready.
void on_event(Uring* ring, Socket* socket, bool write, int result, unsigned flags) {
  const bool last = !(flags & IORING_CQE_F_MORE);
  if (last) {
    (write ? socket->write_armed : socket->read_armed) = false;
    ring->armed--;
  }
  if (socket->closed) {
    socket_release(socket);
    return;
  }
  if (result >= 0) {
    int ready = 0;
    if (result & (POLLIN | POLLHUP | POLLRDHUP)) ready |= UV_READABLE;
    if (result & POLLPRI) ready |= UV_PRIORITIZED;
    if (result & POLLOUT) ready |= UV_WRITABLE;
    if (result & POLLERR) ready |= UV_READABLE | UV_WRITABLE | kErrorEvent;
    socket->ready |= ready;
    if (runnable(socket) != 0 || (socket->ready & kErrorEvent)) {
      schedule(ring, socket, false);  // armed again, if need be, after its dispatch
      return;
    }
  }
  // A poll that ended (a write poll's event, or -ECANCELED when the kernel
  // ended a multishot poll whose completions did not fit) is armed again
  // if something still waits for it.
  uring_watch(socket);
}

bool task_work_waits(const Uring* ring) {
  return (__atomic_load_n(ring->sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_TASKRUN) != 0;
}

// Reads the completions that are there now (not those that the handlers'
// own system calls add meanwhile: those wait for the next round).
void reap(Uring* ring) {
  // Completions whose task work has not run yet (COOP_TASKRUN): an
  // io_uring_enter runs it and posts them.
  if (task_work_waits(ring)) enter(ring->fd, 0, 0, IORING_ENTER_GETEVENTS);
  unsigned head = *ring->cq_head;
  const unsigned tail = __atomic_load_n(ring->cq_tail, __ATOMIC_ACQUIRE);
  while (head != tail) {
    const io_uring_cqe completion = ring->cqes[head & ring->cq_mask];
    head++;
    // Given back before it is handled: the handler may run JS, and the
    // kernel may post into the slot meanwhile.
    __atomic_store_n(ring->cq_head, head, __ATOMIC_RELEASE);
    if (completion.user_data == 0) continue;  // a cancel's own result
    Socket* socket = reinterpret_cast<Socket*>(completion.user_data & ~kWriteTag);
    on_event(ring, socket, (completion.user_data & kWriteTag) != 0, completion.res, completion.flags);
  }
  // Completions that did not fit wait in the kernel's backlog until an
  // io_uring_enter asks for them.
  if (__atomic_load_n(ring->sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_CQ_OVERFLOW) {
    enter(ring->fd, 0, 0, IORING_ENTER_GETEVENTS);
  }
}

// Dispatches the sockets scheduled to run now, each once.
void dispatch_now(Uring* ring) {
  std::vector<Socket*> sockets;
  sockets.swap(ring->now);
  for (Socket* socket : sockets) {
    socket->redo_pending = false;
    if (socket->closed) {
      socket_release(socket);
      continue;
    }
    const bool error_event = (socket->ready & kErrorEvent) != 0;
    socket->ready &= ~kErrorEvent;
    int events = runnable(socket) | (error_event ? UV_READABLE | UV_WRITABLE : 0);
    if (events != 0) {
      socket_dispatch(socket, events, error_event);
    } else {
      uring_watch(socket);
    }
  }
}

bool completions_wait(const Uring* ring) {
  return __atomic_load_n(ring->cq_tail, __ATOMIC_ACQUIRE) != *ring->cq_head || task_work_waits(ring);
}

// Rounds of completions, each one batch of the loop's: the promise
// reactions of a round (microtasks run at its end) may send to another
// socket of this process, whose wake-up is then in the queue already.
// `with_later`: the sockets left for this turn run first (once a turn: at
// the prepare handle).
void turn(Uring* ring, bool with_later) {
  if (ring->reaping) return;
  ring->reaping = true;
  Loop* loop = ring->loop;
  if (with_later && !ring->later.empty()) {
    ring->now.insert(ring->now.end(), ring->later.begin(), ring->later.end());
    ring->later.clear();
  }
  for (int round = 0; round < kRounds && (completions_wait(ring) || !ring->now.empty()); round++) {
    loop->hooks.enter(loop->hooks.context);
    reap(ring);
    dispatch_now(ring);
    loop->hooks.leave(loop->hooks.context);
  }
  ring->reaping = false;
  // What the rounds did not get to: the loop must not block before it has.
  if (!ring->now.empty() && ring->later.empty()) {
    ring->later.swap(ring->now);
  } else if (!ring->now.empty()) {
    ring->later.insert(ring->later.end(), ring->now.begin(), ring->now.end());
    ring->now.clear();
  }
  if (ring->later.empty()) {
    uv_idle_stop(&ring->keep_turning);
  } else {
    uv_idle_start(&ring->keep_turning, [](uv_idle_t*) {});
  }
}

void on_ring(uv_poll_t* handle, int, int) {
  turn(static_cast<Uring*>(handle->data), false);
}

// Just before the loop blocks: what this turn's JS asked for goes to the
// kernel (one io_uring_enter), and what is there already is handled.
void on_flush(uv_prepare_t* handle) {
  Uring* ring = static_cast<Uring*>(handle->data);
  ring->loop->turn++;
  turn(ring, true);
  if (!submit(ring)) uv_idle_start(&ring->keep_turning, [](uv_idle_t*) {});  // try again next turn
}

void unmap(Uring* ring) {
  if (ring->sqes != MAP_FAILED) munmap(ring->sqes, ring->sqes_size);
  if (ring->rings != MAP_FAILED) munmap(ring->rings, ring->rings_size);
  if (ring->fd >= 0) ::close(ring->fd);
}

}  // namespace

Uring* uring_open(Loop* loop, std::string* why) {
  io_uring_params params{};
  const auto open_with = [&params](unsigned flags) {
    params = io_uring_params{};
    params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | flags;
    params.cq_entries = kCompletionEntries;
    return setup(kSubmissionEntries, &params);
  };
  // COOP_TASKRUN (5.19): a completion's task work waits for this thread's
  // next entry into the kernel instead of interrupting it; TASKRUN_FLAG says
  // when some waits (reap). An older kernel refuses them: without.
  int fd = open_with(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG);
  if (fd < 0 && errno == EINVAL) fd = open_with(0);
  if (fd < 0) {
    *why = std::string("io_uring_setup: ") + (error_code_name(errno) ? error_code_name(errno) : strerror(errno));
    return nullptr;
  }
  // IORING_FEAT_CQE_SKIP marks 5.17: the multishot poll and the async
  // cancel this needs came before it, NODROP (no completion is lost) in 5.5.
  const unsigned needed = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_CQE_SKIP;
  if ((params.features & needed) != needed) {
    ::close(fd);
    *why = "io_uring: the kernel is older than 5.17";
    return nullptr;
  }
  auto* ring = new (std::nothrow) Uring;
  if (ring == nullptr) {
    ::close(fd);
    *why = "io_uring: out of memory";
    return nullptr;
  }
  ring->loop = loop;
  ring->fd = fd;
  ring->rings_size = std::max<size_t>(params.sq_off.array + params.sq_entries * sizeof(unsigned),
                                      params.cq_off.cqes + params.cq_entries * sizeof(io_uring_cqe));
  ring->rings = mmap(nullptr, ring->rings_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                     IORING_OFF_SQ_RING);
  ring->sqes_size = params.sq_entries * sizeof(io_uring_sqe);
  ring->sqes = static_cast<io_uring_sqe*>(mmap(nullptr, ring->sqes_size, PROT_READ | PROT_WRITE,
                                               MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES));
  if (ring->rings == MAP_FAILED || ring->sqes == MAP_FAILED) {
    *why = std::string("io_uring mmap: ") + strerror(errno);
    unmap(ring);
    delete ring;
    return nullptr;
  }
  char* base = static_cast<char*>(ring->rings);
  ring->sq_head = reinterpret_cast<unsigned*>(base + params.sq_off.head);
  ring->sq_tail = reinterpret_cast<unsigned*>(base + params.sq_off.tail);
  ring->sq_flags = reinterpret_cast<unsigned*>(base + params.sq_off.flags);
  ring->sq_array = reinterpret_cast<unsigned*>(base + params.sq_off.array);
  ring->sq_mask = *reinterpret_cast<unsigned*>(base + params.sq_off.ring_mask);
  ring->sq_entries = params.sq_entries;
  ring->sq_filled = *ring->sq_tail;
  ring->cq_head = reinterpret_cast<unsigned*>(base + params.cq_off.head);
  ring->cq_tail = reinterpret_cast<unsigned*>(base + params.cq_off.tail);
  ring->cq_mask = *reinterpret_cast<unsigned*>(base + params.cq_off.ring_mask);
  ring->cqes = reinterpret_cast<io_uring_cqe*>(base + params.cq_off.cqes);

  const int code = uv_poll_init(loop->uv, &ring->ring_poll, fd);
  if (code != 0) {
    *why = std::string("uv_poll_init: ") + uv_err_name(code);
    unmap(ring);
    delete ring;
    return nullptr;
  }
  ring->ring_poll.data = ring;
  uv_poll_start(&ring->ring_poll, UV_READABLE, on_ring);
  uv_unref(reinterpret_cast<uv_handle_t*>(&ring->ring_poll));
  uv_prepare_init(loop->uv, &ring->flush);
  ring->flush.data = ring;
  uv_prepare_start(&ring->flush, on_flush);
  uv_unref(reinterpret_cast<uv_handle_t*>(&ring->flush));
  uv_idle_init(loop->uv, &ring->keep_turning);
  ring->keep_turning.data = ring;
  uv_unref(reinterpret_cast<uv_handle_t*>(&ring->keep_turning));
  return ring;
}

void uring_watch(Socket* socket) {
  if (socket->closed) return;
  Uring* ring = socket->loop->uring;
  bool armed = true;
  if (!socket->read_armed && (!socket->reads.empty() || !socket->urgent.empty()) &&
      (multishot_read(socket) || !(socket->ready & UV_READABLE))) {
    armed = arm(ring, socket, false);
  }
  if (armed && !socket->write_armed && !socket->writes.empty() && !(socket->ready & UV_WRITABLE)) {
    armed = arm(ring, socket, true);
  }
  set_waiting(ring, socket, !socket->reads.empty() || !socket->writes.empty());
  if (!armed) {
    // No room in the ring and the kernel takes nothing now: try again
    // next turn rather than wait for an event that cannot come.
    schedule(ring, socket, true);
    return;
  }
  // It could go on now, but did not (its batch, or its operations done
  // inline in a row, reached their bound): next turn.
  if (runnable(socket) != 0 && !(socket->ready & kReadyInDispatch)) schedule(ring, socket, true);
}

void uring_forget(Socket* socket) {
  Uring* ring = socket->loop->uring;
  set_waiting(ring, socket, false);
  if (socket->read_armed) cancel(ring, read_tag(socket));
  if (socket->write_armed) cancel(ring, write_tag(socket));
  if (socket->read_armed || socket->write_armed) submit(ring);
}

void uring_close(Uring* ring) {
  Loop* loop = ring->loop;
  submit(ring);
  // Each socket is closed (their cancels are in): wait for the kernel to
  // give back each poll, so no Socket is freed while the kernel may still
  // name it. Cancels complete at once; the bound only guards a stuck kernel.
  for (int attempt = 0; ring->armed > 0 && attempt < 100; attempt++) {
    pollfd ready{ring->fd, POLLIN, 0};
    if (poll(&ready, 1, 10) < 0 && errno != EINTR) break;
    unsigned head = *ring->cq_head;
    while (head != __atomic_load_n(ring->cq_tail, __ATOMIC_ACQUIRE)) {
      const io_uring_cqe completion = ring->cqes[head & ring->cq_mask];
      __atomic_store_n(ring->cq_head, ++head, __ATOMIC_RELEASE);
      if (completion.user_data == 0 || (completion.flags & IORING_CQE_F_MORE)) continue;
      Socket* socket = reinterpret_cast<Socket*>(completion.user_data & ~kWriteTag);
      ((completion.user_data & kWriteTag) ? socket->write_armed : socket->read_armed) = false;
      ring->armed--;
      socket_release(socket);
    }
  }
  for (auto* list : {&ring->now, &ring->later}) {
    for (Socket* socket : *list) {
      socket->redo_pending = false;
      socket_release(socket);
    }
    list->clear();
  }
  loop->uring = nullptr;
  uv_poll_stop(&ring->ring_poll);
  uv_prepare_stop(&ring->flush);
  uv_idle_stop(&ring->keep_turning);
  // The handles live in the ring: it is freed after the last close callback.
  struct Closing {
    static void one(uv_handle_t* handle) {
      Uring* ring = static_cast<Uring*>(handle->data);
      Loop* loop = ring->loop;
      if (--ring->closing_handles == 0) {
        unmap(ring);
        delete ring;
      }
      loop_poll_closed(loop);
    }
  };
  ring->closing_handles = 3;
  loop->closing_polls += 3;
  uv_close(reinterpret_cast<uv_handle_t*>(&ring->ring_poll), Closing::one);
  uv_close(reinterpret_cast<uv_handle_t*>(&ring->flush), Closing::one);
  uv_close(reinterpret_cast<uv_handle_t*>(&ring->keep_turning), Closing::one);
}

}  // namespace sys

#else  // not Linux

namespace sys {

Uring* uring_open(Loop*, std::string* why) {
  *why = "io_uring is Linux's";
  return nullptr;
}
void uring_close(Uring*) {}
void uring_watch(Socket*) {}
void uring_forget(Socket*) {}

}  // namespace sys

#endif
