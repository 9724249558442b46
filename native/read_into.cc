#include "read_into.h"

#include <cstring>

#include "chunks.h"

namespace winsock {

ReadInto::ReadInto(napi_env env, napi_value array) : env_(env) {
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, array, 1, &array_));
}

ReadInto::~ReadInto() {
  if (array_ != nullptr) napi_delete_reference(env_, array_);
}

bool ReadInto::Memory(size_t least, char** data, napi_value* buffer, size_t* offset) noexcept {
  napi_value array = nullptr;
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* bytes = nullptr;
  if (napi_get_reference_value(env_, array_, &array) != napi_ok || array == nullptr ||
      napi_get_typedarray_info(env_, array, &type, &length, &bytes, buffer, offset) != napi_ok) {
    return false;
  }
  // A detached array reports length 0 and no data.
  if (bytes == nullptr || length < least || length == 0) return false;
  *data = static_cast<char*>(bytes);
  return true;
}

char* ReadInto::Destination(void* context, size_t capacity) noexcept {
  auto* self = static_cast<ReadInto*>(context);
  char* data = nullptr;
  napi_value buffer = nullptr;
  size_t offset = 0;
  if (self->lost || !self->Memory(capacity, &data, &buffer, &offset)) return nullptr;
  return data;
}

bool ReadInto::Chunk(const char* bytes, size_t length, napi_value* out) noexcept {
  char* data = nullptr;
  napi_value buffer = nullptr;
  size_t offset = 0;
  if (lost || !Memory(length, &data, &buffer, &offset)) {
    lost = true;
    return false;
  }
  if (bytes != data && length > 0) std::memmove(data, bytes, length);
  return ChunkView(env_, buffer, offset, length, out) == napi_ok;
}

}  // namespace winsock
