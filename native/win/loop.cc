// Per-environment state of the Windows backend: Winsock's reference count,
// one I/O completion port, one thread draining it, and the threadsafe
// function that carries the thread's batches to the JS thread.
//
// Why a thread of our own and not libuv's loop: libuv owns Node's completion
// port and dispatches only its own request types from it, so overlapped
// Winsock calls need a port the addon owns (as Boost.Asio and wepoll do).
#include "win.h"

namespace sys {

namespace {

// Completion keys: every socket is associated with kSocketKey; the stop
// sentinel is a packet of its own with no OVERLAPPED.
constexpr ULONG_PTR kSocketKey = 1;
constexpr ULONG_PTR kStopKey = 2;
// At most this many packets per GetQueuedCompletionStatusEx, one JS batch.
constexpr ULONG kBatchSize = 64;
// Completions a socket gets between two turns of the loop (libuv's uv__read
// stops after 32 reads for the same reason).
constexpr int kPerTurn = 32;
// After the stop sentinel, how long the thread waits for the packets still
// owed by closed sockets (they come at once on Windows and Wine; the bound
// only keeps a misbehaving stack from hanging the environment's exit).
constexpr ULONGLONG kDrainMillis = 5000;

struct Batch {
  Loop* loop;
  ULONG count;
  OVERLAPPED_ENTRY entries[kBatchSize];
};

WinOp* op_of(const OVERLAPPED_ENTRY& entry) {
  return reinterpret_cast<WinOp::Io*>(entry.lpOverlapped)->op;
}

// WSAStartup is per process and reference counted by Winsock itself; we
// keep our own count so there is exactly one WSAStartup/WSACleanup pair
// for all environments, and the description of the first one.
std::mutex wsa_mutex;
int wsa_users = 0;
std::string wsa_description;

Error wsa_startup() {
  std::lock_guard<std::mutex> lock(wsa_mutex);
  if (wsa_users == 0) {
    WSADATA data{};
    const int rc = WSAStartup(MAKEWORD(2, 2), &data);
    if (rc != 0) return Error{rc, "WSAStartup"};  // WSAStartup returns the code
    if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
      WSACleanup();
      return Error{WSAVERNOTSUPPORTED, "WSAStartup"};
    }
    wsa_description = data.szDescription;
  }
  wsa_users++;
  return ok();
}

// On the JS thread (a normal batch) or, with env == nullptr, wherever Node
// empties the queue of a threadsafe function that is going away: then no JS
// may run, and the Loop may already be gone, so only the packets are seen to.
void finish(Loop* loop);

void schedule_turn(napi_env env, Loop* loop);

// Hands a packet to its operation, or holds it for the next turn when its
// socket has had its share of this one.
void dispatch(napi_env env, Loop* loop, const OVERLAPPED_ENTRY& entry) {
  WinOp* op = op_of(entry);
  if (op->socket != nullptr && !op->socket->closed && loop_over_budget(op->socket)) {
    try {
      loop->held.push_back(entry);
      schedule_turn(env, loop);
      return;
    } catch (const std::bad_alloc&) {
      // No room to hold it: deliver it now rather than lose it.
    }
  }
  op_packet(op);
}

// The immediate: a new turn. Held packets go first, within the budget.
napi_value resume(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &data);
  Loop* loop = static_cast<Loop*>(data);
  loop->turn_scheduled = false;
  loop->turn++;
  if (loop->closing || loop->held.empty()) return nullptr;
  std::vector<OVERLAPPED_ENTRY> held;
  held.swap(loop->held);
  if (loop->hooks.enter != nullptr) loop->hooks.enter(loop->hooks.context);
  for (size_t i = 0; i < held.size(); i++) {
    loop->dispatch_left = held.size() - i - 1;
    dispatch(env, loop, held[i]);
  }
  loop->dispatch_left = 0;
  if (loop->hooks.leave != nullptr) loop->hooks.leave(loop->hooks.context);
  return nullptr;
}

// setImmediate(resume), once per turn.
void schedule_turn(napi_env env, Loop* loop) {
  if (loop->turn_scheduled) return;
  napi_value global, set_immediate, function, result;
  if (napi_get_global(env, &global) != napi_ok ||
      napi_get_named_property(env, global, "setImmediate", &set_immediate) != napi_ok ||
      napi_get_reference_value(env, loop->resume, &function) != napi_ok || function == nullptr ||
      napi_call_function(env, global, set_immediate, 1, &function, &result) != napi_ok) {
    // JS cannot run (a Worker terminating): teardown will discard the rest.
    return;
  }
  loop->turn_scheduled = true;
}

// A C callback of Node's: nothing here throws (op_packet and done() don't).
void deliver(napi_env env, napi_value, void*, void* data) {
  auto* batch = static_cast<Batch*>(data);
  Loop* loop = batch->loop;
  if (env == nullptr || loop->closing) {
    for (ULONG i = 0; i < batch->count; i++) op_packet_discard(op_of(batch->entries[i]));
  } else {
    if (loop->hooks.enter != nullptr) loop->hooks.enter(loop->hooks.context);
    loop->delivering = true;
    for (ULONG i = 0; i < batch->count; i++) {
      loop->dispatch_left = batch->count - i - 1;
      dispatch(env, loop, batch->entries[i]);
    }
    loop->dispatch_left = 0;
    loop->delivering = false;
    if (loop->hooks.leave != nullptr) loop->hooks.leave(loop->hooks.context);
  }
  delete batch;
  // The last batch of a finalized threadsafe function: now the Loop may go
  // (its WSACleanup comes after every closesocket the batches made).
  if (--loop->queued_batches == 0 && loop->tsfn_finalized && loop->closing && loop->thread_stopped) {
    finish(loop);
  }
}

DWORD WINAPI completion_thread(void* argument) {
  Loop* loop = static_cast<Loop*>(argument);
  bool stopping = false;
  ULONGLONG deadline = 0;
  for (;;) {
    DWORD timeout = INFINITE;
    if (stopping) {
      if (loop->outstanding.load() <= 0) break;
      const ULONGLONG now = GetTickCount64();
      if (now >= deadline) break;  // leak what never came rather than hang
      timeout = static_cast<DWORD>(deadline - now);
    }
    auto* batch = new (std::nothrow) Batch;
    if (batch == nullptr) {
      Sleep(1);  // out of memory: the packets wait in the port meanwhile
      continue;
    }
    batch->loop = loop;
    ULONG count = 0;
    if (!GetQueuedCompletionStatusEx(loop->port, batch->entries, kBatchSize, &count, timeout,
                                     FALSE)) {
      const DWORD code = GetLastError();
      delete batch;
      if (code == WAIT_TIMEOUT) continue;
      break;  // the port itself failed: nothing more can come from it
    }
    ULONG kept = 0;
    for (ULONG i = 0; i < count; i++) {
      if (batch->entries[i].lpCompletionKey == kStopKey || batch->entries[i].lpOverlapped == nullptr) {
        if (!stopping) deadline = GetTickCount64() + kDrainMillis;
        stopping = true;
        continue;
      }
      loop->outstanding--;
      batch->entries[kept++] = batch->entries[i];
    }
    batch->count = kept;
    if (kept == 0) {
      delete batch;
      continue;
    }
    bool handed = false;
    if (!stopping) {
      std::lock_guard<std::mutex> lock(loop->tsfn_mutex);
      // Unbounded queue: the call never blocks, so holding the mutex is short.
      if (loop->tsfn_alive) {
        loop->queued_batches++;
        handed = napi_call_threadsafe_function(loop->tsfn, batch, napi_tsfn_nonblocking) == napi_ok;
        if (!handed) loop->queued_batches--;
      }
    }
    if (!handed) {
      // JS is gone or going: only the memory is to be seen to.
      for (ULONG i = 0; i < kept; i++) op_packet_discard(op_of(batch->entries[i]));
      delete batch;
    }
  }
  return 0;
}

void finish(Loop* loop) {
  if (loop->port != nullptr) CloseHandle(loop->port);
  wsa_cleanup_once();
  void (*finished)(void*) = loop->finished;
  void* context = loop->finished_context;
  delete loop;
  if (finished != nullptr) finished(context);
}

// Node calls this once the threadsafe function is gone: after our release
// in loop_close, or from its own cleanup hook if that ran first.
void on_tsfn_finalized(napi_env, void* data, void*) {
  Loop* loop = static_cast<Loop*>(data);
  {
    std::lock_guard<std::mutex> lock(loop->tsfn_mutex);
    loop->tsfn_alive = false;
    loop->tsfn = nullptr;
  }
  // Batches still queued are handed to deliver() with env == nullptr right
  // after this returns; the last of them finishes the Loop.
  loop->tsfn_finalized = true;
  if (loop->closing && loop->thread_stopped && loop->queued_batches == 0) finish(loop);
}

void stop_thread(Loop* loop) {
  if (loop->thread == nullptr) return;
  if (!PostQueuedCompletionStatus(loop->port, 0, kStopKey, nullptr)) {
    // Cannot happen with a valid port; closing it makes the wait fail and
    // the thread return (any packets still owed are then leaked, not freed).
    CloseHandle(loop->port);
    loop->port = nullptr;
  }
  WaitForSingleObject(loop->thread, INFINITE);
  CloseHandle(loop->thread);
  loop->thread = nullptr;
}

}  // namespace

uint64_t monotonic_ns() {
  static const double ticks_per_ns = [] {
    LARGE_INTEGER frequency;
    QueryPerformanceFrequency(&frequency);  // never fails on Windows XP and later
    return static_cast<double>(frequency.QuadPart) / 1e9;
  }();
  LARGE_INTEGER counter;
  QueryPerformanceCounter(&counter);
  return static_cast<uint64_t>(static_cast<double>(counter.QuadPart) / ticks_per_ns);
}

void wsa_cleanup_once() {
  std::lock_guard<std::mutex> lock(wsa_mutex);
  if (wsa_users > 0 && --wsa_users == 0) WSACleanup();
}

// Operations waiting keep Node's loop alive, as an active uv handle would.
void loop_track_op(Loop* loop, int delta) {
  loop->pending_ops += delta;
  if (loop->closing || loop->tsfn == nullptr) return;
  const bool want = loop->pending_ops > 0;
  if (want == loop->tsfn_referenced) return;
  napi_status status = want ? napi_ref_threadsafe_function(loop->env, loop->tsfn)
                            : napi_unref_threadsafe_function(loop->env, loop->tsfn);
  if (status == napi_ok) loop->tsfn_referenced = want;
}

void loop_expect_packet(Loop* loop) { loop->outstanding++; }

bool loop_over_budget(Socket* socket) {
  if (socket->turn_seen != socket->loop->turn) {
    socket->turn_seen = socket->loop->turn;
    socket->turn_used = 0;
  }
  return socket->turn_used >= kPerTurn;
}

void loop_spend(Socket* socket) {
  loop_over_budget(socket);  // starts a new turn's count when one began
  socket->turn_used++;
}

bool loop_others_waiting(const Loop* loop) {
  return loop->dispatch_left > 0 || !loop->held.empty() ||
         loop->queued_batches.load() > (loop->delivering ? 1 : 0);
}

bool loop_hold(Loop* loop, OVERLAPPED* overlapped) {
  OVERLAPPED_ENTRY entry{};
  entry.lpCompletionKey = kSocketKey;
  entry.lpOverlapped = overlapped;
  try {
    loop->held.push_back(entry);
  } catch (const std::bad_alloc&) {
    return false;
  }
  schedule_turn(loop->env, loop);
  return true;
}

ULONG_PTR loop_socket_key() { return kSocketKey; }

Loop* loop_open(napi_env env, const LoopHooks& hooks, Error* error) {
  Error started = wsa_startup();
  if (started) {
    *error = started;
    return nullptr;
  }
  auto* loop = new Loop;
  loop->env = env;
  loop->hooks = hooks;
  loop->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
  if (loop->port == nullptr) {
    *error = Error{static_cast<int>(GetLastError()), "CreateIoCompletionPort"};
    delete loop;
    wsa_cleanup_once();
    return nullptr;
  }
  napi_value name = nullptr;
  napi_status status = napi_create_string_utf8(env, "winsock:completion", NAPI_AUTO_LENGTH, &name);
  if (status == napi_ok) {
    status = napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, loop,
                                             on_tsfn_finalized, loop, deliver, &loop->tsfn);
  }
  // Idle until an operation waits: an open socket alone does not keep Node
  // running (like an unref'd handle); a pending accept or recv does.
  if (status == napi_ok) status = napi_unref_threadsafe_function(env, loop->tsfn);
  napi_value resume_function = nullptr;
  if (status == napi_ok) {
    status = napi_create_function(env, "winsockTurn", NAPI_AUTO_LENGTH, resume, loop, &resume_function);
  }
  if (status == napi_ok) status = napi_create_reference(env, resume_function, 1, &loop->resume);
  if (status != napi_ok) {
    *error = Error{ERROR_NOT_ENOUGH_MEMORY, "napi_create_threadsafe_function"};
    if (loop->tsfn != nullptr) {
      // No thread yet: on_tsfn_finalized finishes the loop (port, WSACleanup).
      loop->closing = true;
      loop->thread_stopped = true;
      napi_release_threadsafe_function(loop->tsfn, napi_tsfn_abort);
      return nullptr;
    }
    CloseHandle(loop->port);
    delete loop;
    wsa_cleanup_once();
    return nullptr;
  }
  loop->tsfn_alive = true;
  loop->thread = CreateThread(nullptr, 0, completion_thread, loop, 0, nullptr);
  if (loop->thread == nullptr) {
    *error = Error{static_cast<int>(GetLastError()), "CreateThread"};
    loop->closing = true;
    loop->thread_stopped = true;
    napi_release_threadsafe_function(loop->tsfn, napi_tsfn_abort);  // finish() follows
    return nullptr;
  }
  return loop;
}

void loop_close(Loop* loop, void (*finished)(void* context), void* context) {
  loop->closing = true;
  loop->finished = finished;
  loop->finished_context = context;
  // Every pending operation completes now with `teardown` (no JS runs).
  socket_close_all(loop);
  // Packets held for a turn that will not come belong to aborted ops now.
  for (const OVERLAPPED_ENTRY& entry : loop->held) op_packet_discard(op_of(entry));
  loop->held.clear();
  if (loop->resume != nullptr) {
    napi_delete_reference(loop->env, loop->resume);
    loop->resume = nullptr;
  }
  // The thread drains the packets the closed sockets still owe, freeing
  // them itself, and returns; only then may the threadsafe function go.
  stop_thread(loop);
  loop->thread_stopped = true;
  bool alive;
  {
    std::lock_guard<std::mutex> lock(loop->tsfn_mutex);
    alive = loop->tsfn_alive;
  }
  if (alive) {
    // on_tsfn_finalized calls finish() once Node has let go of it. (Should
    // the release fail, Node's own cleanup hook for it still finalizes it.)
    napi_release_threadsafe_function(loop->tsfn, napi_tsfn_abort);
    return;
  }
  finish(loop);
}

// Each delivery is the packets of one GetQueuedCompletionStatusEx: the
// glue settles them as that batch ends.
bool loop_call_at_turn_end(Loop*) { return false; }

const char* backend_name() { return "winsock"; }

const char* engine_name(Loop*) { return "iocp"; }
std::string engine_fallback(Loop*) { return std::string(); }

std::string backend_description(Loop*) {
  std::lock_guard<std::mutex> lock(wsa_mutex);
  return wsa_description;
}

}  // namespace sys
