#include "error.h"

#include "environment.h"

namespace winsock {

namespace {

Napi::Error Construct(Napi::Env env, const Napi::FunctionReference& cls,
                      const std::string& message, Napi::Object properties) {
  if (cls.IsEmpty()) {
    // lib/ has not registered its classes (the addon was loaded directly):
    // a plain Error with the same fields still says everything.
    Napi::Error error = Napi::Error::New(env, message);
    Napi::Object object = error.Value();
    Napi::Array keys = properties.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); i++) {
      Napi::Value key = keys.Get(i);
      object.Set(key, properties.Get(key));
    }
    return error;
  }
  Napi::Value made = cls.New({Napi::String::New(env, message), properties});
  return Napi::Error(env, made);
}

}  // namespace

Napi::Error SocketError(Napi::Env env, const sys::Error& error, const sys::Address* address) {
  const char* portable = sys::error_code_name(error.code);
  const char* platform = sys::error_platform_name(error.code);
  // An unknown code keeps its number; it never collapses into EINVAL.
  std::string code = portable ? portable : platform ? platform : "UNKNOWN";
  const char* syscall = error.syscall ? error.syscall : "unknown";
  std::string message = std::string(syscall) + " " + code;
  Napi::Object properties = Napi::Object::New(env);
  properties.Set("code", code);
  properties.Set("errno", error.code);
  properties.Set("syscall", syscall);
  properties.Set("detail", sys::error_message(error.code));
  if (platform) properties.Set("wsaName", platform);
  if (address != nullptr && address->length > 0) {
    sys::AddressParts parts = sys::address_parts(*address);
    if (parts.kind == sys::AddressKind::Inet || parts.kind == sys::AddressKind::Inet6) {
      properties.Set("address", parts.ip);
      properties.Set("port", parts.port);
      message += " " + (parts.kind == sys::AddressKind::Inet6 ? "[" + parts.ip + "]" : parts.ip) +
                 ":" + std::to_string(parts.port);
    } else if (parts.kind == sys::AddressKind::Unix) {
      properties.Set("address", parts.path);
      message += " " + parts.path;
    }
  }
  return Construct(env, Environment::Of(env)->socket_error, message, properties);
}

Napi::Error ClosedError(Napi::Env env, const char* syscall, const std::string& code) {
  Napi::Object properties = Napi::Object::New(env);
  properties.Set("code", code);
  properties.Set("errno", 0);
  properties.Set("syscall", syscall);
  std::string reason = code == "ERR_SOCKET_CLOSED" ? "the socket was closed"
                                                   : "the socket was closed (" + code + ")";
  return Construct(env, Environment::Of(env)->socket_error,
                   std::string(syscall) + " " + code + ": " + reason, properties);
}

Napi::Error AbortError(Napi::Env env, const char* syscall) {
  Napi::Object properties = Napi::Object::New(env);
  properties.Set("syscall", syscall);
  return Construct(env, Environment::Of(env)->abort_error, "The operation was aborted",
                   properties);
}

Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message) {
  const Napi::FunctionReference& cls = Environment::Of(env)->usage_error;
  if (cls.IsEmpty()) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", code);
    return error;
  }
  return Napi::Error(env, cls.New({Napi::String::New(env, message), Napi::String::New(env, code)}));
}

Napi::Error TypeError(Napi::Env env, const char* code, const std::string& message) {
  Napi::TypeError error = Napi::TypeError::New(env, message);
  error.Set("code", code);
  return error;
}

Napi::Error RangeError(Napi::Env env, const char* code, const std::string& message) {
  Napi::RangeError error = Napi::RangeError::New(env, message);
  error.Set("code", code);
  return error;
}

}  // namespace winsock
