// Operations settled in batches. An operation that does not complete
// inside its call gets a promise made here (napi_create_promise) under a
// slot; when it completes from the loop, the addon writes a record (slot,
// outcome, two numbers) into a Float64Array shared with JS, and at the
// end of the turn (batches.h) calls lib/native/completions.ts once to
// turn every record into its value (a chunk of the slab is a Buffer made
// in JS, which C++ cannot make as cheaply), then settles the promises in
// one callback scope: one microtask checkpoint for them all.
//
// The promise is the addon's, not one made in JS with `new Promise`,
// because that one holds two resolving functions and their context: about
// 200 bytes more of JS heap for each operation that waits, which is what
// an idle connection is.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <vector>

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
// The slot of an operation whose promise could not be made: its
// completion settles nothing.
constexpr uint32_t kNoSlot = UINT32_MAX;

class CompletionRing {
 public:
  // init's `completions`: { records: Float64Array, values: Array,
  // outcomes(from, to), chunk(offset, length) }. False when one is missing
  // or of the wrong kind.
  bool Attach(napi_env env, napi_value given) noexcept;
  void Release(napi_env env) noexcept;
  bool attached() const { return records_ != nullptr; }

  // The promise of an operation that did not complete inline, and the
  // slot its completion is recorded under.
  napi_status Promise(napi_env env, uint32_t* slot, napi_value* promise) noexcept;

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
  bool Call(napi_env env, napi_ref function, size_t argc, const napi_value* argv, napi_value* result) noexcept;
  // Resolves or rejects the slot's promise and frees the slot.
  bool Settle(napi_env env, uint32_t slot, bool failed, napi_value value) noexcept;
  // Settles one completion at once: the records are full while JS settles
  // (a `then` getter of a resolved value ran code that completed more).
  bool SettleNow(napi_env env, uint32_t slot, Outcome how, double first, double second) noexcept;
  void SettleRecords(napi_env env, size_t from, size_t to, napi_value outcomes) noexcept;

  double* records_ = nullptr;
  size_t capacity_ = 0;  // records
  size_t count_ = 0;     // records written since the last flush
  size_t settled_ = 0;   // of them, handed to JS already
  uint32_t values_used_ = 0;
  bool flushing_ = false;
  // Each waiting operation's deferred, by slot; freed slots are reused.
  std::vector<napi_deferred> deferreds_;
  std::vector<uint32_t> free_slots_;
  napi_ref object_ = nullptr;
  napi_ref records_ref_ = nullptr;
  napi_ref values_ = nullptr;
  napi_ref outcomes_ = nullptr;
  napi_ref chunk_ = nullptr;
};

}  // namespace winsock
