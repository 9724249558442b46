// What the overlapped operations of native/win/ share across their files:
// ops.cc (the sys:: entry points, each kind's start and finish), op_life.cc,
// op_connect.cc, op_send.cc, op_read.cc and op_urgent.cc. Internal to the
// Windows backend: the glue sees sys.h only.
#pragma once

#include <cstddef>

#include "win.h"

namespace sys {
namespace winop {

// The most a posted stream read pins (it may return less than asked, as
// recv(2) does), and the largest datagram there is (UDP, raw IP): a read's
// memory follows what arrives, never the size asked.
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kDatagramMax = 64 * 1024;

// A Winsock extension function (AcceptEx, ConnectEx, WSARecvMsg, ...) of
// the socket's provider, looked up once (SIO_GET_EXTENSION_FUNCTION_POINTER):
// 0, or the WSA code of the failed lookup.
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

// op_life.cc: the life of an operation: memory, the socket's list, the one
// done(), packets owed, results deferred to the loop
ULONG clamp_length(size_t length);
bool grow_buffer(WinOp* op, size_t size);
bool grow_control(WinOp* op, size_t size);
size_t arrived(const WinOp* op, size_t length);
void op_free(WinOp* op);
void release(WinOp* op);
void list(Socket* socket, WinOp* op);
void unlist(WinOp* op);
void unqueue_read(WinOp* op);
void complete(WinOp* op);
void note_read(WinOp* op, size_t bytes);
void complete_error(WinOp* op, int code, const char* syscall);
OVERLAPPED* begin_io(WinOp* op);
void no_packet(WinOp* op);
VOID CALLBACK post_completion(PVOID context, BOOLEAN);
bool owed_packet(WinOp* op, int* code, DWORD* bytes);
bool waits_turn(WinOp* op);
void after_call(WinOp* op, int code);
void keep_result(WinOp* op, int code, DWORD bytes);
void post_result(WinOp* op);
void defer(WinOp* op, int code, DWORD bytes);
void wait_turn(WinOp* op, int code, DWORD bytes);

// op_connect.cc: AcceptEx, ConnectEx (connect() where they do not apply),
// and their results
int accept_functions(Socket* socket);
void start_accept(WinOp* op);
void connect_now(WinOp* op);
bool unix_unsupported(int code);
void start_connect(WinOp* op);
bool connection_failure(int code);
void finish_accept(WinOp* op, int code);
void finish_connect(WinOp* op, int code);

// op_send.cc: WSASend, WSASendTo, WSASendMsg, and their results
void start_send_msg(WinOp* op);
void start_send(WinOp* op);
int datagram_code(const WinOp* op, int code);
void finish_send(WinOp* op, int code, DWORD bytes);

// op_read.cc: WSARecv (with the zero-byte probe), WSARecvFrom, WSARecvMsg,
// urgent data read now, continuous reads, and their results
bool wait_all(const WinOp* op);
void recv_urgent_now(WinOp* op);
bool probes(const WinOp* op);
void start_probe(WinOp* op);
void read_after_probe(WinOp* op);
void start_recv(WinOp* op);
bool is_stream_read(const WinOp* op);
void start_stream_read(WinOp* op);
void start_next_read(Socket* socket);
bool issue_repeat(WinOp* op, int* code, DWORD* bytes);
void start_repeat(WinOp* op);
bool read_after_repeat_probe(WinOp* op, int* code, DWORD* bytes);
void repeat_result(WinOp* op, int code, DWORD bytes);
void finish_recv(WinOp* op, int code, DWORD bytes);

// op_urgent.cc: the urgent watch (an AFD poll, then recv(MSG_OOB))
bool take_urgent_bytes(WinOp* watch, bool* took);
void take_urgent(WinOp* op);
void urgent_before_read(WinOp* op);
void poll_urgent(WinOp* op);
void start_urgent_wait(WinOp* op);
void finish_urgent_wait(WinOp* op, int code);

// ops.cc: each kind's start and finish
void start(WinOp* op);
void finish(WinOp* op, int code, DWORD bytes);

}  // namespace winop
}  // namespace sys
