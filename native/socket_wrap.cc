// NativeSocket's life: its construction, each started operation and its
// promise (Start, OnDone, Settle), cancel, close and detach. The calls
// themselves are in socket_calls.cc, continuous reads and the urgent
// watch in socket_reading.cc, the message calls in socket_messages.cc.
#include "socket_wrap.h"

#include <cstring>
#include <memory>
#include <new>

#include "batches.h"
#include "chunks.h"
#include "completions.h"
#include "environment.h"
#include "error.h"
#include "arguments.h"
#include "handles.h"
#include "js_address.h"
#include "js_callback.h"


namespace winsock {


// One started operation: the slot its promise is settled under
// (completions.h), and what the completion needs to know about how it was
// started.
struct SocketWrap::Pending {
  SocketWrap* owner = nullptr;
  uint32_t slot = kNoSlot;
  bool in_start = true;   // Start() is still on the stack
  bool settled = false;   // completed while Start() was on the stack
  bool cancelled = false;
  bool held = false;      // it outlived Start(), so it holds the wrapper
  bool inline_failed = false;
  uint32_t cancel_id = 0;
  const char* syscall = nullptr;
  // Completed inline: the value for Start() to return, or the error its
  // promise rejects with (made in Start()'s own handle scope).
  napi_value inline_outcome = nullptr;
};

template <SocketWrap::Method method>
Napi::Value SocketWrap::Guarded(const Napi::CallbackInfo& info) {
  try {
    return (this->*method)(info);
  } catch (const std::bad_alloc&) {
    throw SocketError(info.Env(), sys::Error{sys::error_out_of_memory(), "malloc"});
  }
}

// Methods are writable and configurable, as a JS class's are, so that
// lib/trace/ can wrap them to publish each call.
Napi::Function SocketWrap::Define(Napi::Env env) {
  constexpr napi_property_attributes method = napi_default_method;
  return DefineClass(env, "NativeSocket", {
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Bind>>("bind", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Listen>>("listen", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Accept>>("accept", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Connect>>("connect", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Send>>("send", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Recv>>("recv", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::SendTo>>("sendTo", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::RecvFrom>>("recvFrom", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::SendToMany>>("sendToMany", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::SendMsg>>("sendMsg", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::RecvMsg>>("recvMsg", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Share>>("share", method),
      StaticMethod<&SocketWrap::Pair>("pair", method),
      StaticMethod<&SocketWrap::PacketInfo>("packetInfo", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::WaitUrgent>>("waitUrgent", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::CancelUrgent>>("cancelUrgent", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::StartReading>>("startReading", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::StopReading>>("stopReading", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Cancel>>("cancel", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Shutdown>>("shutdown", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Close>>("close", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::Detach>>("detach", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::LocalAddress>>("localAddress", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::RemoteAddress>>("remoteAddress", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::SetSockOpt>>("setsockopt", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::GetSockOpt>>("getsockopt", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::BytesAvailable>>("bytesAvailable", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::AtMark>>("atMark", method),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::SetKeepAlive>>("setKeepAlive", method),
      InstanceAccessor<&SocketWrap::GetFd>("fd"),
      InstanceMethod<&SocketWrap::Guarded<&SocketWrap::ActivitySlot>>("activitySlot", method),
      InstanceAccessor<&SocketWrap::GetEof>("eof"),
  });
}

// new NativeSocket(family, type, protocol): socket() / WSASocketW.
// new NativeSocket(ArrayBuffer): adopts a socket detach() gave up (once).
// new NativeSocket() from Wrap(): wraps a socket the backend made (accept).
// new NativeSocket('shared', Uint8Array): Socket.fromShare (Windows).
// new NativeSocket('descriptor', fd): a descriptor given at the process's start.
SocketWrap::SocketWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SocketWrap>(info) {
  Napi::Env env = info.Env();
  Environment* environment = Environment::Of(env);
  liveness_ = EnvironmentLiveness(env);
  sys::Error error;
  if (environment->wrapping != nullptr) {
    sys::Socket** cell = environment->wrapping;
    environment->wrapping = nullptr;
    socket_ = *cell;
    *cell = nullptr;  // ours now, whatever happens next
  } else if (info[0].IsString()) {
    const std::string how = info[0].As<Napi::String>().Utf8Value();
    if (how == "shared" && info[1].IsTypedArray() &&
        info[1].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
      Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
      std::vector<uint8_t> shared(bytes.Data(), bytes.Data() + bytes.ByteLength());
      socket_ = sys::socket_from_share(environment->loop, shared, &error);
    } else if (how == "descriptor" && info[1].IsNumber()) {
      socket_ = sys::socket_from_descriptor(environment->loop,
                                            info[1].As<Napi::Number>().Int64Value(), &error);
    } else {
      throw TypeError(env, "ERR_INVALID_ARG_VALUE", "unknown way to make a NativeSocket");
    }
    if (socket_ == nullptr) throw SocketError(env, error);
  } else if (info[0].IsArrayBuffer()) {
    Napi::ArrayBuffer transfer = info[0].As<Napi::ArrayBuffer>();
    uint64_t token = 0;
    if (transfer.ByteLength() != sizeof(token)) {
      throw TypeError(env, "ERR_INVALID_ARG_VALUE", "the handle is not one that detach() returned");
    }
    memcpy(&token, transfer.Data(), sizeof(token));
    std::vector<uint8_t> bytes;
    if (!handles::Take(token, &bytes)) {
      throw CodedError(env, "ERR_SOCKET_HANDLE_USED",
                       "this detach() handle was adopted already (a handle is adopted at most once)");
    }
    socket_ = sys::socket_adopt(environment->loop, bytes, &error);
    if (socket_ == nullptr) throw SocketError(env, error);
  } else {
    const int32_t family = Int32Arg(info, 0, "family", 0);
    const int32_t type = Int32Arg(info, 1, "type", 0);
    const int32_t protocol = Int32Arg(info, 2, "protocol", 0);
    socket_ = sys::socket_open(environment->loop, family, type, protocol, &error);
    if (socket_ == nullptr) throw SocketError(env, error);
  }
  stream_ = sys::socket_is_stream(socket_);
  try {
    activity_ = environment->activity.Take(env, static_cast<double>(sys::socket_last_activity(socket_)) / 1e6);
  } catch (...) {
    // A throwing constructor runs no destructor: the socket is closed here.
    sys::socket_close(socket_);
    socket_ = nullptr;
    throw;
  }
}

SocketWrap::~SocketWrap() {
  // A socket dropped without close() must not leak its descriptor. The only
  // operation that can still be pending is the urgent wait (every other one
  // keeps this object alive); it ends with `teardown`, calling no JS.
  if (socket_ != nullptr && liveness_->loop_alive) sys::socket_close(socket_, true);
  if (liveness_->loop_alive) GiveSlot();
  ReleaseReadCallbacks();
}

const std::string& SocketWrap::CloseCode() const {
  static const std::string closed = "ERR_SOCKET_CLOSED";
  return close_code_ ? *close_code_ : closed;
}

void SocketWrap::ReleaseReadCallbacks() noexcept {
  if (on_data_ != nullptr) napi_delete_reference(Env(), on_data_);
  if (on_end_ != nullptr) napi_delete_reference(Env(), on_end_);
  on_data_ = on_end_ = nullptr;
  read_into_.reset();
}

void SocketWrap::GiveSlot() noexcept {
  Environment* environment = nullptr;
  if (napi_get_instance_data(Env(), reinterpret_cast<void**>(&environment)) != napi_ok ||
      environment == nullptr) {
    return;
  }
  environment->activity.Give(activity_);
}

void SocketWrap::Stamp(sys::OpKind kind) noexcept {
  if (!activity_ || socket_ == nullptr) return;
  const double now = static_cast<double>(sys::socket_last_activity(socket_)) / 1e6;
  activity_.fields[0] = now;
  switch (kind) {
    case sys::OpKind::Accept:
    case sys::OpKind::Recv:
    case sys::OpKind::RecvFrom:
    case sys::OpKind::RecvMsg:
      activity_.fields[1] = now;
      break;
    case sys::OpKind::Connect:
    case sys::OpKind::Send:
    case sys::OpKind::SendTo:
    case sys::OpKind::SendMsg:
      activity_.fields[2] = now;
      break;
    case sys::OpKind::UrgentWait:
      break;
  }
}

Napi::Object SocketWrap::Wrap(Napi::Env env, sys::Socket** cell) {
  Environment* environment = Environment::Of(env);
  environment->wrapping = cell;
  try {
    Napi::Object wrapped = environment->socket_constructor.New({});
    environment->wrapping = nullptr;
    return wrapped;
  } catch (...) {
    environment->wrapping = nullptr;  // *cell is still the caller's unless the constructor took it
    throw;
  }
}

sys::Socket* SocketWrap::Open() {
  if (socket_ == nullptr) {
    throw SocketError(Env(), sys::Error{sys::error_invalid_argument(), "closed"});
  }
  return socket_;
}

Napi::Value SocketWrap::Start(const Napi::CallbackInfo& info, const Request& request,
                              const char* syscall, uint32_t cancel_id) {
  napi_env env = info.Env();
  CompletionRing& completions = Environment::Of(info.Env())->completions;
  auto pending = std::make_unique<Pending>();
  pending->owner = this;
  pending->syscall = syscall;
  pending->cancel_id = cancel_id;
  sys::Op* op = sys::op_new(request.kind);
  if (op == nullptr) throw SocketError(info.Env(), sys::Error{sys::error_out_of_memory(), syscall});
  op->data = request.data;
  op->length = request.length;
  op->flags = request.flags;
  if (op->address != nullptr) *op->address = request.address;
  op->control = request.control;
  op->control_length = request.control_length;
  op->done = &SocketWrap::OnDone;
  op->context = pending.get();
  if ((request.kind == sys::OpKind::Recv || request.kind == sys::OpKind::RecvFrom) &&
      request.length >= kDirectRead) {
    op->destination = &ReadDestination;
    op->destination_context = env;
  }
  if (cancel_id != 0) {
    if (!cancellable_) cancellable_ = std::make_unique<std::unordered_map<uint32_t, sys::Op*>>();
    (*cancellable_)[cancel_id] = op;
  }
  // May complete inline. The bytes of a send are only read during this
  // call: the backend copies what it still needs.
  sys::op_submit(socket_, op);
  if (!pending->settled) {
    // From here the op owns it (OnDone frees it).
    Pending* later = pending.release();
    later->in_start = false;
    // Only an operation still pending keeps the wrapper from GC (an inline
    // one would pay a reference count up and down for nothing).
    later->held = true;
    Hold();
    napi_value promise = nullptr;
    if (completions.Promise(env, &later->slot, &promise) != napi_ok) {
      // The op completes some time and settles a slot nobody waits on.
      later->slot = kNoSlot;
      throw Napi::Error::New(env);
    }
    return Napi::Value(env, promise);
  }
  if (pending->inline_outcome == nullptr) throw Napi::Error::New(env);
  if (!pending->inline_failed) return Napi::Value(env, pending->inline_outcome);
  // A failure found at once: a rejected promise, so that every failure of
  // an operation reaches the caller the same way.
  napi_deferred deferred = nullptr;
  napi_value promise = nullptr;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok ||
      napi_reject_deferred(env, deferred, pending->inline_outcome) != napi_ok) {
    throw Napi::Error::New(env);
  }
  return Napi::Value(env, promise);
}

void SocketWrap::Hold() {
  if (holds_++ == 0) Ref();
}

void SocketWrap::Release() noexcept {
  if (--holds_ != 0) return;
  uint32_t count = 0;
  napi_reference_unref(Env(), *this, &count);
}

void SocketWrap::OnDone(sys::Op* op) noexcept {
  auto* pending = static_cast<Pending*>(op->context);
  SocketWrap* self = pending->owner;
  if (pending->cancel_id != 0 && self->cancellable_) self->cancellable_->erase(pending->cancel_id);
  // Nothing runs in an environment that is going away; an environment that
  // cannot run JS any more (Deliver fails) is treated the same way.
  if (!op->teardown && pending->in_start) {
    self->SettleInline(pending, op);
  } else if (!op->teardown) {
    self->Deliver(pending, op);
  }
  if (op->kind == sys::OpKind::RecvMsg && op->teardown) DiscardRights(op);
  if (op->accepted != nullptr) {
    // A connection that never reached JS.
    sys::socket_close(op->accepted, true);
    op->accepted = nullptr;
  }
  if (!op->teardown && pending->held) self->Release();
  if (pending->in_start) {
    pending->settled = true;  // completed inline: Start() frees it
    return;
  }
  delete pending;
}

// Before the addon calls JS of the program's (onData, onEnd, onurgent):
// the completions recorded so far are settled first, in order, and no code
// of the program runs while a recorded chunk waits in the slab.
void SocketWrap::SettleRecorded() noexcept {
  Environment* environment = nullptr;
  if (napi_get_instance_data(Env(), reinterpret_cast<void**>(&environment)) == napi_ok && environment != nullptr) {
    BeforeProgramCode(environment);
  }
}

// An operation that completed inside Start(): its outcome, in the handle
// scope of the call, for Start() to return.
void SocketWrap::SettleInline(Pending* pending, sys::Op* op) noexcept {
  try {
    if (!op->aborted) Stamp(op->kind);
    try {
      pending->inline_outcome = Settle(Env(), pending, op);
    } catch (const Napi::Error& error) {
      pending->inline_outcome = error.Value();
      pending->inline_failed = true;
    }
  } catch (...) {
    pending->inline_outcome = nullptr;  // Start() throws what is pending
  }
}

// Records the outcome for lib/ to settle (completions.h): a count or a
// small chunk as numbers, anything else as a value. False when Node-API
// refused (the environment cannot run JS any more).
bool SocketWrap::Deliver(Pending* pending, sys::Op* op) noexcept {
  napi_env env = Env();
  Environment* environment = nullptr;
  if (napi_get_instance_data(env, reinterpret_cast<void**>(&environment)) != napi_ok || environment == nullptr) {
    return false;
  }
  CompletionRing& completions = environment->completions;
  const bool batching = environment->batch_depth > 0;
  if (!op->aborted) Stamp(op->kind);
  const bool succeeded = !op->aborted && !op->error;
  if (succeeded && (op->kind == sys::OpKind::Send || op->kind == sys::OpKind::SendTo ||
                    op->kind == sys::OpKind::SendMsg)) {
    return completions.Post(env, batching, pending->slot, Outcome::Count, static_cast<double>(op->transferred));
  }
  Scope scope(env);
  if (!scope.ok) return false;
  size_t offset = 0;
  if (succeeded && op->kind == sys::OpKind::Recv && SlabPlace(env, op->received, op->transferred, &offset)) {
    return completions.Post(env, batching, pending->slot, Outcome::Slab, static_cast<double>(offset),
                            static_cast<double>(op->transferred));
  }
  try {
    napi_value outcome = nullptr;
    bool failed = false;
    try {
      outcome = Settle(Napi::Env(env), pending, op);
    } catch (const Napi::Error& error) {
      outcome = error.Value();
      failed = true;
    }
    return outcome != nullptr && completions.PostValue(env, batching, pending->slot, failed, outcome);
  } catch (...) {
    return false;
  }
}

// The operation's result as a JS value, or a thrown error to reject with.
napi_value SocketWrap::Settle(Napi::Env env, Pending* pending, sys::Op* op) {
  if (op->aborted) {
    if (pending->cancelled) throw AbortError(env, pending->syscall);
    throw ClosedError(env, pending->syscall, CloseCode());
  }
  if (op->error) {
    const bool has_peer = op->kind == sys::OpKind::Connect || op->kind == sys::OpKind::SendTo ||
                          (op->kind == sys::OpKind::SendMsg && op->address->length > 0);
    throw SocketError(env, op->error, has_peer ? op->address : nullptr);
  }
  switch (op->kind) {
    case sys::OpKind::Accept: {
      sys::Socket* accepted = op->accepted;
      op->accepted = nullptr;
      try {
        return Wrap(env, &accepted);
      } catch (...) {
        if (accepted != nullptr) sys::socket_close(accepted, true);
        throw;
      }
    }
    case sys::OpKind::Send:
    case sys::OpKind::SendTo:
    case sys::OpKind::SendMsg:
      return Napi::Number::New(env, static_cast<double>(op->transferred));
    case sys::OpKind::RecvMsg:
      return MessageResult(env, op);
    case sys::OpKind::Recv:
      if (op->transferred == 0 && op->length > 0 && stream_) eof_ = true;
      return Chunk(env, op->received, op->transferred);
    case sys::OpKind::RecvFrom: {
      Napi::Object result = Napi::Object::New(env);
      result.Set("data", Chunk(env, op->received, op->transferred));
      result.Set("address", FromAddress(env, *op->address));
      result.Set("truncated", Napi::Boolean::New(env, op->truncated));
      return result;
    }
    case sys::OpKind::Connect:
    case sys::OpKind::UrgentWait:
      break;
  }
  return env.Undefined();
}

// cancel(cancelId): an AbortSignal fired; the operation rejects with an
// AbortError unless it completed first.
Napi::Value SocketWrap::Cancel(const Napi::CallbackInfo& info) {
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 0, "cancelId", 0));
  if (!cancellable_ || socket_ == nullptr) return Napi::Boolean::New(info.Env(), false);
  auto found = cancellable_->find(cancel_id);
  if (found == cancellable_->end()) return Napi::Boolean::New(info.Env(), false);
  sys::Op* op = found->second;
  static_cast<Pending*>(op->context)->cancelled = true;
  sys::op_cancel(socket_, op);
  return Napi::Boolean::New(info.Env(), true);
}

// close(code?): close(2) / closesocket. Pending operations reject with
// `code` (default ERR_SOCKET_CLOSED). Idempotent. Returns how many bytes of
// pending sends the stack had not taken, which the close drops.
Napi::Value SocketWrap::Close(const Napi::CallbackInfo& info) {
  if (socket_ == nullptr) return Napi::Number::New(info.Env(), 0);
  if (info[0].IsString()) {
    std::string code = info[0].As<Napi::String>().Utf8Value();
    if (code != CloseCode()) close_code_ = std::make_unique<std::string>(std::move(code));
  }
  sys::Socket* socket = socket_;
  socket_ = nullptr;
  const uint64_t unsent = sys::socket_unsent_bytes(socket);
  sys::socket_close(socket);
  GiveSlot();  // JS has read its last values before close
  return Napi::Number::New(info.Env(), static_cast<double>(unsent));
}

// detach(): gives the socket up as a handle another environment can adopt
// once (new NativeSocket(handle)); this object is closed without closing
// the socket.
Napi::Value SocketWrap::Detach(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  Napi::ArrayBuffer handle = Napi::ArrayBuffer::New(info.Env(), sizeof(uint64_t));
  std::vector<uint8_t> transfer;
  sys::Error error = sys::socket_detach(socket, &transfer);
  if (error) throw SocketError(info.Env(), error);
  socket_ = nullptr;
  GiveSlot();
  const uint64_t token = handles::Put(std::move(transfer));
  memcpy(handle.Data(), &token, sizeof(token));
  return handle;
}

}  // namespace winsock
