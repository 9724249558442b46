#include "handles.h"

#include <mutex>
#include <random>
#include <unordered_map>
#include <utility>

namespace winsock {

namespace handles {

namespace {

std::mutex mutex;
std::unordered_map<uint64_t, std::vector<uint8_t>> waiting;
uint64_t next_token = 0;

}  // namespace

uint64_t Put(std::vector<uint8_t> transfer) {
  std::lock_guard<std::mutex> lock(mutex);
  if (next_token == 0) {
    // A random start: a token from another process (or a forged one) is
    // unlikely to name anything here.
    std::random_device seed;
    next_token = (static_cast<uint64_t>(seed()) << 32 | seed()) | 1;
  }
  const uint64_t token = next_token++;
  waiting.emplace(token, std::move(transfer));
  return token;
}

bool Take(uint64_t token, std::vector<uint8_t>* out) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = waiting.find(token);
  if (found == waiting.end()) return false;
  *out = std::move(found->second);
  waiting.erase(found);
  return true;
}

}  // namespace handles

}  // namespace winsock
