#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "models/routing/authoritative_answerer.h"

namespace cdnlab {

// The answerer as DNS worker threads read it: an immutable copy, republished whole after each
// mapping change on the thread that owns the live answerer. Readers never see a half-applied
// diff and never take a lock on the hot path: each keeps its own reference and only swaps it
// when the generation moves.
class PublishedAnswerer {
 public:
  explicit PublishedAnswerer(const AuthoritativeAnswerer& live);
  PublishedAnswerer(const PublishedAnswerer&) = delete;
  PublishedAnswerer& operator=(const PublishedAnswerer&) = delete;

  // Copies the live answerer (its mapping at this moment) for readers; owner's thread only.
  void Publish(const AuthoritativeAnswerer& live);
  std::uint64_t Generation() const { return generation_.load(std::memory_order_acquire); }
  std::shared_ptr<const AuthoritativeAnswerer> Current() const;

  // One reader's view: refreshed when the generation moves, otherwise no synchronisation.
  class Reader {
   public:
    explicit Reader(const PublishedAnswerer& source) : source_(source) {}
    const AuthoritativeAnswerer& Get();

   private:
    const PublishedAnswerer& source_;
    std::shared_ptr<const AuthoritativeAnswerer> held_;
    std::uint64_t generation_ = 0;
  };

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const AuthoritativeAnswerer> current_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace cdnlab
