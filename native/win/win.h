// Shared definitions of the Windows backend (native/win/*.cc only).
//
// Ownership in one paragraph. Every overlapped call has an OVERLAPPED that
// Windows may write until the completion packet for it has been dequeued, so
// the memory around it (the WinOp) lives until two things have both happened:
// the packet has arrived (or none was ever expected: failed at once, or
// succeeded inline under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) and the
// operation has been released (done() was called, normally or as an abort
// from socket_close). Whichever of the two comes second frees it. The bits
// are atomic because in one case the second can happen off the JS thread:
// when the environment tears down, the completion thread frees packets of
// already-aborted operations itself. Each WinOp holds a reference on its
// Socket, so a closed Socket also stays until its last packet has arrived.
#pragma once

#include "system_headers.h"

#include "afd.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../sys.h"

namespace sys {

struct WinOp;

struct Loop {
  napi_env env = nullptr;
  LoopHooks hooks;
  HANDLE port = nullptr;    // the completion port of this environment
  HANDLE thread = nullptr;  // blocks in GetQueuedCompletionStatusEx
  // The thread hands batches to the JS thread through this. It may only be
  // used while `tsfn_alive` (under tsfn_mutex): Node deletes a threadsafe
  // function in its own environment cleanup hook, whatever threads still hold it.
  napi_threadsafe_function tsfn = nullptr;
  std::mutex tsfn_mutex;
  bool tsfn_alive = false;
  bool tsfn_referenced = false;  // JS thread: ref'd while operations wait
  // Packets the port still owes us (submitted, not yet dequeued). The thread
  // stops only when this reaches zero after the stop sentinel, so no
  // OVERLAPPED is ever freed while the kernel may still write it.
  std::atomic<long> outstanding{0};
  long pending_ops = 0;  // JS thread: operations not completed yet (keeps Node alive)
  // Batches handed to the threadsafe function and not delivered yet. Node
  // calls its finalizer before it empties the queue (with env == nullptr),
  // so the Loop (and WSACleanup) waits until the last one came through.
  std::atomic<long> queued_batches{0};
  bool tsfn_finalized = false;
  // Fairness (JS thread). Node runs up to 1000 queued batches in one turn of
  // its loop, so a busy socket could hold the loop for good: each socket
  // gets kPerTurn completions between two turns, and packets past that wait
  // in `held` for an immediate (setImmediate runs after the poll phase, so
  // timers and other I/O have had their turn). A read that completes at
  // once waits there too while other results are queued (loop_others_waiting).
  std::vector<OVERLAPPED_ENTRY> held;
  uint64_t turn = 1;
  bool turn_scheduled = false;
  // Packets after the one being dispatched, in the batch or held list now
  // being delivered; and whether a batch is being delivered (it counts
  // itself in queued_batches).
  size_t dispatch_left = 0;
  bool delivering = false;
  napi_ref resume = nullptr;  // the native function the immediate calls
  // Every open socket (JS thread), so loop_close can close them.
  Socket* sockets = nullptr;
  bool closing = false;
  bool thread_stopped = false;
  void (*finished)(void*) = nullptr;
  void* finished_context = nullptr;
};

struct Socket {
  Loop* loop = nullptr;
  SOCKET handle = INVALID_SOCKET;
  int family = 0;
  int type = 0;
  int protocol = 0;
  // Whether SetFileCompletionNotificationModes took: if not, an operation
  // that succeeds at once still queues a packet and must be left to it.
  bool skip_on_success = false;
  // A socket adopted from another environment: its handle is a duplicate of
  // one already associated with that environment's port (association is
  // per file object, so CreateIoCompletionPort refuses a second port). Its
  // operations then signal an event instead, and a wait posts the packet to
  // our port, as libuv does for such sockets (UV_HANDLE_EMULATE_IOCP).
  bool emulate_iocp = false;
  bool closed = false;
  bool bound = false;  // ConnectEx needs a bound socket
  // Completions in the current turn (see Loop::held).
  uint64_t turn_seen = 0;
  int turn_used = 0;
  // One reference for being open, one per WinOp alive on it.
  std::atomic<long> refs{1};
  uint64_t last_activity = 0;
  // Open sockets of the loop (JS thread).
  Socket* prev = nullptr;
  Socket* next = nullptr;
  // Operations submitted and not completed yet (JS thread).
  WinOp* pending = nullptr;
  // Stream reads complete in the order they were made, as on POSIX: one is
  // posted at a time (the zero-byte probe of a large one would otherwise
  // let a later small one take the bytes first); the others wait here.
  WinOp* stream_read = nullptr;
  WinOp* reads_head = nullptr;
  WinOp* reads_tail = nullptr;
  // The urgent mark, for atMark() in the BSD sense: the urgent watch takes
  // the byte out of band, and Winsock's SIOCATMARK then only says "no urgent
  // data waits". `before_mark` is the stream bytes that were queued ahead
  // of it, less what has been read since: 0 is at the mark.
  bool has_mark = false;
  int64_t before_mark = 0;
  // The urgent watch, while there is one. Stream reads then wait with the
  // zero-byte probe and take urgent bytes before their own: a buffered read
  // that crosses the mark skips the urgent byte, and Linux (under Wine)
  // then forgets it, so it is taken out of band first, as select()-based
  // programs do.
  WinOp* urgent_watch = nullptr;
  // Extension functions, fetched on first use (SIO_GET_EXTENSION_FUNCTION_POINTER).
  LPFN_ACCEPTEX accept_ex = nullptr;
  LPFN_GETACCEPTEXSOCKADDRS get_accept_ex_sockaddrs = nullptr;
  LPFN_CONNECTEX connect_ex = nullptr;
  LPFN_WSARECVMSG recv_msg = nullptr;  // WSAID_WSARECVMSG
};

// Room for the two addresses AcceptEx writes: each needs 16 bytes more than
// the largest address of the transport.
// https://learn.microsoft.com/windows/win32/api/mswsock/nf-mswsock-acceptex
constexpr DWORD kAcceptAddressSize = sizeof(Address::storage) + 16;

struct WinOp : Op {
  explicit WinOp(OpKind k) noexcept : Op(k) {}
  ~WinOp();

  // The OVERLAPPED and a way back from it: a packet carries only its address.
  struct Io {
    OVERLAPPED overlapped;
    WinOp* op;
  } io{};
  static constexpr uint32_t kArrived = 1;   // no packet is owed any more
  static constexpr uint32_t kReleased = 2;  // done() has been called
  std::atomic<uint32_t> state{kArrived};
  Socket* socket = nullptr;  // holds a reference from submit to free
  WinOp* prev = nullptr;     // in socket->pending
  WinOp* next = nullptr;
  bool listed = false;
  bool cancel_requested = false;
  WinOp* read_next = nullptr;  // in socket->reads_head, waiting its turn
  bool queued_read = false;
  // UrgentWait: the AFD poll's in/out buffer, the driver's until completion;
  // and whether the last round took no byte (a poll that keeps answering at
  // once then goes through the port, not around a recursion).
  AfdPollInfo poll{};
  bool idle_round = false;
  // A stream Recv waits with a zero-byte WSARecv first (see start_recv);
  // `probe_misses` counts wake-ups that found nothing, after two of which
  // the op reads into its buffer directly instead.
  bool probing = false;
  uint8_t probe_misses = 0;
  // Continuous reads (Op::repeat): done() of a chunk is running; and a
  // result that came at once but must reach done() from the loop (a repeat
  // op never completes inside op_submit, one waits its turn): posted to the
  // port by us, or held for the next turn (loop_hold).
  bool in_done = false;
  bool deferred = false;
  int deferred_code = 0;
  DWORD deferred_bytes = 0;
  // Bytes moved so far: a stream send resubmits the rest after a partial
  // completion, a Recv with MSG_WAITALL gathers until length.
  size_t progress = 0;
  // Receive buffer (Recv, RecvFrom, UrgentWait), ours until the op is freed;
  // it grows with what arrives (see start_recv), never to what was asked.
  std::vector<char> buffer;
  // Send, SendTo: our copy of the bytes. Overlapped WSASend reads its buffer
  // until the completion, and JS may transfer or detach its own before that.
  std::unique_ptr<char[]> owned;
  WSABUF wsabuf{};
  DWORD io_flags = 0;      // WSARecv's in/out flags must outlive the call
  INT from_length = 0;     // WSARecvFrom's address length, likewise
  // SendMsg, RecvMsg: the WSAMSG and control bytes, read or written by the
  // stack until the completion (as the WSABUF is).
  WSAMSG message{};
  std::vector<char> control_buffer;
  SOCKET accept_socket = INVALID_SOCKET;
  // emulate_iocp only: the event the OVERLAPPED signals and its wait.
  HANDLE event = nullptr;
  HANDLE wait = nullptr;
  HANDLE port = nullptr;
  char accept_buffer[2 * kAcceptAddressSize] = {};
};

// loop.cc
// The monotonic clock in nanoseconds: QueryPerformanceCounter scaled as
// libuv's uv_hrtime is on Windows, so JS (performance.now) reads the same
// clock without this backend linking libuv.
uint64_t monotonic_ns();
void loop_track_op(Loop* loop, int delta);  // JS thread: ref/unref while ops wait
void loop_expect_packet(Loop* loop);
// Fairness: whether `socket` has used its completions of this turn, and
// one more used. Past the budget an operation's result is held for the next
// turn instead of completing inline.
bool loop_over_budget(Socket* socket);
void loop_spend(Socket* socket);
// Whether results of other operations wait on the JS thread already: the
// rest of the batch being delivered, batches queued behind it, held packets.
bool loop_others_waiting(const Loop* loop);
// Puts the packet of `overlapped` (a result the op keeps in `deferred_*`)
// at the end of the held list, for the next turn; false when memory ran out.
bool loop_hold(Loop* loop, OVERLAPPED* overlapped);
ULONG_PTR loop_socket_key();
void wsa_cleanup_once();

// socket.cc
Socket* socket_wrap(Loop* loop, SOCKET handle, int family, int type, int protocol,
                    Error* error, bool adopted = false);
void socket_unref(Socket* socket);
void socket_report_unreachable(Socket* socket, bool report);
void socket_close_all(Loop* loop);

// ops.cc
// A packet dequeued from the port, on the JS thread (batch delivery).
void op_packet(WinOp* op);
// A packet dequeued when no JS may run (teardown): frees, calls nothing.
void op_packet_discard(WinOp* op);
// socket_close: every pending operation completes now, aborted.
void socket_abort_all(Socket* socket, bool teardown);
bool socket_has_pending(const Socket* socket);

// errors.cc
const char* op_syscall(OpKind kind);

}  // namespace sys
