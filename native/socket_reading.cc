// Continuous reads (startReading/stopReading: each chunk straight to
// onData, no promise) and the urgent watch (waitUrgent: each out-of-band
// byte to onurgent) of NativeSocket; both are repeat operations whose
// completions run in C frames, so they are noexcept and call JS through
// js_callback.h.
#include <memory>

#include "chunks.h"
#include "error.h"
#include "arguments.h"
#include "js_callback.h"
#include "socket_wrap.h"

namespace winsock {

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
  self->SettleRecorded();
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
  SettleRecorded();
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
    if (scope.ok) SettleRecorded();
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

}  // namespace winsock
