// Operations settled in batches. Each promise of an operation is made in
// JS (lib/native/completions.ts) under a slot number; when the operation
// completes from the loop, the addon writes a record (slot, outcome, two
// numbers) into a Float64Array shared with JS, and calls JS once to settle
// all that were recorded (batches.h says when: once per turn of the loop).
// A completion then costs no Node-API promise, no deferred and, for a
// count or a small chunk, no JS value made in C++.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>

namespace winsock {

// How a record settles its promise; lib/native/completions.ts reads the
// same numbers.
enum class Outcome : uint32_t {
  Count = 0,    // resolve with the number `first`
  Slab = 1,     // resolve with a Buffer over the current slab: offset `first`, length `second`
  Value = 2,    // resolve with values[first]
  Failure = 3,  // reject with values[first]
};

// The fields of one record.
constexpr size_t kRecordFields = 4;
// Where lib/ passes an operation's slot: the fifth argument of each method
// that starts one, after at most four of its own.
constexpr size_t kSlotArgument = 4;

class CompletionRing {
 public:
  // init's `completions`: { records: Float64Array, values: Array,
  // settle(from, to), settleOne(slot, how, first, second), pending }.
  // False when one is missing or of the wrong kind.
  bool Attach(napi_env env, napi_value given) noexcept;
  void Release(napi_env env) noexcept;
  bool attached() const { return records_ != nullptr; }

  // What an operation that did not complete inline returns: lib/ then
  // makes its promise under the slot.
  napi_status Pending(napi_env env, napi_value* out) const noexcept;

  // Records a completion. Outside a batch (a close or a cancel made by
  // JS), it is settled at once. False when JS cannot run any more.
  bool Post(napi_env env, bool batching, uint32_t slot, Outcome how, double first,
            double second = 0) noexcept;
  bool PostValue(napi_env env, bool batching, uint32_t slot, bool failed, napi_value value) noexcept;
  // Settles every recorded completion: at the end of a turn, and before
  // the addon calls any other JS while some wait (an onData callback may
  // run any code, even detach the slab a recorded chunk lies in).
  void Flush(napi_env env) noexcept;
  bool waiting() const { return count_ > settled_; }
  // Called before each call into JS that settles (batches.cc opens the
  // batch's callback scope there, so that the reactions run after it).
  void (*before_settle)(void* context) = nullptr;
  void* before_settle_context = nullptr;
  // The slab a Slab record's chunk lies in from now on (chunks.cc makes it
  // after a Flush, so every record of one settle names the same slab).
  bool SetSlab(napi_env env, napi_value slab) noexcept;

 private:
  bool Call(napi_env env, napi_ref function, size_t argc, const napi_value* argv) noexcept;

  double* records_ = nullptr;
  size_t capacity_ = 0;  // records
  size_t count_ = 0;     // records written since the last flush
  size_t settled_ = 0;   // of them, handed to JS already
  uint32_t values_used_ = 0;
  bool flushing_ = false;
  napi_ref object_ = nullptr;
  napi_ref records_ref_ = nullptr;
  napi_ref values_ = nullptr;
  napi_ref settle_ = nullptr;
  napi_ref settle_one_ = nullptr;
  napi_ref pending_ = nullptr;
};

}  // namespace winsock
