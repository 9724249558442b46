// Received bytes as Buffers. A chunk of up to kSmallChunk bytes is copied
// into a shared ArrayBuffer (a "slab") and handed out as a view of it, as
// Buffer.allocUnsafe's pool does: one allocation, backing store and GC
// sweep per slab instead of one per chunk, which is most of what a small
// read costs above the system call. Larger chunks get Buffers of their own.
//
// Reads of kDirectRead bytes or more (sys::Op::destination) land in a
// spare Buffer of the environment instead of the backend's scratch: when
// they fill at least half of it, it becomes the chunk (no copy, as net's
// reads into their own 64 KiB); else the bytes are copied out as above and
// the spare serves the next read.
#pragma once

#include <napi.h>

#include <cstddef>

namespace winsock {

// The most bytes a chunk may have to share a slab; a kept chunk keeps at
// most one slab (kSlabBytes) alive.
constexpr size_t kSmallChunk = 4096;
constexpr size_t kSlabBytes = 65536;
constexpr size_t kDirectRead = 16384;
constexpr size_t kSpareBytes = 65536;  // larger reads use the backend's buffer

// sys::Op::destination for a read of `capacity` bytes; context is the napi_env.
char* ReadDestination(void* context, size_t capacity) noexcept;

// A Buffer holding `bytes` (the spare itself when they are in it and fill
// half of it, else a copy). Never throws (it runs in completion
// paths); a failed status leaves a pending JS exception or none.
napi_status ChunkOf(napi_env env, const char* bytes, size_t length, napi_value* out) noexcept;

// For a record of the completion ring (completions.h): copies a small
// chunk into the current slab and gives its offset there; false when the
// chunk is to be a value of its own (ChunkOf), as an empty or a large one is.
bool SlabPlace(napi_env env, const char* bytes, size_t length, size_t* offset) noexcept;

// lib's chunkView: a Buffer over `length` bytes of the ArrayBuffer
// `memory` from `offset` (ReadInto's chunks, views of the caller's array).
napi_status ChunkView(napi_env env, napi_value memory, size_t offset, size_t length,
                      napi_value* out) noexcept;

// The same for code that throws: a Napi::Error when it fails.
Napi::Value Chunk(Napi::Env env, const char* bytes, size_t length);

}  // namespace winsock
