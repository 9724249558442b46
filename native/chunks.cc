#include "chunks.h"

#include <cstring>

#include "environment.h"

namespace winsock {
namespace {

// Makes a new slab with lib's chunkSlab(kSlabBytes) (an ArrayBuffer marked
// untransferable, so that posting one chunk's buffer cannot empty the
// others) and makes it current.
bool NewSlab(Environment* environment, napi_env env, napi_value* slab, char** data) noexcept {
  // Recorded completions name chunks of the slab lib/ knows as current:
  // they are settled before it changes.
  environment->completions.Flush(env);
  napi_value make = nullptr;
  napi_value global = nullptr;
  napi_value size = nullptr;
  void* bytes = nullptr;
  size_t length = 0;
  if (napi_get_reference_value(env, environment->chunk_slab, &make) != napi_ok || make == nullptr ||
      napi_get_global(env, &global) != napi_ok ||
      napi_create_uint32(env, static_cast<uint32_t>(kSlabBytes), &size) != napi_ok ||
      napi_call_function(env, global, make, 1, &size, slab) != napi_ok ||
      napi_get_arraybuffer_info(env, *slab, &bytes, &length) != napi_ok || length < kSlabBytes) {
    return false;
  }
  napi_ref reference = nullptr;
  if (!environment->completions.SetSlab(env, *slab) ||
      napi_create_reference(env, *slab, 1, &reference) != napi_ok) {
    return false;
  }
  if (environment->slab != nullptr) napi_delete_reference(env, environment->slab);
  environment->slab = reference;
  environment->slab_used = 0;
  *data = static_cast<char*>(bytes);
  return true;
}

// The current slab when it still has room for `length` bytes and was not
// detached (its data pointer is then what it was), else a new one.
bool SlabFor(Environment* environment, napi_env env, size_t length, napi_value* slab,
             char** data) noexcept {
  void* bytes = nullptr;
  size_t size = 0;
  if (environment->slab != nullptr && environment->slab_used + length <= kSlabBytes &&
      napi_get_reference_value(env, environment->slab, slab) == napi_ok && *slab != nullptr &&
      napi_get_arraybuffer_info(env, *slab, &bytes, &size) == napi_ok && size == kSlabBytes) {
    *data = static_cast<char*>(bytes);
    return true;
  }
  return NewSlab(environment, env, slab, data);
}

// lib's chunkView(memory, offset, length): a Buffer over part of an ArrayBuffer.
napi_status View(Environment* environment, napi_env env, napi_value memory, size_t offset, size_t length,
                 napi_value* out) noexcept {
  napi_value view = nullptr;
  napi_value global = nullptr;
  napi_value argv[3] = {memory, nullptr, nullptr};
  if (napi_get_reference_value(env, environment->chunk_view, &view) != napi_ok ||
      napi_get_global(env, &global) != napi_ok ||
      napi_create_uint32(env, static_cast<uint32_t>(offset), &argv[1]) != napi_ok ||
      napi_create_uint32(env, static_cast<uint32_t>(length), &argv[2]) != napi_ok) {
    return napi_generic_failure;
  }
  return napi_call_function(env, global, view, 3, argv, out);
}

Environment* EnvironmentOf(napi_env env) noexcept {
  void* instance = nullptr;
  if (napi_get_instance_data(env, &instance) != napi_ok) return nullptr;
  return static_cast<Environment*>(instance);
}

void DropSpare(Environment* environment, napi_env env) noexcept {
  if (environment->spare != nullptr) napi_delete_reference(env, environment->spare);
  environment->spare = nullptr;
  environment->spare_data = nullptr;
  environment->spare_length = 0;
}

// The spare as the chunk of its first `length` bytes. The rest is zeroed:
// it holds earlier reads copied out of it, or uninitialised heap memory,
// which chunk.buffer must not show.
napi_status HandOverSpare(Environment* environment, napi_env env, size_t length, napi_value* out) noexcept {
  napi_value spare = nullptr;
  napi_value memory = nullptr;
  if (napi_get_reference_value(env, environment->spare, &spare) != napi_ok || spare == nullptr ||
      napi_get_typedarray_info(env, spare, nullptr, nullptr, nullptr, &memory, nullptr) != napi_ok) {
    return napi_generic_failure;
  }
  std::memset(environment->spare_data + length, 0, environment->spare_length - length);
  napi_status status = napi_ok;
  if (length == environment->spare_length) {
    *out = spare;
  } else {
    status = View(environment, env, memory, 0, length, out);
  }
  if (status == napi_ok) DropSpare(environment, env);
  return status;
}

}  // namespace

char* ReadDestination(void* context, size_t capacity) noexcept {
  auto env = static_cast<napi_env>(context);
  Environment* environment = EnvironmentOf(env);
  if (environment == nullptr || capacity > kSpareBytes) return nullptr;
  if (environment->spare != nullptr && environment->spare_length >= capacity) return environment->spare_data;
  void* data = nullptr;
  napi_value spare = nullptr;
  napi_ref reference = nullptr;
  if (napi_create_buffer(env, kSpareBytes, &data, &spare) != napi_ok ||
      napi_create_reference(env, spare, 1, &reference) != napi_ok) {
    return nullptr;
  }
  DropSpare(environment, env);
  environment->spare = reference;
  environment->spare_data = static_cast<char*>(data);
  environment->spare_length = kSpareBytes;
  return environment->spare_data;
}

namespace {

// A read that landed in the spare and fills half of it: the spare becomes the chunk.
bool SpareFilled(const Environment* environment, const char* bytes, size_t length) noexcept {
  return bytes != nullptr && bytes == environment->spare_data && length * 2 >= environment->spare_length;
}

// A chunk that goes into a slab: not the spare handed over, not empty,
// and small enough.
bool SlabSized(const Environment* environment, const char* bytes, size_t length) noexcept {
  return !SpareFilled(environment, bytes, length) && length > 0 && length <= kSmallChunk &&
         !environment->chunk_view.IsEmpty();
}

// Copies the chunk into the current slab (or a new one): the slab and
// where the chunk starts in it.
bool CopyIntoSlab(Environment* environment, napi_env env, const char* bytes, size_t length,
                  napi_value* slab, size_t* offset) noexcept {
  char* data = nullptr;
  if (!SlabFor(environment, env, length, slab, &data)) return false;
  std::memcpy(data + environment->slab_used, bytes, length);
  *offset = environment->slab_used;
  // Chunks start 8-byte aligned, as pooled Buffers do (a Float64Array over one works).
  environment->slab_used += (length + 7) & ~size_t{7};
  return true;
}

}  // namespace

napi_status ChunkOf(napi_env env, const char* bytes, size_t length, napi_value* out) noexcept {
  Environment* environment = EnvironmentOf(env);
  if (environment == nullptr) return napi_generic_failure;
  if (SpareFilled(environment, bytes, length)) return HandOverSpare(environment, env, length, out);
  if (!SlabSized(environment, bytes, length)) return napi_create_buffer_copy(env, length, bytes, nullptr, out);
  napi_value slab = nullptr;
  size_t offset = 0;
  if (!CopyIntoSlab(environment, env, bytes, length, &slab, &offset)) return napi_generic_failure;
  return View(environment, env, slab, offset, length, out);
}

bool SlabPlace(napi_env env, const char* bytes, size_t length, size_t* offset) noexcept {
  Environment* environment = EnvironmentOf(env);
  napi_value slab = nullptr;
  return environment != nullptr && environment->completions.attached() &&
         SlabSized(environment, bytes, length) && CopyIntoSlab(environment, env, bytes, length, &slab, offset);
}

napi_status ChunkView(napi_env env, napi_value memory, size_t offset, size_t length,
                      napi_value* out) noexcept {
  Environment* environment = EnvironmentOf(env);
  if (environment == nullptr || environment->chunk_view.IsEmpty()) return napi_generic_failure;
  return View(environment, env, memory, offset, length, out);
}

Napi::Value Chunk(Napi::Env env, const char* bytes, size_t length) {
  napi_value out = nullptr;
  if (ChunkOf(env, bytes, length, &out) != napi_ok) throw Napi::Error::New(env);
  return Napi::Value(env, out);
}

}  // namespace winsock
