#include "socket_wrap.h"

#include "environment.h"
#include "error.h"
#include "js_address.h"

namespace winsock {

// One started operation: the promise to settle and what must stay alive
// until the operation completes (the socket object, the bytes being sent).
struct SocketWrap::Pending {
  SocketWrap* owner = nullptr;
  napi_deferred deferred = nullptr;
  napi_ref keep_data = nullptr;
  bool in_start = true;   // Start() is still on the stack
  bool settled = false;   // completed while Start() was on the stack
  const char* syscall = nullptr;
  uint32_t cancel_id = 0;
  bool cancelled = false;
};

namespace {

int32_t Int32Arg(const Napi::CallbackInfo& info, size_t index, const char* name, int32_t fallback) {
  Napi::Value value = info[index];
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(name) + " must be a number");
  }
  return value.As<Napi::Number>().Int32Value();
}

uint32_t SizeArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsNumber()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(name) + " must be a number");
  }
  const double size = value.As<Napi::Number>().DoubleValue();
  if (!(size >= 0 && size <= 0x7fffffff) || size != static_cast<uint32_t>(size)) {
    throw RangeError(info.Env(), "ERR_OUT_OF_RANGE",
                     std::string(name) + " must be an integer from 0 to 2147483647");
  }
  return static_cast<uint32_t>(size);
}

Napi::Uint8Array BytesArg(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "data must be a Uint8Array or Buffer");
  }
  return value.As<Napi::Uint8Array>();
}

}  // namespace

Napi::Function SocketWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativeSocket", {
      InstanceMethod<&SocketWrap::Bind>("bind"),
      InstanceMethod<&SocketWrap::Listen>("listen"),
      InstanceMethod<&SocketWrap::Accept>("accept"),
      InstanceMethod<&SocketWrap::Connect>("connect"),
      InstanceMethod<&SocketWrap::Send>("send"),
      InstanceMethod<&SocketWrap::Recv>("recv"),
      InstanceMethod<&SocketWrap::SendTo>("sendTo"),
      InstanceMethod<&SocketWrap::RecvFrom>("recvFrom"),
      InstanceMethod<&SocketWrap::WaitUrgent>("waitUrgent"),
      InstanceMethod<&SocketWrap::StartReading>("startReading"),
      InstanceMethod<&SocketWrap::StopReading>("stopReading"),
      InstanceMethod<&SocketWrap::Cancel>("cancel"),
      InstanceMethod<&SocketWrap::Shutdown>("shutdown"),
      InstanceMethod<&SocketWrap::Close>("close"),
      InstanceMethod<&SocketWrap::Detach>("detach"),
      InstanceMethod<&SocketWrap::LocalAddress>("localAddress"),
      InstanceMethod<&SocketWrap::RemoteAddress>("remoteAddress"),
      InstanceMethod<&SocketWrap::SetSockOpt>("setsockopt"),
      InstanceMethod<&SocketWrap::GetSockOpt>("getsockopt"),
      InstanceMethod<&SocketWrap::BytesAvailable>("bytesAvailable"),
      InstanceMethod<&SocketWrap::AtMark>("atMark"),
      InstanceMethod<&SocketWrap::SetKeepAlive>("setKeepAlive"),
      InstanceAccessor<&SocketWrap::GetFd>("fd"),
      InstanceMethod<&SocketWrap::ActivitySlot>("activitySlot"),
      InstanceAccessor<&SocketWrap::GetEof>("eof"),
  });
}

// new NativeSocket(family, type, protocol): socket() / WSASocketW.
// new NativeSocket(ArrayBuffer): adopts a transferred socket.
// new NativeSocket(External): wraps a socket the backend made (accept).
SocketWrap::SocketWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SocketWrap>(info) {
  Napi::Env env = info.Env();
  Environment* environment = Environment::Of(env);
  liveness_ = EnvironmentLiveness(env);
  sys::Error error;
  if (info[0].IsExternal()) {
    socket_ = info[0].As<Napi::External<sys::Socket>>().Data();
  } else if (info[0].IsArrayBuffer()) {
    Napi::ArrayBuffer transfer = info[0].As<Napi::ArrayBuffer>();
    const uint8_t* bytes = static_cast<const uint8_t*>(transfer.Data());
    socket_ = sys::socket_adopt(environment->loop,
                                std::vector<uint8_t>(bytes, bytes + transfer.ByteLength()), &error);
    if (socket_ == nullptr) throw SocketError(env, error);
  } else {
    const int32_t family = Int32Arg(info, 0, "family", 0);
    const int32_t type = Int32Arg(info, 1, "type", 0);
    const int32_t protocol = Int32Arg(info, 2, "protocol", 0);
    socket_ = sys::socket_open(environment->loop, family, type, protocol, &error);
    if (socket_ == nullptr) throw SocketError(env, error);
  }
  activity_ = environment->activity.Take(env, static_cast<double>(sys::socket_last_activity(socket_)) / 1e6);
}

SocketWrap::~SocketWrap() {
  // A socket dropped without close() must not leak its descriptor. No
  // operation is pending (each one keeps this object alive), so closing
  // calls no JS.
  if (socket_ != nullptr && liveness_->loop_alive) sys::socket_close(socket_);
  if (liveness_->loop_alive) GiveSlot();
}

void SocketWrap::GiveSlot() {
  Environment::Of(Env())->activity.Give(activity_);
}

void SocketWrap::Stamp(sys::OpKind kind) {
  if (!activity_ || socket_ == nullptr) return;
  const double now = static_cast<double>(sys::socket_last_activity(socket_)) / 1e6;
  activity_.fields[0] = now;
  switch (kind) {
    case sys::OpKind::Accept:
    case sys::OpKind::Recv:
    case sys::OpKind::RecvFrom:
      activity_.fields[1] = now;
      break;
    case sys::OpKind::Connect:
    case sys::OpKind::Send:
    case sys::OpKind::SendTo:
      activity_.fields[2] = now;
      break;
    case sys::OpKind::UrgentWait:
      break;
  }
}

Napi::Object SocketWrap::Wrap(Napi::Env env, sys::Socket* socket) {
  return Environment::Of(env)->socket_constructor.New({Napi::External<sys::Socket>::New(env, socket)});
}

sys::Socket* SocketWrap::Open() {
  if (socket_ == nullptr) {
    throw SocketError(Env(), sys::Error{sys::error_invalid_argument(), "closed"});
  }
  return socket_;
}

Napi::Value SocketWrap::Start(const Napi::CallbackInfo& info, const Request& request,
                              const char* syscall, uint32_t cancel_id, Napi::Value keep) {
  Napi::Env env = info.Env();
  auto* pending = new Pending;
  pending->owner = this;
  pending->syscall = syscall;
  pending->cancel_id = cancel_id;
  napi_value promise;
  if (napi_create_promise(env, &pending->deferred, &promise) != napi_ok) {
    delete pending;
    throw Napi::Error::New(env);
  }
  // Nothing below throws before the Op is submitted, so it always completes.
  sys::Op* op = sys::op_new(request.kind);
  op->data = request.data;
  op->length = request.length;
  op->flags = request.flags;
  op->address = request.address;
  op->done = &SocketWrap::OnDone;
  op->context = pending;
  if (cancel_id != 0) cancellable_[cancel_id] = op;
  Hold();
  sys::op_submit(socket_, op);  // may complete (and settle the promise) inline
  // Still in flight: the bytes being sent must outlive this call. (No JS
  // can run between the submit and here, and the argument is on the stack.)
  if (pending->settled) {
    delete pending;
  } else {
    if (!keep.IsEmpty()) napi_create_reference(env, keep, 1, &pending->keep_data);
    pending->in_start = false;
  }
  return Napi::Value(env, promise);
}

void SocketWrap::Hold() {
  if (holds_++ == 0) Ref();
}

void SocketWrap::Release() {
  if (--holds_ == 0) Unref();
}

void SocketWrap::OnDone(sys::Op* op) {
  auto* pending = static_cast<Pending*>(op->context);
  SocketWrap* self = pending->owner;
  if (pending->cancel_id != 0) self->cancellable_.erase(pending->cancel_id);
  if (op->teardown) {
    // The environment is going away: nothing may run in it any more.
    if (op->accepted != nullptr) sys::socket_close(op->accepted);
    delete pending;
    return;
  }
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  if (!op->aborted) self->Stamp(op->kind);
  napi_value outcome = nullptr;
  bool resolved = false;
  try {
    outcome = self->Settle(env, pending, op);
    resolved = true;
  } catch (const Napi::Error& error) {
    outcome = error.Value();
  }
  if (resolved) {
    napi_resolve_deferred(env, pending->deferred, outcome);
  } else {
    napi_reject_deferred(env, pending->deferred, outcome);
  }
  self->Release();
  if (pending->in_start) {
    pending->settled = true;  // completed inline: Start() frees it
    return;
  }
  if (pending->keep_data != nullptr) napi_delete_reference(env, pending->keep_data);
  delete pending;
}

// The operation's result as a JS value, or a thrown error to reject with.
Napi::Value SocketWrap::Settle(Napi::Env env, Pending* pending, sys::Op* op) {
  if (op->aborted) {
    if (op->accepted != nullptr) sys::socket_close(op->accepted);
    if (pending->cancelled) throw AbortError(env, pending->syscall);
    throw ClosedError(env, pending->syscall, close_code_);
  }
  if (op->error) {
    const bool has_peer = op->kind == sys::OpKind::Connect || op->kind == sys::OpKind::SendTo;
    throw SocketError(env, op->error, has_peer ? &op->address : nullptr);
  }
  switch (op->kind) {
    case sys::OpKind::Accept:
      return Wrap(env, op->accepted);
    case sys::OpKind::Send:
    case sys::OpKind::SendTo:
      return Napi::Number::New(env, static_cast<double>(op->transferred));
    case sys::OpKind::Recv:
      if (op->transferred == 0 && op->length > 0) eof_ = true;
      return Napi::Buffer<char>::Copy(env, op->received, op->transferred);
    case sys::OpKind::RecvFrom: {
      Napi::Object result = Napi::Object::New(env);
      result.Set("data", Napi::Buffer<char>::Copy(env, op->received, op->transferred));
      result.Set("address", FromAddress(env, op->address));
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
  sys::Error error = sys::socket_bind(socket, address);
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
  return Start(info, Request{sys::OpKind::Accept}, "accept", cancel_id, Napi::Value());
}

// connect(address, cancelId): connect / ConnectEx.
Napi::Value SocketWrap::Connect(const Napi::CallbackInfo& info) {
  Request request{sys::OpKind::Connect};
  request.address = ToAddress(info[0], sys::socket_address_kind(Open()));
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 1, "cancelId", 0));
  return Start(info, request, "connect", cancel_id, Napi::Value());
}

// send(bytes, flags): send / WSASend; a stream send resolves when all went.
Napi::Value SocketWrap::Send(const Napi::CallbackInfo& info) {
  Open();
  Napi::Uint8Array bytes = BytesArg(info, 0);
  Request request{sys::OpKind::Send};
  request.data = reinterpret_cast<const char*>(bytes.Data());
  request.length = bytes.ByteLength();
  request.flags = Int32Arg(info, 1, "flags", 0);
  return Start(info, request, "send", 0, bytes);
}

// recv(size, flags, cancelId): recv / WSARecv.
Napi::Value SocketWrap::Recv(const Napi::CallbackInfo& info) {
  Open();
  Request request{sys::OpKind::Recv};
  request.length = SizeArg(info, 0, "size");
  request.flags = Int32Arg(info, 1, "flags", 0);
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 2, "cancelId", 0));
  return Start(info, request, "recv", cancel_id, Napi::Value());
}

// sendTo(bytes, address, flags): sendto / WSASendTo.
Napi::Value SocketWrap::SendTo(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  Napi::Uint8Array bytes = BytesArg(info, 0);
  Request request{sys::OpKind::SendTo};
  request.data = reinterpret_cast<const char*>(bytes.Data());
  request.length = bytes.ByteLength();
  request.address = ToAddress(info[1], sys::socket_address_kind(socket));
  request.flags = Int32Arg(info, 2, "flags", 0);
  return Start(info, request, "sendto", 0, bytes);
}

// recvFrom(size, flags, cancelId): recvmsg / WSARecvFrom.
Napi::Value SocketWrap::RecvFrom(const Napi::CallbackInfo& info) {
  Open();
  Request request{sys::OpKind::RecvFrom};
  request.length = SizeArg(info, 0, "size");
  request.flags = Int32Arg(info, 1, "flags", 0);
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 2, "cancelId", 0));
  return Start(info, request, "recvfrom", cancel_id, Napi::Value());
}

// waitUrgent(cancelId): resolves when out-of-band data is waiting.
Napi::Value SocketWrap::WaitUrgent(const Napi::CallbackInfo& info) {
  Open();
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 0, "cancelId", 0));
  return Start(info, Request{sys::OpKind::UrgentWait}, "urgent", cancel_id, Napi::Value());
}

// startReading(onData, onEnd, size): a continuous recv / WSARecv. Each chunk
// goes to onData(chunk) straight from the completion, with no Promise; the
// read ends with onEnd() at EOF or onEnd(error), or silently on stopReading
// or close.
Napi::Value SocketWrap::StartReading(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  if (!info[0].IsFunction() || !info[1].IsFunction()) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "onData and onEnd must be functions");
  }
  const uint32_t size = info[2].IsUndefined() ? 65536 : SizeArg(info, 2, "size");
  if (size == 0) throw RangeError(info.Env(), "ERR_OUT_OF_RANGE", "size must be at least 1");
  if (reading_ != nullptr) return Napi::Boolean::New(info.Env(), false);
  Hold();
  on_data_ = Napi::Persistent(info[0].As<Napi::Function>());
  on_end_ = Napi::Persistent(info[1].As<Napi::Function>());
  sys::Op* op = sys::op_new(sys::OpKind::Recv);
  op->length = size;
  op->repeat = true;
  op->done = &SocketWrap::OnRead;
  op->context = this;
  reading_ = op;
  sys::op_submit(socket, op);  // a repeat op never completes inline
  return Napi::Boolean::New(info.Env(), true);
}

// stopReading(): ends the continuous read; no more onData calls after it.
Napi::Value SocketWrap::StopReading(const Napi::CallbackInfo& info) {
  if (reading_ != nullptr && socket_ != nullptr) sys::op_cancel(socket_, reading_);
  return info.Env().Undefined();
}

void SocketWrap::OnRead(sys::Op* op) {
  auto* self = static_cast<SocketWrap*>(op->context);
  if (op->teardown) return;  // the environment is going away: no JS
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  if (op->more) {
    self->Stamp(sys::OpKind::Recv);
    napi_value chunk = Napi::Buffer<char>::Copy(env, op->received, op->transferred);
    napi_value result;
    if (napi_call_function(env, self->Value(), self->on_data_.Value(), 1, &chunk, &result) != napi_ok) {
      // onData threw: stop reading and let it surface as an uncaught exception.
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      if (self->socket_ != nullptr) sys::op_cancel(self->socket_, op);
      napi_fatal_exception(env, error);
    }
    return;
  }
  // The last completion: EOF, an error, or stopped (aborted).
  if (!op->aborted && !op->error) self->eof_ = true;
  Napi::Function on_end = self->on_end_.IsEmpty() ? Napi::Function() : self->on_end_.Value();
  Napi::Value error = env.Undefined();
  const bool report = !op->aborted;
  if (report && op->error) error = SocketError(env, op->error).Value();
  self->EndReading(env);
  if (report && !on_end.IsEmpty()) {
    napi_value argument = error;
    napi_value result;
    if (napi_call_function(env, self->Value(), on_end, op->error ? 1 : 0, &argument, &result) != napi_ok) {
      napi_value thrown;
      napi_get_and_clear_last_exception(env, &thrown);
      napi_fatal_exception(env, thrown);
    }
  }
}

void SocketWrap::EndReading(Napi::Env) {
  reading_ = nullptr;
  on_data_.Reset();
  on_end_.Reset();
  Release();  // may let this object be collected later
}

// cancel(cancelId): an AbortSignal fired; the operation rejects with an
// AbortError unless it completed first.
Napi::Value SocketWrap::Cancel(const Napi::CallbackInfo& info) {
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 0, "cancelId", 0));
  auto found = cancellable_.find(cancel_id);
  if (found == cancellable_.end() || socket_ == nullptr) return Napi::Boolean::New(info.Env(), false);
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
// `code` (default ERR_SOCKET_CLOSED). Idempotent.
Napi::Value SocketWrap::Close(const Napi::CallbackInfo& info) {
  if (socket_ == nullptr) return info.Env().Undefined();
  if (info[0].IsString()) close_code_ = info[0].As<Napi::String>().Utf8Value();
  sys::Socket* socket = socket_;
  socket_ = nullptr;
  sys::socket_close(socket);
  GiveSlot();  // JS has read its last values before close
  return info.Env().Undefined();
}

// detach(): gives the socket up as bytes another environment can adopt
// (new NativeSocket(bytes)); this object is closed without closing the socket.
Napi::Value SocketWrap::Detach(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  std::vector<uint8_t> transfer;
  sys::Error error = sys::socket_detach(socket, &transfer);
  if (error) throw SocketError(info.Env(), error);
  socket_ = nullptr;
  GiveSlot();
  Napi::ArrayBuffer bytes = Napi::ArrayBuffer::New(info.Env(), transfer.size());
  if (!transfer.empty()) memcpy(bytes.Data(), transfer.data(), transfer.size());
  return bytes;
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
  sys::Socket* socket = Open();
  sys::Error error = sys::socket_set_keepalive(socket, info[0].ToBoolean().Value(),
                                               Int32Arg(info, 1, "idleMs", -1),
                                               Int32Arg(info, 2, "intervalMs", -1),
                                               Int32Arg(info, 3, "count", -1));
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
  Napi::Array result = Napi::Array::New(info.Env(), 2);
  if (!activity_) return info.Env().Null();
  result.Set(0u, Environment::Of(info.Env())->activity.Page(activity_));
  result.Set(1u, Napi::Number::New(info.Env(), ActivityPages::Offset(activity_)));
  return result;
}

}  // namespace winsock
