// The calls of NativeSocket that map to one system call each: argument
// checks here, then one sys:: call (bind, listen, accept, connect, send,
// recv, sendto, recvfrom, shutdown, the addresses, the options, FIONREAD,
// SIOCATMARK, keep-alive).
#include <algorithm>
#include <cstring>
#include <vector>

#include "arguments.h"
#include "environment.h"
#include "error.h"
#include "js_address.h"
#include "socket_wrap.h"

namespace winsock {

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

}  // namespace

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
  return Start(info, request, "send", 0);
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
  return Start(info, request, "sendto", 0);
}

// sendToMany(bytes, spans, peers, start, end): sendmmsg(2), the datagrams
// [start, end) of a batch in one call (lib/socket/datagram-batch.ts).
// Datagram i is bytes[spans[3i], +spans[3i+1]) to peers[spans[3i+2]].
// Returns how many went, in order (sys::socket_send_datagrams): 0 when the
// next must go by sendTo(), which reports its own outcome, as must any
// whose address this call cannot read; -1 when every one must.
Napi::Value SocketWrap::SendToMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sys::Socket* socket = Open();
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw TypeError(env, "ERR_INVALID_ARG_TYPE", "spans must be an Int32Array");
  }
  if (!info[2].IsArray()) throw TypeError(env, "ERR_INVALID_ARG_TYPE", "peers must be an Array");
  const int32_t start = Int32Arg(info, 3, "start", 0);
  int32_t end = Int32Arg(info, 4, "end", 0);
  Napi::Int32Array spans = info[1].As<Napi::Int32Array>();
  if (start < 0 || end < start || static_cast<size_t>(end) * 3 > spans.ElementLength()) {
    throw RangeError(env, "ERR_OUT_OF_RANGE", "start and end must lie within spans");
  }
  end = std::min<int32_t>(end, start + static_cast<int32_t>(sys::kDatagramBatch));
  Napi::Array peers = info[2].As<Napi::Array>();
  const uint32_t peer_count = peers.Length();
  // Each datagram's peer, read again only where it differs from the one
  // before (the batch names a run of datagrams to one peer once); an
  // address this call cannot read ends the batch before its datagram.
  sys::Address addresses[sys::kDatagramBatch];
  size_t slot_of[sys::kDatagramBatch];
  size_t slots = 0;
  int32_t previous = -1;
  const sys::AddressKind kind = sys::socket_address_kind(socket);
  int32_t last = start;
  for (; last < end; last++) {
    const int32_t peer = spans[static_cast<size_t>(last) * 3 + 2];
    if (peer < 0 || static_cast<uint32_t>(peer) >= peer_count) {
      throw RangeError(env, "ERR_OUT_OF_RANGE", "a span's peer must index peers");
    }
    if (peer != previous) {
      try {
        addresses[slots] = ToAddress(peers.Get(static_cast<uint32_t>(peer)), kind);
      } catch (const Napi::Error&) {
        break;  // sendTo() of that datagram throws the same error, in its place
      }
      slots++;
      previous = peer;
    }
    slot_of[last - start] = slots - 1;
  }
  socket = Open();  // a getter of an address may have closed it
  Napi::Uint8Array bytes = BytesArg(info, 0);
  const size_t size = bytes.ByteLength();
  sys::Datagram datagrams[sys::kDatagramBatch];
  const int32_t count = last - start;
  for (int32_t i = 0; i < count; i++) {
    const size_t at = static_cast<size_t>(start + i) * 3;
    const int32_t offset = spans[at];
    const int32_t length = spans[at + 1];
    if (offset < 0 || length < 0 || static_cast<size_t>(offset) + static_cast<size_t>(length) > size) {
      throw RangeError(env, "ERR_OUT_OF_RANGE", "a span must lie within bytes");
    }
    datagrams[i] = sys::Datagram{reinterpret_cast<const char*>(bytes.Data()) + offset,
                                 static_cast<size_t>(length), &addresses[slot_of[i]]};
  }
  const int sent = count == 0 ? 0 : sys::socket_send_datagrams(socket, datagrams, static_cast<size_t>(count));
  if (sent > 0) Stamp(sys::OpKind::SendTo);
  return Napi::Number::New(env, sent);
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

// shutdown(how): shutdown(2) / Winsock shutdown; 0 receive, 1 send, 2 both.
Napi::Value SocketWrap::Shutdown(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  sys::Error error = sys::socket_shutdown(socket, Int32Arg(info, 0, "how", 1));
  if (error) throw SocketError(info.Env(), error);
  return info.Env().Undefined();
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
