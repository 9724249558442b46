#include "completions.h"

#include <initializer_list>

#include "js_callback.h"

namespace winsock {
namespace {

bool Named(napi_env env, napi_value object, const char* name, napi_valuetype type, napi_value* out) {
  napi_valuetype found = napi_undefined;
  return napi_get_named_property(env, object, name, out) == napi_ok &&
         napi_typeof(env, *out, &found) == napi_ok && found == type;
}

bool TypedArrayOf(napi_env env, napi_value value, napi_typedarray_type type, void** data, size_t* length) {
  bool is = false;
  napi_typedarray_type found;
  return napi_is_typedarray(env, value, &is) == napi_ok && is &&
         napi_get_typedarray_info(env, value, &found, length, data, nullptr, nullptr) == napi_ok &&
         found == type;
}

bool Keep(napi_env env, napi_value value, napi_ref* out) {
  return napi_create_reference(env, value, 1, out) == napi_ok;
}

}  // namespace

bool CompletionRing::Attach(napi_env env, napi_value given) noexcept {
  if (attached()) return true;  // a second copy of lib/ shares the first one's
  napi_value records, values, outcomes, chunk;
  void* record_data = nullptr;
  size_t record_length = 0;
  bool is_array = false;
  if (!Named(env, given, "records", napi_object, &records) ||
      !TypedArrayOf(env, records, napi_float64_array, &record_data, &record_length) ||
      record_length < kRecordFields ||
      !Named(env, given, "values", napi_object, &values) ||
      napi_is_array(env, values, &is_array) != napi_ok || !is_array ||
      !Named(env, given, "outcomes", napi_function, &outcomes) ||
      !Named(env, given, "chunk", napi_function, &chunk)) {
    return false;
  }
  if (!Keep(env, given, &object_) || !Keep(env, records, &records_ref_) || !Keep(env, values, &values_) ||
      !Keep(env, outcomes, &outcomes_) || !Keep(env, chunk, &chunk_)) {
    Release(env);
    return false;
  }
  // The records are lib/'s own, never handed out, so their memory stays put.
  records_ = static_cast<double*>(record_data);
  capacity_ = record_length / kRecordFields;
  return true;
}

void CompletionRing::Release(napi_env env) noexcept {
  for (napi_ref* ref : {&object_, &records_ref_, &values_, &outcomes_, &chunk_}) {
    if (*ref != nullptr) napi_delete_reference(env, *ref);
    *ref = nullptr;
  }
  records_ = nullptr;
  capacity_ = count_ = settled_ = 0;
  // The deferreds still waiting belong to an environment that is going
  // away: Node-API can no longer conclude them.
  deferreds_.clear();
  free_slots_.clear();
}

bool CompletionRing::SetSlab(napi_env env, napi_value slab) noexcept {
  napi_value object = nullptr;
  return attached() && napi_get_reference_value(env, object_, &object) == napi_ok && object != nullptr &&
         napi_set_named_property(env, object, "slab", slab) == napi_ok;
}

napi_status CompletionRing::Promise(napi_env env, uint32_t* slot, napi_value* promise) noexcept {
  napi_deferred deferred = nullptr;
  const napi_status status = napi_create_promise(env, &deferred, promise);
  if (status != napi_ok) return status;
  try {
    if (free_slots_.empty()) {
      // Room for every slot to be freed, so that Settle never allocates
      // (doubled, so that growing one slot at a time stays linear).
      const size_t slots = deferreds_.size() + 1;
      if (free_slots_.capacity() < slots) free_slots_.reserve(2 * slots);
      deferreds_.push_back(deferred);
      *slot = static_cast<uint32_t>(deferreds_.size() - 1);
    } else {
      *slot = free_slots_.back();
      free_slots_.pop_back();
      deferreds_[*slot] = deferred;
    }
  } catch (...) {
    napi_value nothing = nullptr;
    napi_get_undefined(env, &nothing);
    napi_resolve_deferred(env, deferred, nothing);  // concluded, so Node-API frees it
    return napi_generic_failure;
  }
  return napi_ok;
}

bool CompletionRing::Call(napi_env env, napi_ref function, size_t argc, const napi_value* argv,
                          napi_value* result) noexcept {
  napi_value callee = nullptr;
  napi_value global = nullptr;
  return napi_get_reference_value(env, function, &callee) == napi_ok && callee != nullptr &&
         napi_get_global(env, &global) == napi_ok &&
         napi_call_function(env, global, callee, argc, argv, result) == napi_ok;
}

bool CompletionRing::Settle(napi_env env, uint32_t slot, bool failed, napi_value value) noexcept {
  if (slot >= deferreds_.size() || deferreds_[slot] == nullptr) return true;  // settled already
  napi_deferred deferred = deferreds_[slot];
  // Freed first: resolving looks up the value's `then` at once, which may
  // run code that starts an operation and takes this slot.
  deferreds_[slot] = nullptr;
  free_slots_.push_back(slot);  // within the room Promise() reserved: no allocation
  return (failed ? napi_reject_deferred(env, deferred, value) : napi_resolve_deferred(env, deferred, value)) == napi_ok;
}

bool CompletionRing::SettleNow(napi_env env, uint32_t slot, Outcome how, double first, double second) noexcept {
  Scope scope(env);
  napi_value value = nullptr;
  if (!scope.ok) return false;
  if (how == Outcome::Slab) {
    napi_value argv[2];
    if (napi_create_double(env, first, &argv[0]) != napi_ok || napi_create_double(env, second, &argv[1]) != napi_ok ||
        !Call(env, chunk_, 2, argv, &value)) {
      return false;
    }
  } else if (napi_create_double(env, first, &value) != napi_ok) {
    return false;
  }
  return Settle(env, slot, false, value);
}

bool CompletionRing::Post(napi_env env, bool batching, uint32_t slot, Outcome how, double first,
                          double second) noexcept {
  if (!attached()) return false;
  if (count_ == capacity_) {
    if (flushing_) return SettleNow(env, slot, how, first, second);
    Flush(env);
  }
  double* record = records_ + count_ * kRecordFields;
  record[0] = slot;
  record[1] = static_cast<double>(how);
  record[2] = first;
  record[3] = second;
  count_++;
  if (!batching) Flush(env);
  return true;
}

bool CompletionRing::PostValue(napi_env env, bool batching, uint32_t slot, bool failed,
                               napi_value value) noexcept {
  if (!attached()) return false;
  if (count_ == capacity_ && flushing_) return Settle(env, slot, failed, value);
  napi_value values = nullptr;
  if (napi_get_reference_value(env, values_, &values) != napi_ok || values == nullptr ||
      napi_set_element(env, values, values_used_, value) != napi_ok) {
    return false;
  }
  return Post(env, batching, slot, failed ? Outcome::Failure : Outcome::Value, values_used_++);
}

// The records [from, to), whose values lib/ made in `outcomes` before any
// of them is settled (settling one may run code that detaches the slab).
void CompletionRing::SettleRecords(napi_env env, size_t from, size_t to, napi_value outcomes) noexcept {
  // In the flush's handle scope: a few handles a record, for at most
  // the records' capacity.
  for (size_t i = from; i < to; i++) {
    const double* record = records_ + i * kRecordFields;
    napi_value value = nullptr;
    if (napi_get_element(env, outcomes, static_cast<uint32_t>(i - from), &value) != napi_ok ||
        !Settle(env, static_cast<uint32_t>(record[0]), record[1] == static_cast<double>(Outcome::Failure), value)) {
      return;  // JS cannot run any more: nothing is left to settle for
    }
  }
}

void CompletionRing::Flush(napi_env env) noexcept {
  // A flush inside a flush leaves the records to the outer one's next round.
  if (flushing_ || !attached() || !waiting()) return;
  Scope scope(env);
  if (before_settle != nullptr) before_settle(before_settle_context);
  flushing_ = true;
  while (scope.ok && settled_ < count_) {
    const size_t from = settled_;
    const size_t to = count_;
    napi_value argv[2];
    napi_value outcomes = nullptr;
    if (napi_create_uint32(env, static_cast<uint32_t>(from), &argv[0]) != napi_ok ||
        napi_create_uint32(env, static_cast<uint32_t>(to), &argv[1]) != napi_ok ||
        !Call(env, outcomes_, 2, argv, &outcomes)) {
      break;  // JS cannot run any more: nothing is left to settle for
    }
    settled_ = to;
    SettleRecords(env, from, to, outcomes);
  }
  count_ = settled_ = 0;
  values_used_ = 0;
  flushing_ = false;
}

}  // namespace winsock
