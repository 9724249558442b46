#include "js_address.h"

#include "error.h"

namespace winsock {

namespace {

uint32_t OptionalUint32(Napi::Object object, const char* name) {
  Napi::Value value = object.Get(name);
  if (value.IsUndefined()) return 0;
  if (!value.IsNumber()) {
    throw TypeError(object.Env(), "ERR_INVALID_ARG_TYPE",
                    std::string("address.") + name + " must be a number");
  }
  return value.As<Napi::Number>().Uint32Value();
}

}  // namespace

sys::Address ToAddress(Napi::Value value, sys::AddressKind family) {
  Napi::Env env = value.Env();
  sys::Address address;
  if (value.IsString()) {
    sys::Error error = sys::address_from_path(value.As<Napi::String>().Utf8Value(), &address);
    if (error) throw SocketError(env, error);
    return address;
  }
  if (!value.IsObject()) {
    throw TypeError(env, "ERR_INVALID_ARG_TYPE", "an address must be an object or a path string");
  }
  Napi::Object object = value.As<Napi::Object>();
  Napi::Value ip = object.Get("address");
  Napi::Value port = object.Get("port");
  if (!ip.IsString()) throw TypeError(env, "ERR_INVALID_ARG_TYPE", "address.address must be a string");
  if (!port.IsNumber()) throw TypeError(env, "ERR_INVALID_ARG_TYPE", "address.port must be a number");
  const double number = port.As<Napi::Number>().DoubleValue();
  if (!(number >= 0 && number <= 65535) || number != static_cast<int>(number)) {
    throw RangeError(env, "ERR_OUT_OF_RANGE", "address.port must be an integer from 0 to 65535");
  }
  const std::string text = ip.As<Napi::String>().Utf8Value();
  sys::Error error = sys::address_from_ip(family, text, static_cast<int>(number),
                                          OptionalUint32(object, "flowinfo"),
                                          OptionalUint32(object, "scopeId"), &address);
  if (error) {
    throw TypeError(env, "ERR_INVALID_IP_ADDRESS",
                    "'" + text + "' is not an IP address of this socket's family");
  }
  return address;
}

Napi::Value FromAddress(Napi::Env env, const sys::Address& address) {
  sys::AddressParts parts = sys::address_parts(address);
  Napi::Object object = Napi::Object::New(env);
  switch (parts.kind) {
    case sys::AddressKind::Inet:
      object.Set("family", "inet");
      object.Set("address", parts.ip);
      object.Set("port", parts.port);
      break;
    case sys::AddressKind::Inet6:
      object.Set("family", "inet6");
      object.Set("address", parts.ip);
      object.Set("port", parts.port);
      object.Set("flowinfo", parts.flowinfo);
      object.Set("scopeId", parts.scope_id);
      break;
    case sys::AddressKind::Unix:
      object.Set("family", "unix");
      object.Set("path", parts.path);
      break;
    default:
      // An address of another family (raw sockets, AF_UNSPEC): no text form.
      object.Set("family", env.Undefined());
      object.Set("address", "");
      object.Set("port", 0);
  }
  return object;
}

}  // namespace winsock
