// The platform contract: one set of functions, two implementations.
//
//   native/posix/  BSD sockets, non-blocking, readiness from one uv_poll_t per
//                  socket on Node's own loop, completion emulated over it.
//   native/win/    Winsock 2, overlapped I/O on an addon-owned completion port
//                  drained by one thread per environment.
//
// The binding glue (addon.cc, socket_wrap.cc, error.cc) sees only this file:
// it never includes a platform header and never switches on the platform.
// Like socket2's sys::, every function maps to one system call or one
// operation, keeps the raw error code, and leaves policy to the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <node_api.h>

namespace sys {

// ---------------------------------------------------------------------------
// Errors: the raw platform code (errno, WSAGetLastError()) and the call that
// produced it. code == 0 means success. Nothing is translated here; error.cc
// is the one egress that turns a raw code into a JS error.
struct Error {
  int code = 0;
  const char* syscall = nullptr;
  explicit operator bool() const { return code != 0; }
};

inline Error ok() { return Error{}; }

// Portable name of a raw code, as Node and libuv spell it ("ECONNREFUSED"),
// or nullptr when the platform has no portable equivalent.
const char* error_code_name(int code);
// The platform's own name where it differs ("WSAECONNREFUSED"), else nullptr.
const char* error_platform_name(int code);
// The platform's message for the code (strerror / FormatMessageW).
std::string error_message(int code);
// Raw codes the glue needs to recognise or produce.
int error_invalid_argument();   // EINVAL / WSAEINVAL
int error_timed_out();          // ETIMEDOUT / WSAETIMEDOUT
int error_out_of_memory();      // ENOMEM / ERROR_NOT_ENOUGH_MEMORY

// ---------------------------------------------------------------------------
// Addresses: an opaque sockaddr big enough for sockaddr_in6 and sockaddr_un.
struct Address {
  alignas(8) unsigned char storage[128];
  int length = 0;  // 0: no address
};

enum class AddressKind { None, Inet, Inet6, Unix, Other };

// The readable parts of an Address.
struct AddressParts {
  AddressKind kind = AddressKind::None;
  std::string ip;     // "127.0.0.1", "::1", "::ffff:127.0.0.1"
  int port = 0;
  uint32_t flowinfo = 0;
  uint32_t scope_id = 0;
  std::string path;   // Unix domain sockets
};

// inet_pton: an IPv4 or IPv6 literal (the kind is read from the text, or
// forced by `kind`: Inet6 maps an IPv4 literal to ::ffff:a.b.c.d).
Error address_from_ip(AddressKind kind, const std::string& ip, int port,
                      uint32_t flowinfo, uint32_t scope_id, Address* out);
// sockaddr_un from a path (ENAMETOOLONG when it does not fit).
Error address_from_path(const std::string& path, Address* out);
// inet_ntop and friends.
AddressParts address_parts(const Address& address);
// The wildcard address of a family (for an implicit bind).
Address address_any(int family);

// ---------------------------------------------------------------------------
// Per-environment state: the uv loop (POSIX) or the completion port and its
// thread (Windows). One per Node environment, so worker threads are isolated.
struct Loop;

// Completions that arrive from the event loop (not inline from a call made by
// JS) are delivered in batches between enter() and leave(), so the glue can
// open one handle scope and one callback scope (microtasks run at leave).
struct LoopHooks {
  void (*enter)(void* context) = nullptr;
  void (*leave)(void* context) = nullptr;
  // Asked for with loop_call_at_turn_end: runs outside any batch, once the
  // loop's current round of callbacks is over.
  void (*turn_end)(void* context) = nullptr;
  void* context = nullptr;
};

Loop* loop_open(napi_env env, const LoopHooks& hooks, Error* error);
// Closes every socket still open (their operations are discarded, see
// Op::teardown), releases the loop's resources, then calls finished().
// Called from the environment's async cleanup hook.
void loop_close(Loop* loop, void (*finished)(void* context), void* context);

// Has hooks.turn_end called once the loop's round of callbacks that is
// running now is over (POSIX: after libuv's poll phase, from a uv_check_t,
// with a uv_idle_t so that a poll cannot block while the call waits), so
// that the glue settles what many batches completed in one call into JS.
// False where a batch is a turn of its own already (Windows: the packets
// of one GetQueuedCompletionStatusEx); the glue then settles at leave.
bool loop_call_at_turn_end(Loop* loop);

// Which implementation this is ("posix" or "winsock"), and a description
// ("Linux BSD sockets", WSADATA.szDescription).
const char* backend_name();
std::string backend_description(Loop* loop);
// The engine that waits for the backend's events: "epoll" or "io_uring"
// (Linux: epoll, or io_uring when WINSOCK_BACKEND=io_uring asks for it and
// the kernel allows it), "kqueue" (macOS, BSD), "iocp" (Windows). And why
// it is not the one asked for, when it is not (an empty string otherwise).
const char* engine_name(Loop* loop);
std::string engine_fallback(Loop* loop);
// True when the Windows backend runs on Wine, whose stack differs from
// Windows in a few documented places. Always false elsewhere.
bool runs_under_wine();

// Platform numbers exported to JS as `constants` (AF_INET, SOL_SOCKET, ...).
struct Constant {
  const char* name;
  int64_t value;
};
const std::vector<Constant>& constants();

// ---------------------------------------------------------------------------
// Sockets.
struct Socket;

// socket(2) / WSASocketW(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT).
// Non-blocking (POSIX) or overlapped (Windows), close-on-exec / no inherit.
Socket* socket_open(Loop* loop, int family, int type, int protocol, Error* error);
// Re-adopts a socket given up by socket_detach, possibly in another
// environment (a worker thread): the bytes are the fd (POSIX) or the
// WSAPROTOCOL_INFOW of a WSADuplicateSocketW duplicate (Windows).
Socket* socket_adopt(Loop* loop, const std::vector<uint8_t>& transfer, Error* error);
// The fd or SOCKET number.
int64_t socket_handle(const Socket* socket);
int socket_family(const Socket* socket);
int socket_type(const Socket* socket);
// SOCK_STREAM: a read of zero bytes is the peer's EOF (a datagram socket
// has no EOF; an empty datagram is a datagram).
bool socket_is_stream(const Socket* socket);
// Inet, Inet6 or Unix, from the socket's family (how to read an address for it).
AddressKind socket_address_kind(const Socket* socket);
// Monotonic time (uv_hrtime, nanoseconds) of the last completed operation.
uint64_t socket_last_activity(const Socket* socket);

// closesocket / close(2). Every pending operation completes once with
// Op::aborted set, inline in this call (with Op::teardown too when
// `teardown`: a finalizer, where no JS may run). The Socket is released
// later, when the platform has let go of it; the caller must not use it again.
void socket_close(Socket* socket, bool teardown = false);
// socketpair(2) / on Windows, as Python's socket.socketpair: a loopback
// listener, a connect, an accept, the listener closed.
Error socket_pair(Loop* loop, int family, int type, int protocol, Socket** first, Socket** second);
// WSADuplicateSocketW for another process (Windows): the WSAPROTOCOL_INFOW
// bytes that process gives socket_adopt. ENOTSUP-like elsewhere.
Error socket_share(Socket* socket, uint32_t process_id, std::vector<uint8_t>* out);
// Socket::fromShare: the bytes of socket_share (WSASocketW(FROM_PROTOCOL_INFO)
// on Windows); unsupported elsewhere, where bytes would be a bare fd number.
Socket* socket_from_share(Loop* loop, const std::vector<uint8_t>& shared, Error* error);
// Takes over a descriptor this process was given at its start (an extra
// stdio fd of a child process, POSIX): socket2's from_raw_fd. Windows
// hands sockets over with socket_share instead, and refuses this.
Socket* socket_from_descriptor(Loop* loop, int64_t descriptor, Error* error);
// Gives the socket up for socket_adopt elsewhere: fills `transfer` and
// releases this Socket (the caller must not use it again). With operations
// pending it fails (EBUSY-like) and changes nothing.
Error socket_detach(Socket* socket, std::vector<uint8_t>* transfer);
// Bytes of pending sends the stack has not taken yet: what a close() now
// would drop (Windows: at most that many; an overlapped send in progress
// reports its progress only when it completes).
uint64_t socket_unsent_bytes(const Socket* socket);

Error socket_bind(Socket* socket, const Address& address);          // bind
Error socket_listen(Socket* socket, int backlog);                    // listen
Error socket_shutdown(Socket* socket, int how);  // shutdown: 0 receive, 1 send, 2 both
Error socket_local_address(Socket* socket, Address* out);            // getsockname
Error socket_remote_address(Socket* socket, Address* out);           // getpeername
Error socket_set_option(Socket* socket, int level, int name,
                        const void* value, size_t length);           // setsockopt
// getsockopt: the value buffer is zeroed first (Winsock writes one byte of a
// BOOL); *length is the capacity in and the size written out.
Error socket_get_option(Socket* socket, int level, int name,
                        void* value, size_t* length);
Error socket_bytes_available(Socket* socket, uint64_t* out);         // FIONREAD
// SIOCATMARK in the BSD sense on every backend: true when the next byte the
// stream gives is the one right after the urgent mark (Winsock's own answer
// means "no urgent data waits" for a socket without SO_OOBINLINE).
Error socket_at_mark(Socket* socket, bool* out);
// SO_KEEPALIVE plus the idle time, interval and probe count (values < 0 are
// left as they are): TCP_KEEP* on POSIX, SIO_KEEPALIVE_VALS on Windows.
Error socket_set_keepalive(Socket* socket, bool enable, int idle_ms,
                           int interval_ms, int count);

// ---------------------------------------------------------------------------
// Ancillary data (control messages) of sendmsg/recvmsg: CMSG_* on POSIX,
// WSA_CMSG_* on Windows, whose headers and alignment differ.
struct ControlItem {
  int level = 0;
  int type = 0;
  std::vector<uint8_t> data;
};
// Lays out control messages as the stack expects them (CMSG_SPACE apart).
Error control_encode(const std::vector<ControlItem>& items, std::vector<char>* out);

// IP_PKTINFO / IPV6_PKTINFO to send: the source address (and interface,
// 0 for any) a datagram leaves from, in this platform's in_pktinfo or
// in6_pktinfo (their fields and order differ between POSIX and Winsock).
Error control_packet_info(const Address& source, uint32_t interface_index, ControlItem* out);

// A received control message, decoded where this backend knows its type.
enum class ControlKind {
  Raw,             // only level, type and data
  PacketInfo,      // IP_PKTINFO / IPV6_PKTINFO: destination address, interface
  TypeOfService,   // IP_TOS (IP_RECVTOS) / IPV6_TCLASS: `value`
  HopLimit,        // IP_TTL (IP_RECVTTL) / IPV6_HOPLIMIT: `value`
  Timestamp,       // SO_TIMESTAMPNS (Linux): seconds, nanoseconds
  Rights,          // SCM_RIGHTS (POSIX): each descriptor as socket_adopt's bytes
};
struct ReceivedControl {
  ControlKind kind = ControlKind::Raw;
  int level = 0;
  int type = 0;
  std::vector<uint8_t> data;
  Address destination;           // PacketInfo (port 0)
  uint32_t interface_index = 0;  // PacketInfo
  int value = 0;                 // TypeOfService, HopLimit
  int64_t seconds = 0;           // Timestamp
  int64_t nanoseconds = 0;
  std::vector<std::vector<uint8_t>> transfers;  // Rights: one per descriptor
};
// Walks the control bytes of a recvmsg. Descriptors of SCM_RIGHTS become
// the caller's: each to be adopted (socket_adopt) or closed (transfer_close).
void control_decode(const char* bytes, size_t length, std::vector<ReceivedControl>* out);
// Closes a received descriptor that will not be adopted.
void transfer_close(const std::vector<uint8_t>& transfer);

// ---------------------------------------------------------------------------
// Operations: started by JS, completed later on the JS thread, exactly once.
//
// The completion contract between the glue and both backends, written once
// here; test/conformance.test.js holds each rule on each backend (the suite
// runs against native/win/ under Wine as well as on native/posix/).
//
//  1. Once. A submitted op completes through done() exactly once; a repeat
//     op once per chunk (`more` set), then once more without. socket_close
//     completes every pending op inline, inside the call, with `aborted`;
//     no done() runs for the socket after socket_close returned.
//  2. Order. On a stream, reads complete in the order they were submitted,
//     each with the bytes that follow the previous one's; sends put their
//     bytes on the wire in the order submitted, each whole before the next.
//  3. Stopping a continuous read. op_cancel ends it inside the call on
//     POSIX. On Windows a cancel is asynchronous: a WSARecv that completed
//     before it still hands its chunk to done() (`more`), then the last
//     done() comes with `aborted`. A chunk is never dropped: lib/ keeps the
//     late ones for the next reader, so that in JS no onData runs after
//     stopReading() returned, on either backend (lib/socket/reading.ts).
//  4. Who owns the bytes. Op::data and Op::control are the caller's only
//     while op_submit runs: a backend that needs them later copies them
//     (JS may transfer or detach the memory as soon as it runs again).
//     Op::received and Op::received_control are the backend's, valid only
//     during done(), unless they were read into the caller's `destination`.
//  5. What a cancel guarantees. op_cancel either ends the op with `aborted`
//     and no bytes taken from the stack, or, when the op finished first,
//     lets its result through: a cancel never loses bytes.
//  6. Where done() runs. On the JS thread only: inline from op_submit or
//     op_cancel when the result is known at once, else from the loop
//     between LoopHooks::enter and leave.
enum class OpKind : uint8_t {
  Accept,      // accept / AcceptEx
  Connect,     // connect / ConnectEx
  Send,        // send / WSASend: a stream send completes when every byte went
  Recv,        // recv / WSARecv
  SendTo,      // sendto / WSASendTo
  RecvFrom,    // recvmsg / WSARecvFrom
  SendMsg,     // sendmsg / WSASendMsg: data, control (ancillary) bytes, an optional address
  RecvMsg,     // recvmsg / WSARecvMsg: data, the peer's address, control bytes, msg_flags
  // Watches for urgent (out-of-band) data, continuously (Op::repeat): each
  // urgent byte is taken out of band as it arrives, before the peer's next
  // one can displace it, and done() runs with `more` set and the byte(s) in
  // received/transferred; transferred 0 means urgent data waits inline in
  // the stream (SO_OOBINLINE). It ends on an error, a cancel or a close.
  // Unlike the others it never keeps the event loop alive: an 'urgent'
  // listener keeps neither a dropped socket nor the process alive.
  UrgentWait,
};

// The kinds whose op carries an address, in or out. Only their ops have
// room for one (op_memory.h): the others (a pending recv of an idle
// connection most of all) are 136 bytes smaller.
constexpr bool op_has_address(OpKind kind) {
  return kind != OpKind::Send && kind != OpKind::Recv && kind != OpKind::UrgentWait;
}

// Fields are grouped by size, flags together, so an op pays no padding.
struct Op {
  OpKind kind;
  // In. Recv only: a continuous read. The operation stays armed after each
  // chunk: done() runs once per chunk with `more` set, and a last time with
  // `more` clear when it ends (EOF, error, cancel, close). It never
  // completes inline from op_submit, and is not freed before that last done.
  bool repeat = false;
  // Out.
  bool aborted = false;            // the socket was closed first
  bool teardown = false;           // the environment is going away: free, call no JS
  bool truncated = false;          // RecvFrom, RecvMsg: the datagram was longer than length
  bool control_truncated = false;  // RecvMsg: some control bytes did not fit (MSG_CTRUNC)
  bool more = false;               // repeat: this done() is a chunk; more will follow
  int flags = 0;                   // in: MSG_* in platform values
  int message_flags = 0;           // out, RecvMsg: msg_flags / WSAMSG.dwFlags as the stack set them
  // In.
  // Send, SendTo: the bytes, valid only while op_submit runs. JS memory can
  // be transferred or detached as soon as JS runs again, so a backend that
  // still needs bytes after op_submit returned copies them first.
  const char* data = nullptr;
  // Send, SendTo: bytes; Recv, RecvFrom: the most to read. A read's memory
  // follows what arrives, never this capacity (recv(2**31 - 1) of five
  // bytes allocates for five, not for two gigabytes).
  size_t length = 0;
  // Recv, RecvFrom: memory of the caller's own to read into (a Buffer the
  // glue then hands to JS as it is, sparing a copy), asked for on the JS
  // thread just before the system call, for `capacity` bytes; nullptr, or
  // a backend whose reads outlive the turn (Windows' overlapped ones),
  // reads into its own buffer instead. What came is then at `received`.
  char* (*destination)(void* context, size_t capacity) = nullptr;
  void* destination_context = nullptr;
  // The kinds of op_has_address, else nullptr. Connect, SendTo:
  // destination; SendMsg: destination when its length > 0. Out for
  // RecvFrom, Accept: the peer; RecvMsg: the peer.
  Address* address = nullptr;
  // SendMsg: control bytes made by control_encode, valid only while
  // op_submit runs (as `data` is). RecvMsg: the room for control bytes.
  const char* control = nullptr;
  size_t control_length = 0;
  // Out.
  Error error;                 // the operation failed (not set when aborted)
  size_t transferred = 0;      // bytes sent or received
  const char* received = nullptr;  // Recv, RecvFrom: the bytes, valid only during done()
  // RecvMsg: the control bytes (valid only during done()) and how many.
  const char* received_control = nullptr;
  size_t control_received = 0;
  Socket* accepted = nullptr;  // Accept: the new socket, owned by the caller
  // Completion.
  void (*done)(Op* op) = nullptr;
  void* context = nullptr;

 protected:
  explicit Op(OpKind k) noexcept : kind(k) {}
  ~Op() = default;
};

// An operation with room for the backend's own state (OVERLAPPED, queue links).
Op* op_new(OpKind kind);
// Starts the operation. It completes through op->done exactly once, on the JS
// thread: inline (from inside this call) when it can finish at once, else
// from the loop between LoopHooks::enter and leave. The backend frees the Op
// after done() returns. done() must not throw: it is called from C frames
// (libuv, a threadsafe function). Nothing in sys:: throws either: a failed
// allocation is an operation's error_out_of_memory().
void op_submit(Socket* socket, Op* op);
// One datagram of a batch (socket_send_datagrams): its bytes and where to.
struct Datagram {
  const char* data;
  size_t length;
  const Address* address;
};
// The most datagrams socket_send_datagrams takes in one call.
constexpr size_t kDatagramBatch = 256;
// sendmmsg(2): sends the datagrams in order, synchronously, as many as the
// stack takes at once, and returns how many went (each whole). It stops
// short of any that would fail or wait, and takes none while an operation
// waits in the socket's write queue: the caller sends the first of the rest
// with op_submit, which reports that datagram's own outcome or queues it.
// Returns -1 where each datagram must go on its own: a backend without the
// call (Winsock has no WSASendMMsg), or a socket whose send could report a
// pending asynchronous error (connected, IP_RECVERR), which a batch would
// consume and lose (sendmmsg(2): "the error code is lost").
int socket_send_datagrams(Socket* socket, const Datagram* datagrams, size_t count);

// Asks a pending operation to stop (an AbortSignal, stopReading): it
// completes with `aborted` set, inline or later from the loop, or normally if
// it finished first (its result is then delivered, never lost). Only for an
// Op that has not completed yet; may be called from inside its own done()
// (a repeat op), which then ends after done() returns.
void op_cancel(Socket* socket, Op* op);

}  // namespace sys
