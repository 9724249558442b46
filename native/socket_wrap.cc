#include "socket_wrap.h"

#include <cstring>
#include <memory>
#include <new>

#include "chunks.h"
#include "environment.h"
#include "error.h"
#include "arguments.h"
#include "handles.h"
#include "js_address.h"

namespace winsock {

// One started operation: the promise to settle, and what the completion
// needs to know about how it was started.
struct SocketWrap::Pending {
  SocketWrap* owner = nullptr;
  napi_deferred deferred = nullptr;
  bool in_start = true;   // Start() is still on the stack
  bool settled = false;   // completed while Start() was on the stack
  const char* syscall = nullptr;
  uint32_t cancel_id = 0;
  bool cancelled = false;
  // write(): no promise unless the operation outlives Start(); what an
  // inline completion gave is kept here for Start() to return.
  bool lazy = false;
  bool held = false;      // it outlived Start(), so it holds the wrapper
  bool inline_aborted = false;
  sys::Error inline_error;
  size_t inline_transferred = 0;
};

namespace {

// The bytes of a Uint8Array argument. Read last of a call's arguments: a
// getter run by reading another argument could detach the buffer.
Napi::Uint8Array BytesArg(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "data must be a Uint8Array or Buffer");
  }
  return value.As<Napi::Uint8Array>();
}

// A JS exception thrown by a callback we called (onData, onEnd, onurgent)
// becomes an uncaught exception, as from any Node callback. When none is
// pending, the call failed because JS cannot run any more: nothing to do.
void SurfaceCallbackError(napi_env env) noexcept {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  napi_value error = nullptr;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
}

// Calls `receiver[callback](...argv)`; false when it threw or could not run.
bool CallBack(napi_env env, napi_value receiver, napi_value callback, size_t argc,
              const napi_value* argv) noexcept {
  napi_value result = nullptr;
  if (napi_call_function(env, receiver, callback, argc, argv, &result) == napi_ok) return true;
  SurfaceCallbackError(env);
  return false;
}

// A handle scope that closes itself; `ok` is false when Node-API refused it.
class Scope {
 public:
  explicit Scope(napi_env env) noexcept : env_(env) {
    ok = napi_open_handle_scope(env, &scope_) == napi_ok;
  }
  ~Scope() {
    if (ok) napi_close_handle_scope(env_, scope_);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  bool ok = false;

 private:
  napi_env env_;
  napi_handle_scope scope_ = nullptr;
};

}  // namespace

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
                              const char* syscall, uint32_t cancel_id, bool lazy) {
  napi_env env = info.Env();
  auto* pending = new Pending;
  pending->owner = this;
  pending->syscall = syscall;
  pending->cancel_id = cancel_id;
  pending->lazy = lazy;
  napi_value promise = nullptr;
  if (!lazy && napi_create_promise(env, &pending->deferred, &promise) != napi_ok) {
    delete pending;
    throw Napi::Error::New(env);
  }
  sys::Op* op = sys::op_new(request.kind);
  if (op == nullptr) {
    delete pending;
    throw SocketError(info.Env(), sys::Error{sys::error_out_of_memory(), syscall});
  }
  op->data = request.data;
  op->length = request.length;
  op->flags = request.flags;
  if (op->address != nullptr) *op->address = request.address;
  op->control = request.control;
  op->control_length = request.control_length;
  op->done = &SocketWrap::OnDone;
  op->context = pending;
  if ((request.kind == sys::OpKind::Recv || request.kind == sys::OpKind::RecvFrom) &&
      request.length >= kDirectRead) {
    op->destination = &ReadDestination;
    op->destination_context = env;
  }
  if (cancel_id != 0) {
    if (!cancellable_) cancellable_ = std::make_unique<std::unordered_map<uint32_t, sys::Op*>>();
    (*cancellable_)[cancel_id] = op;
  }
  // May complete (and settle the promise) inline. The bytes of a send are
  // only read during this call: the backend copies what it still needs.
  sys::op_submit(socket_, op);
  if (!pending->settled) {
    pending->in_start = false;
    // Only an operation still pending keeps the wrapper from GC (an inline
    // one would pay a reference count up and down for nothing).
    pending->held = true;
    Hold();
    // Completions arrive in a later turn of the loop, so a promise made
    // now is in place before the operation can settle it.
    if (lazy && napi_create_promise(env, &pending->deferred, &promise) != napi_ok) throw Napi::Error::New(env);
    return Napi::Value(env, promise);
  }
  if (!lazy) {
    delete pending;
    return Napi::Value(env, promise);
  }
  // A lazy operation that completed inline: its byte count, or a promise
  // that rejects (so that write() reports every failure the same way).
  std::unique_ptr<Pending> done(pending);
  if (!done->inline_aborted && !done->inline_error) {
    return Napi::Number::New(env, static_cast<double>(done->inline_transferred));
  }
  const bool has_peer = request.kind == sys::OpKind::SendTo;
  Napi::Error error = done->inline_aborted
                          ? ClosedError(info.Env(), syscall, CloseCode())
                          : SocketError(info.Env(), done->inline_error, has_peer ? &request.address : nullptr);
  napi_deferred deferred;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok ||
      napi_reject_deferred(env, deferred, error.Value()) != napi_ok) {
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
  if (pending->lazy && pending->in_start) {
    // No promise yet: Start() answers for it.
    if (!op->aborted) self->Stamp(op->kind);
    pending->inline_aborted = op->aborted;
    pending->inline_error = op->error;
    pending->inline_transferred = op->transferred;
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

// Settles the operation's promise; false when Node-API refused (the
// environment cannot run JS any more).
bool SocketWrap::Deliver(Pending* pending, sys::Op* op) noexcept {
  napi_env env = Env();
  Scope scope(env);
  if (!scope.ok) return false;
  try {
    if (!op->aborted) Stamp(op->kind);
    napi_value outcome = nullptr;
    bool resolved = true;
    try {
      outcome = Settle(Napi::Env(env), pending, op);
    } catch (const Napi::Error& error) {
      outcome = error.Value();
      resolved = false;
    }
    if (outcome == nullptr) return false;
    const napi_status status = resolved ? napi_resolve_deferred(env, pending->deferred, outcome)
                                        : napi_reject_deferred(env, pending->deferred, outcome);
    return status == napi_ok;
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

// bind(address): bind / Winsock bind.
Napi::Value SocketWrap::Bind(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  sys::Address address = ToAddress(info[0], sys::socket_address_kind(socket));
  sys::Error error = sys::socket_bind(Open(), address);
  if (error) throw SocketError(info.Env(), error, &address);
  return info.Env().Undefined();
}

// listen(backlog): listen / Winsock listen.
Napi::Value SocketWrap::Listen(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  sys::Error error = sys::socket_listen(socket, Int32Arg(info, 0, "backlog", 511));
  if (error) throw SocketError(info.Env(), error);
  return info.Env().Undefined();
}

// accept(cancelId): accept / AcceptEx. Resolves with a NativeSocket.
Napi::Value SocketWrap::Accept(const Napi::CallbackInfo& info) {
  Open();
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 0, "cancelId", 0));
  return Start(info, Request{sys::OpKind::Accept}, "accept", cancel_id);
}

// connect(address, cancelId): connect / ConnectEx.
Napi::Value SocketWrap::Connect(const Napi::CallbackInfo& info) {
  Request request{sys::OpKind::Connect};
  request.address = ToAddress(info[0], sys::socket_address_kind(Open()));
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 1, "cancelId", 0));
  Open();  // a getter of the address may have closed it
  return Start(info, request, "connect", cancel_id);
}

// send(bytes, flags): send / WSASend; a stream send resolves when all went.
// The count sent when the stack took every byte at once (no promise made:
// write() needs none), else a promise.
Napi::Value SocketWrap::Send(const Napi::CallbackInfo& info) {
  Open();
  Request request{sys::OpKind::Send};
  request.flags = Int32Arg(info, 1, "flags", 0);
  Napi::Uint8Array bytes = BytesArg(info, 0);
  request.data = reinterpret_cast<const char*>(bytes.Data());
  request.length = bytes.ByteLength();
  return Start(info, request, "send", 0, true);
}

// recv(size, flags, cancelId): recv / WSARecv.
Napi::Value SocketWrap::Recv(const Napi::CallbackInfo& info) {
  Open();
  Request request{sys::OpKind::Recv};
  request.length = SizeArg(info, 0, "size");
  request.flags = Int32Arg(info, 1, "flags", 0);
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 2, "cancelId", 0));
  return Start(info, request, "recv", cancel_id);
}

// sendTo(bytes, address, flags): sendto / WSASendTo. The count sent when the
// stack took the datagram at once (no promise made), else a promise.
Napi::Value SocketWrap::SendTo(const Napi::CallbackInfo& info) {
  Request request{sys::OpKind::SendTo};
  request.address = ToAddress(info[1], sys::socket_address_kind(Open()));
  request.flags = Int32Arg(info, 2, "flags", 0);
  Open();  // a getter of the address may have closed it
  Napi::Uint8Array bytes = BytesArg(info, 0);
  request.data = reinterpret_cast<const char*>(bytes.Data());
  request.length = bytes.ByteLength();
  return Start(info, request, "sendto", 0, true);
}

// recvFrom(size, flags, cancelId): recvmsg / WSARecvFrom.
Napi::Value SocketWrap::RecvFrom(const Napi::CallbackInfo& info) {
  Open();
  Request request{sys::OpKind::RecvFrom};
  request.length = SizeArg(info, 0, "size");
  request.flags = Int32Arg(info, 1, "flags", 0);
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 2, "cancelId", 0));
  return Start(info, request, "recvfrom", cancel_id);
}

// waitUrgent(): watches for urgent (out-of-band) data; this object's
// `onurgent(code, error)` is called with code >= 0 for each urgent byte
// taken out of band, -1 when urgent data waits inline (SO_OOBINLINE), and
// -2 (with the error, if it failed) when the watch ended by itself. False
// when a watch is already on. cancelUrgent() ends it without a call.
Napi::Value SocketWrap::WaitUrgent(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  if (urgent_ != nullptr) return Napi::Boolean::New(info.Env(), false);
  sys::Op* op = sys::op_new(sys::OpKind::UrgentWait);
  if (op == nullptr) throw SocketError(info.Env(), sys::Error{sys::error_out_of_memory(), "urgent"});
  op->repeat = true;
  op->done = &SocketWrap::OnUrgent;
  op->context = this;
  urgent_ = op;
  sys::op_submit(socket, op);  // may complete inline
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value SocketWrap::CancelUrgent(const Napi::CallbackInfo& info) {
  if (urgent_ != nullptr && socket_ != nullptr) sys::op_cancel(socket_, urgent_);
  return info.Env().Undefined();
}

void SocketWrap::OnUrgent(sys::Op* op) noexcept {
  auto* self = static_cast<SocketWrap*>(op->context);
  if (!op->more) self->urgent_ = nullptr;
  if (op->teardown || op->aborted) return;
  napi_env env = self->Env();
  Scope scope(env);
  if (!scope.ok) return;
  napi_value object = nullptr;
  napi_value callback = nullptr;
  napi_valuetype type = napi_undefined;
  if (napi_get_reference_value(env, *self, &object) != napi_ok || object == nullptr ||
      napi_get_named_property(env, object, "onurgent", &callback) != napi_ok ||
      napi_typeof(env, callback, &type) != napi_ok || type != napi_function) {
    SurfaceCallbackError(env);  // a throwing getter
    return;
  }
  napi_value argv[2] = {nullptr, nullptr};
  if (op->more && op->transferred == 0) {
    if (napi_create_int32(env, -1, &argv[0]) != napi_ok) return;
    CallBack(env, object, callback, 1, argv);
    return;
  }
  if (op->more) {
    for (size_t i = 0; i < op->transferred; i++) {
      if (napi_create_int32(env, static_cast<unsigned char>(op->received[i]), &argv[0]) != napi_ok ||
          !CallBack(env, object, callback, 1, argv)) {
        return;
      }
    }
    return;
  }
  if (napi_create_int32(env, -2, &argv[0]) != napi_ok) return;
  if (op->error) {
    try {
      argv[1] = SocketError(Napi::Env(env), op->error).Value();
    } catch (...) {
      return;
    }
  } else if (napi_get_undefined(env, &argv[1]) != napi_ok) {
    return;
  }
  CallBack(env, object, callback, 2, argv);
}

// startReading(onData, onEnd, size[, buffer]): a continuous recv / WSARecv.
// Each chunk goes to onData(chunk) straight from the completion, with no
// Promise (with `buffer`, a view of it: read_into.h); the
// read ends with onEnd(undefined, false) at EOF, onEnd(error, false) on a
// failure, and onEnd(undefined, true) once a stopReading or close took
// effect (on Windows that is after the cancel completed, and chunks read
// before it still reach onData).
Napi::Value SocketWrap::StartReading(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  if (!info[0].IsFunction() || !info[1].IsFunction()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "onData and onEnd must be functions");
  }
  const uint32_t size = info[2].IsUndefined() ? 65536 : SizeArg(info, 2, "size");
  if (size == 0) throw RangeError(info.Env(), "ERR_OUT_OF_RANGE", "size must be at least 1");
  if (reading_ != nullptr) return Napi::Boolean::New(info.Env(), false);
  std::unique_ptr<ReadInto> read_into;
  if (!info[3].IsUndefined()) {
    if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "buffer must be a Uint8Array or Buffer");
    }
    Napi::Uint8Array buffer = info[3].As<Napi::Uint8Array>();
    if (buffer.ByteLength() < size) {
      throw RangeError(info.Env(), "ERR_OUT_OF_RANGE", "size must be at most the buffer's length");
    }
    read_into = std::make_unique<ReadInto>(info.Env(), buffer);
  }
  if (napi_create_reference(info.Env(), info[0], 1, &on_data_) != napi_ok ||
      napi_create_reference(info.Env(), info[1], 1, &on_end_) != napi_ok) {
    ReleaseReadCallbacks();
    throw Napi::Error::New(info.Env());
  }
  sys::Op* op = sys::op_new(sys::OpKind::Recv);
  if (op == nullptr) {
    ReleaseReadCallbacks();
    throw SocketError(info.Env(), sys::Error{sys::error_out_of_memory(), "recv"});
  }
  Hold();
  op->length = size;
  op->repeat = true;
  op->done = &SocketWrap::OnRead;
  op->context = this;
  if (read_into) {
    op->destination = &ReadInto::Destination;
    op->destination_context = read_into.get();
  } else if (size >= kDirectRead) {
    op->destination = &ReadDestination;
    op->destination_context = info.Env();
  }
  read_into_ = std::move(read_into);
  reading_ = op;
  sys::op_submit(socket, op);  // a repeat op never completes inline
  return Napi::Boolean::New(info.Env(), true);
}

// stopReading(): ends the continuous read; no more onData calls after it.
Napi::Value SocketWrap::StopReading(const Napi::CallbackInfo& info) {
  if (reading_ != nullptr && read_into_ != nullptr) {
    // The caller may reuse its buffer as soon as this returns: what still
    // arrives (Windows: reads completed before the cancel) gets its own.
    reading_->destination = nullptr;
    reading_->destination_context = nullptr;
    read_into_.reset();
  }
  if (reading_ != nullptr && socket_ != nullptr) sys::op_cancel(socket_, reading_);
  return info.Env().Undefined();
}

void SocketWrap::OnRead(sys::Op* op) noexcept {
  auto* self = static_cast<SocketWrap*>(op->context);
  if (op->teardown) {  // the environment is going away: no JS
    self->reading_ = nullptr;
    return;
  }
  if (op->more) {
    // onData threw, or JS cannot run any more: the read stops.
    if (!self->DeliverChunk(op) && self->socket_ != nullptr) sys::op_cancel(self->socket_, op);
    return;
  }
  self->EndReading(op);
}

bool SocketWrap::DeliverChunk(sys::Op* op) noexcept {
  napi_env env = Env();
  Scope scope(env);
  if (!scope.ok) return false;
  Stamp(sys::OpKind::Recv);
  napi_value chunk = nullptr;
  napi_value receiver = nullptr;
  napi_value callback = nullptr;
  // A read into the caller's buffer that finds it gone still hands its
  // bytes over, as a chunk of their own; then the reading ends.
  const bool viewed = read_into_ != nullptr && read_into_->Chunk(op->received, op->transferred, &chunk);
  if ((!viewed && ChunkOf(env, op->received, op->transferred, &chunk) != napi_ok) ||
      napi_get_reference_value(env, *this, &receiver) != napi_ok ||
      napi_get_reference_value(env, on_data_, &callback) != napi_ok) {
    return false;
  }
  return CallBack(env, receiver, callback, 1, &chunk) && (read_into_ == nullptr || !read_into_->lost);
}

// The last completion of a continuous read: EOF, an error, or stopped.
void SocketWrap::EndReading(sys::Op* op) noexcept {
  if (!op->aborted && !op->error && stream_) eof_ = true;
  reading_ = nullptr;
  napi_env env = Env();
  {
    Scope scope(env);
    napi_value receiver = nullptr;
    napi_value callback = nullptr;
    const bool report = scope.ok && on_end_ != nullptr &&
                        napi_get_reference_value(env, *this, &receiver) == napi_ok &&
                        napi_get_reference_value(env, on_end_, &callback) == napi_ok;
    const bool lost_buffer = read_into_ != nullptr && read_into_->lost;
    // Released before onEnd runs, so that onEnd may start reading again.
    ReleaseReadCallbacks();
    if (report) {
      napi_value argv[2] = {nullptr, nullptr};
      // Stopped by the loss of the buffer: an error, not a stop.
      const bool stopped = op->aborted && !lost_buffer;
      bool made = napi_get_undefined(env, &argv[0]) == napi_ok &&
                  napi_get_boolean(env, stopped, &argv[1]) == napi_ok;
      try {
        if (made && lost_buffer) {
          argv[0] = CodedError(Napi::Env(env), "ERR_SOCKET_READ_BUFFER",
                               "the buffer given to startReading() was detached or shrunk").Value();
        } else if (made && op->error && !op->aborted) {
          argv[0] = SocketError(Napi::Env(env), op->error).Value();
        }
      } catch (...) {
        made = false;
      }
      if (made) CallBack(env, receiver, callback, 2, argv);
    }
  }
  Release();  // may let this object be collected later
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

// shutdown(how): shutdown(2) / Winsock shutdown; 0 receive, 1 send, 2 both.
Napi::Value SocketWrap::Shutdown(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  sys::Error error = sys::socket_shutdown(socket, Int32Arg(info, 0, "how", 1));
  if (error) throw SocketError(info.Env(), error);
  return info.Env().Undefined();
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

// localAddress(): getsockname.
Napi::Value SocketWrap::LocalAddress(const Napi::CallbackInfo& info) {
  sys::Address address;
  sys::Error error = sys::socket_local_address(Open(), &address);
  if (error) throw SocketError(info.Env(), error);
  return FromAddress(info.Env(), address);
}

// remoteAddress(): getpeername.
Napi::Value SocketWrap::RemoteAddress(const Napi::CallbackInfo& info) {
  sys::Address address;
  sys::Error error = sys::socket_remote_address(Open(), &address);
  if (error) throw SocketError(info.Env(), error);
  return FromAddress(info.Env(), address);
}

// setsockopt(level, name, value): an int, or the raw bytes of the value.
Napi::Value SocketWrap::SetSockOpt(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  const int32_t level = Int32Arg(info, 0, "level", 0);
  const int32_t name = Int32Arg(info, 1, "name", 0);
  sys::Error error;
  if (info[2].IsNumber()) {
    const int32_t value = info[2].As<Napi::Number>().Int32Value();
    error = sys::socket_set_option(socket, level, name, &value, sizeof(value));
  } else if (info[2].IsTypedArray() &&
             info[2].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array bytes = info[2].As<Napi::Uint8Array>();
    error = sys::socket_set_option(socket, level, name, bytes.Data(), bytes.ByteLength());
  } else {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "value must be a number or a Uint8Array");
  }
  if (error) throw SocketError(info.Env(), error);
  return info.Env().Undefined();
}

// getsockopt(level, name, size): the raw bytes the stack wrote.
Napi::Value SocketWrap::GetSockOpt(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  const int32_t level = Int32Arg(info, 0, "level", 0);
  const int32_t name = Int32Arg(info, 1, "name", 0);
  const uint32_t capacity = info[2].IsUndefined() ? 4 : SizeArg(info, 2, "size");
  if (capacity == 0 || capacity > 65536) {
    throw RangeError(info.Env(), "ERR_OUT_OF_RANGE", "size must be from 1 to 65536");
  }
  std::vector<uint8_t> value(capacity);
  size_t length = capacity;
  sys::Error error = sys::socket_get_option(socket, level, name, value.data(), &length);
  if (error) throw SocketError(info.Env(), error);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), value.data(), length < capacity ? length : capacity);
}

// bytesAvailable(): FIONREAD.
Napi::Value SocketWrap::BytesAvailable(const Napi::CallbackInfo& info) {
  uint64_t count = 0;
  sys::Error error = sys::socket_bytes_available(Open(), &count);
  if (error) throw SocketError(info.Env(), error);
  return Napi::Number::New(info.Env(), static_cast<double>(count));
}

// atMark(): SIOCATMARK.
Napi::Value SocketWrap::AtMark(const Napi::CallbackInfo& info) {
  bool mark = false;
  sys::Error error = sys::socket_at_mark(Open(), &mark);
  if (error) throw SocketError(info.Env(), error);
  return Napi::Boolean::New(info.Env(), mark);
}

// setKeepAlive(enable, idleMs, intervalMs, count): SO_KEEPALIVE + TCP_KEEP*
// or SIO_KEEPALIVE_VALS; -1 leaves a value as it is.
Napi::Value SocketWrap::SetKeepAlive(const Napi::CallbackInfo& info) {
  Open();
  const bool enable = info[0].ToBoolean().Value();
  const int32_t idle = Int32Arg(info, 1, "idleMs", -1);
  const int32_t interval = Int32Arg(info, 2, "intervalMs", -1);
  const int32_t count = Int32Arg(info, 3, "count", -1);
  sys::Error error = sys::socket_set_keepalive(Open(), enable, idle, interval, count);
  if (error) throw SocketError(info.Env(), error);
  return info.Env().Undefined();
}

Napi::Value SocketWrap::GetFd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(),
                           socket_ == nullptr ? -1 : static_cast<double>(sys::socket_handle(socket_)));
}

// True once a recv found the peer's EOF.
Napi::Value SocketWrap::GetEof(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), eof_);
}

// activitySlot(): [page, offset]: this socket's timestamps are
// page[offset] (any), page[offset + 1] (read), page[offset + 2] (write),
// in milliseconds on the uv_hrtime clock (the one performance.now() reads).
Napi::Value SocketWrap::ActivitySlot(const Napi::CallbackInfo& info) {
  if (!activity_) return info.Env().Null();
  Napi::Array result = Napi::Array::New(info.Env(), 2);
  result.Set(0u, Environment::Of(info.Env())->activity.Page(activity_));
  result.Set(1u, Napi::Number::New(info.Env(), ActivityPages::Offset(activity_)));
  return result;
}

}  // namespace winsock
