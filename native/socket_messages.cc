// The message calls of NativeSocket: sendmsg/recvmsg with ancillary data,
// socketpair, and sharing a socket with another process. Argument checks
// here, the calls and the control-message layout behind sys.h.
#include <cstring>
#include <new>

#include "arguments.h"
#include "chunks.h"
#include "environment.h"
#include "error.h"
#include "handles.h"
#include "js_address.h"
#include "socket_wrap.h"

namespace winsock {

namespace {

// At most this many bytes of control data a receive makes room for.
constexpr uint32_t kControlMax = 64 * 1024;

int32_t IntField(Napi::Object object, const char* name) {
  Napi::Value value = object.Get(name);
  if (!value.IsNumber()) {
    throw TypeError(object.Env(), "ERR_INVALID_ARG_TYPE",
                    std::string("control.") + name + " must be a number");
  }
  return value.As<Napi::Number>().Int32Value();
}

// [{ level, type, data }]: copied at once, so no later getter can change them.
std::vector<sys::ControlItem> ControlArg(Napi::Value value) {
  std::vector<sys::ControlItem> items;
  if (value.IsUndefined() || value.IsNull()) return items;
  if (!value.IsArray()) throw TypeError(value.Env(), "ERR_INVALID_ARG_TYPE", "control must be an array");
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value entry = array.Get(i);
    if (!entry.IsObject()) throw TypeError(value.Env(), "ERR_INVALID_ARG_TYPE", "each control message must be an object");
    Napi::Object object = entry.As<Napi::Object>();
    sys::ControlItem item;
    item.level = IntField(object, "level");
    item.type = IntField(object, "type");
    Napi::Value data = object.Get("data");
    if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw TypeError(value.Env(), "ERR_INVALID_ARG_TYPE", "control.data must be a Uint8Array");
    }
    Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
    item.data.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
    items.push_back(std::move(item));
  }
  return items;
}

const char* KindName(sys::ControlKind kind) {
  switch (kind) {
    case sys::ControlKind::PacketInfo: return "packetInfo";
    case sys::ControlKind::TypeOfService: return "tos";
    case sys::ControlKind::HopLimit: return "ttl";
    case sys::ControlKind::Timestamp: return "timestamp";
    case sys::ControlKind::Rights: return "rights";
    case sys::ControlKind::Raw: break;
  }
  return "raw";
}

// A received control message as JS sees it: always level, type and data,
// and the decoded value where the backend knows the type.
Napi::Object ControlObject(Napi::Env env, sys::ReceivedControl& item) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("kind", Napi::String::New(env, KindName(item.kind)));
  object.Set("level", Napi::Number::New(env, item.level));
  object.Set("type", Napi::Number::New(env, item.type));
  object.Set("data", Napi::Buffer<uint8_t>::Copy(env, item.data.data(), item.data.size()));
  switch (item.kind) {
    case sys::ControlKind::PacketInfo: {
      Napi::Value address = FromAddress(env, item.destination);
      object.Set("address", address.As<Napi::Object>().Get("address"));
      object.Set("interfaceIndex", Napi::Number::New(env, item.interface_index));
      break;
    }
    case sys::ControlKind::TypeOfService:
    case sys::ControlKind::HopLimit:
      object.Set("value", Napi::Number::New(env, item.value));
      break;
    case sys::ControlKind::Timestamp:
      object.Set("seconds", Napi::Number::New(env, static_cast<double>(item.seconds)));
      object.Set("nanoseconds", Napi::Number::New(env, static_cast<double>(item.nanoseconds)));
      break;
    case sys::ControlKind::Rights: {
      // Each descriptor becomes a single-use handle (handles.h), as a
      // detach() gives: Socket.adopt takes it once.
      Napi::Array list = Napi::Array::New(env, item.transfers.size());
      for (size_t i = 0; i < item.transfers.size(); i++) {
        const uint64_t token = handles::Put(std::move(item.transfers[i]));
        Napi::ArrayBuffer handle = Napi::ArrayBuffer::New(env, sizeof(token));
        memcpy(handle.Data(), &token, sizeof(token));
        list.Set(static_cast<uint32_t>(i), handle);
      }
      item.transfers.clear();
      object.Set("handles", list);
      break;
    }
    case sys::ControlKind::Raw:
      break;
  }
  return object;
}

}  // namespace

// sendMsg(bytes, address | undefined, flags, control): sendmsg(2) / WSASendMsg.
Napi::Value SocketWrap::SendMsg(const Napi::CallbackInfo& info) {
  Request request{sys::OpKind::SendMsg};
  if (!info[1].IsUndefined() && !info[1].IsNull()) {
    request.address = ToAddress(info[1], sys::socket_address_kind(Open()));
  }
  request.flags = Int32Arg(info, 2, "flags", 0);
  std::vector<sys::ControlItem> items = ControlArg(info[3]);
  std::vector<char> control;
  sys::Error error = sys::control_encode(items, &control);
  if (error) throw SocketError(info.Env(), error);
  request.control = control.empty() ? nullptr : control.data();
  request.control_length = control.size();
  Open();  // a getter may have closed it
  Napi::Value data = info[0];
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw TypeError(info.Env(), "ERR_INVALID_ARG_TYPE", "data must be a Uint8Array or Buffer");
  }
  Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
  request.data = reinterpret_cast<const char*>(bytes.Data());
  request.length = bytes.ByteLength();
  return Start(info, request, "sendmsg", 0);
}

// recvMsg(size, controlSize, flags, cancelId): recvmsg(2) / WSARecvMsg.
Napi::Value SocketWrap::RecvMsg(const Napi::CallbackInfo& info) {
  Open();
  Request request{sys::OpKind::RecvMsg};
  request.length = SizeArg(info, 0, "size");
  const uint32_t room = SizeArg(info, 1, "controlSize");
  if (room > kControlMax) {
    throw RangeError(info.Env(), "ERR_OUT_OF_RANGE", "controlSize must be at most 65536");
  }
  request.control_length = room;
  request.flags = Int32Arg(info, 2, "flags", 0);
  const uint32_t cancel_id = static_cast<uint32_t>(Int32Arg(info, 3, "cancelId", 0));
  return Start(info, request, "recvmsg", cancel_id);
}

Napi::Value SocketWrap::MessageResult(Napi::Env env, sys::Op* op) {
  std::vector<sys::ReceivedControl> items;
  if (op->received_control != nullptr && op->control_received > 0) {
    sys::control_decode(op->received_control, op->control_received, &items);
  }
  try {
    Napi::Object result = Napi::Object::New(env);
    result.Set("data", Chunk(env, op->received, op->transferred));
    result.Set("address", FromAddress(env, *op->address));
    result.Set("truncated", Napi::Boolean::New(env, op->truncated));
    result.Set("controlTruncated", Napi::Boolean::New(env, op->control_truncated));
    result.Set("flags", Napi::Number::New(env, op->message_flags));
    Napi::Array control = Napi::Array::New(env, items.size());
    for (size_t i = 0; i < items.size(); i++) control.Set(static_cast<uint32_t>(i), ControlObject(env, items[i]));
    result.Set("control", control);
    return result;
  } catch (...) {
    // Descriptors that never reached a handle are closed, not leaked.
    for (const auto& item : items) {
      for (const auto& transfer : item.transfers) sys::transfer_close(transfer);
    }
    throw;
  }
}

// The environment is going away: descriptors a receive got are closed.
void SocketWrap::DiscardRights(sys::Op* op) noexcept {
  if (op->received_control == nullptr || op->control_received == 0 || op->aborted) return;
  try {
    std::vector<sys::ReceivedControl> items;
    sys::control_decode(op->received_control, op->control_received, &items);
    for (const auto& item : items) {
      for (const auto& transfer : item.transfers) sys::transfer_close(transfer);
    }
  } catch (...) {
    // Out of memory while tearing down: nothing more to do.
  }
}

// share(processId): WSADuplicateSocketW for that process (Windows), as
// Python's socket.share: the bytes Socket.fromShare takes there. The
// socket stays open here.
Napi::Value SocketWrap::Share(const Napi::CallbackInfo& info) {
  sys::Socket* socket = Open();
  const uint32_t process = SizeArg(info, 0, "processId");
  std::vector<uint8_t> shared;
  sys::Error error = sys::socket_share(socket, process, &shared);
  if (error) throw SocketError(info.Env(), error);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), shared.data(), shared.size());
}

// NativeSocket.pair(family, type, protocol): socketpair(2), or on Windows a
// connected loopback pair. Returns [NativeSocket, NativeSocket].
Napi::Value SocketWrap::Pair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sys::Socket* first = nullptr;
  sys::Socket* second = nullptr;
  try {
    const int32_t family = Int32Arg(info, 0, "family", 0);
    const int32_t type = Int32Arg(info, 1, "type", 0);
    const int32_t protocol = Int32Arg(info, 2, "protocol", 0);
    sys::Error error = sys::socket_pair(Environment::Of(env)->loop, family, type, protocol, &first, &second);
    if (error) throw SocketError(env, error);
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Wrap(env, &first));
    pair.Set(1u, Wrap(env, &second));
    return pair;
  } catch (const std::bad_alloc&) {
    if (first != nullptr) sys::socket_close(first, true);
    if (second != nullptr) sys::socket_close(second, true);
    throw SocketError(env, sys::Error{sys::error_out_of_memory(), "socketpair"});
  } catch (...) {
    if (first != nullptr) sys::socket_close(first, true);
    if (second != nullptr) sys::socket_close(second, true);
    throw;
  }
}

// NativeSocket.packetInfo({ address }, interfaceIndex): the control message
// { level, type, data } of IP_PKTINFO / IPV6_PKTINFO that sends a datagram
// from that source address, laid out as this platform's struct.
Napi::Value SocketWrap::PacketInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    sys::Address source = ToAddress(info[0], sys::AddressKind::None);
    const uint32_t interface_index = info[1].IsUndefined() ? 0 : SizeArg(info, 1, "interfaceIndex");
    sys::ControlItem item;
    sys::Error error = sys::control_packet_info(source, interface_index, &item);
    if (error) throw SocketError(env, error);
    Napi::Object object = Napi::Object::New(env);
    object.Set("level", Napi::Number::New(env, item.level));
    object.Set("type", Napi::Number::New(env, item.type));
    object.Set("data", Napi::Buffer<uint8_t>::Copy(env, item.data.data(), item.data.size()));
    return object;
  } catch (const std::bad_alloc&) {
    throw SocketError(env, sys::Error{sys::error_out_of_memory(), "malloc"});
  }
}

}  // namespace winsock
