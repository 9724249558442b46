// The JS-facing native socket: argument checks, then one sys:: call.
// lib/socket/socket.ts builds the public Socket (state machine, options) over it.
//
// Completions (OnDone, OnRead, OnUrgent) are called from C frames: libuv's
// poll callback, a threadsafe function, or inline from sys::op_submit. They
// are noexcept: no C++ exception may unwind through those frames. When the
// environment can no longer run JS (a Worker being terminated), a Node-API
// call fails with a status; that is handled like teardown: what is owned is
// freed and nothing is called.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "activity.h"
#include "read_into.h"
#include "sys.h"

namespace winsock {

struct Liveness;

class SocketWrap : public Napi::ObjectWrap<SocketWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit SocketWrap(const Napi::CallbackInfo& info);
  ~SocketWrap() override;

 private:
  struct Pending;
  // What an operation needs from its arguments, checked before it starts.
  struct Request {
    explicit Request(sys::OpKind k) : kind(k) {}
    sys::OpKind kind;
    const char* data = nullptr;
    size_t length = 0;
    int flags = 0;
    sys::Address address;
    const char* control = nullptr;  // SendMsg: encoded bytes; RecvMsg: none, only the room
    size_t control_length = 0;
  };
  using Method = Napi::Value (SocketWrap::*)(const Napi::CallbackInfo&);
  // Every JS-facing method runs through this: a failed allocation becomes
  // a SocketError ENOMEM instead of a std::bad_alloc through Node's frames.
  template <Method method>
  Napi::Value Guarded(const Napi::CallbackInfo& info);

  // Wraps a socket the backend made (accept) in a new NativeSocket, which
  // takes it out of `*cell`; whatever is left there after a throw is the
  // caller's to close.
  static Napi::Object Wrap(Napi::Env env, sys::Socket** cell);

  sys::Socket* Open();  // the socket, or a SocketError EBADF once closed
  // Starts an operation: its outcome when it completed inline (a rejected
  // promise when it failed), else a promise whose outcome is recorded
  // later under a slot (completions.h).
  Napi::Value Start(const Napi::CallbackInfo& info, const Request& request,
                    const char* syscall, uint32_t cancel_id);
  static void OnDone(sys::Op* op) noexcept;
  void SettleInline(Pending* pending, sys::Op* op) noexcept;
  void SettleRecorded() noexcept;
  bool Deliver(Pending* pending, sys::Op* op) noexcept;
  napi_value Settle(Napi::Env env, Pending* pending, sys::Op* op);

  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value Listen(const Napi::CallbackInfo& info);
  Napi::Value Accept(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Recv(const Napi::CallbackInfo& info);
  Napi::Value SendTo(const Napi::CallbackInfo& info);
  Napi::Value RecvFrom(const Napi::CallbackInfo& info);
  Napi::Value SendToMany(const Napi::CallbackInfo& info);
  // socket_messages.cc: sendmsg/recvmsg, socketpair, sharing with a process.
  Napi::Value SendMsg(const Napi::CallbackInfo& info);
  Napi::Value RecvMsg(const Napi::CallbackInfo& info);
  Napi::Value Share(const Napi::CallbackInfo& info);
  static Napi::Value Pair(const Napi::CallbackInfo& info);
  static Napi::Value PacketInfo(const Napi::CallbackInfo& info);
  static Napi::Value MessageResult(Napi::Env env, sys::Op* op);
  static void DiscardRights(sys::Op* op) noexcept;
  Napi::Value WaitUrgent(const Napi::CallbackInfo& info);
  Napi::Value CancelUrgent(const Napi::CallbackInfo& info);
  static void OnUrgent(sys::Op* op) noexcept;
  Napi::Value StartReading(const Napi::CallbackInfo& info);
  Napi::Value StopReading(const Napi::CallbackInfo& info);
  static void OnRead(sys::Op* op) noexcept;
  bool DeliverChunk(sys::Op* op) noexcept;
  void EndReading(sys::Op* op) noexcept;
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Detach(const Napi::CallbackInfo& info);
  Napi::Value LocalAddress(const Napi::CallbackInfo& info);
  Napi::Value RemoteAddress(const Napi::CallbackInfo& info);
  Napi::Value SetSockOpt(const Napi::CallbackInfo& info);
  Napi::Value GetSockOpt(const Napi::CallbackInfo& info);
  Napi::Value BytesAvailable(const Napi::CallbackInfo& info);
  Napi::Value AtMark(const Napi::CallbackInfo& info);
  Napi::Value SetKeepAlive(const Napi::CallbackInfo& info);
  Napi::Value GetFd(const Napi::CallbackInfo& info);
  Napi::Value ActivitySlot(const Napi::CallbackInfo& info);
  // Stamps the slot from the backend's clock: every completion, and reads
  // or writes in their own field.
  void Stamp(sys::OpKind kind) noexcept;
  void GiveSlot() noexcept;
  Napi::Value GetEof(const Napi::CallbackInfo& info);
  void Hold();              // an operation started: this object must stay alive
  void Release() noexcept;  // one ended

  sys::Socket* socket_ = nullptr;
  std::shared_ptr<Liveness> liveness_;
  // Why the socket was closed: the code pending operations reject with.
  // Null for the usual ERR_SOCKET_CLOSED (a string in place weighs 32 bytes).
  std::unique_ptr<std::string> close_code_;
  const std::string& CloseCode() const;
  // Operations JS may cancel (an AbortSignal), by the id JS gave them;
  // made by the first one (an empty map weighs 56 bytes, most sockets
  // never take a signal).
  std::unique_ptr<std::unordered_map<uint32_t, sys::Op*>> cancellable_;
  ActivityPages::Slot activity_;
  bool stream_ = false;  // SOCK_STREAM: a zero-byte read is EOF
  // A recv of at least one byte completed with none: the peer's EOF.
  bool eof_ = false;
  // Operations in flight; while there are any, the JS object is held.
  uint32_t holds_ = 0;
  // The continuous read (startReading): its op, callbacks, and a reference
  // that keeps this object alive while it runs.
  // (Plain references: a Napi::FunctionReference also keeps the env and a flag.)
  sys::Op* reading_ = nullptr;
  napi_ref on_data_ = nullptr;
  napi_ref on_end_ = nullptr;
  std::unique_ptr<ReadInto> read_into_;  // startReading with a buffer of the caller's
  void ReleaseReadCallbacks() noexcept;
  // The wait for urgent data (waitUrgent). It holds nothing: its callback
  // is this object's own `onurgent` property, so a socket nobody references
  // is collected (and closed) whatever 'urgent' listeners it has.
  sys::Op* urgent_ = nullptr;
};

// Shared by an environment and its sockets: a wrap finalized after the
// environment's cleanup must not touch a socket the cleanup already freed.
struct Liveness {
  bool loop_alive = true;
};

std::shared_ptr<Liveness> EnvironmentLiveness(Napi::Env env);

}  // namespace winsock
