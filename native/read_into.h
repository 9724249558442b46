// startReading(onData, onEnd, { buffer }): each read lands in the caller's
// Uint8Array and onData gets a view of its bytes, valid until onData
// returns (the next read overwrites them), as net's onread: { buffer }
// does. A read then makes no memory of its own for the collector to find.
//
// The array is looked up again before every read and every delivery: JS may
// have detached or transferred its ArrayBuffer, or shrunk it (a resizable
// one), since. The read that finds it gone hands its bytes over as a chunk
// of their own, and the reading ends with ERR_SOCKET_READ_BUFFER.
#pragma once

#include <napi.h>

#include <cstddef>

namespace winsock {

class ReadInto {
 public:
  // Refers to `array`, a Uint8Array; throws a JS error if it cannot.
  ReadInto(napi_env env, napi_value array);
  ~ReadInto();
  ReadInto(const ReadInto&) = delete;
  ReadInto& operator=(const ReadInto&) = delete;

  // sys::Op::destination: the array's memory when it holds `capacity`
  // bytes, else nullptr (the backend reads into its own). Context: this.
  static char* Destination(void* context, size_t capacity) noexcept;

  // onData's chunk of the `length` bytes at `bytes`: a view of the array,
  // the bytes copied into it first unless the read landed there. False
  // when the array no longer holds them (from then on, `lost`).
  bool Chunk(const char* bytes, size_t length, napi_value* out) noexcept;

  bool lost = false;

 private:
  // The array's memory now, when it has at least `least` bytes.
  bool Memory(size_t least, char** data, napi_value* buffer, size_t* offset) noexcept;

  napi_env env_;
  napi_ref array_ = nullptr;
};

}  // namespace winsock
