#include "realnet/dns/published_answerer.h"

namespace cdnlab {

PublishedAnswerer::PublishedAnswerer(const AuthoritativeAnswerer& live) { Publish(live); }

void PublishedAnswerer::Publish(const AuthoritativeAnswerer& live) {
  auto copy = std::make_shared<const AuthoritativeAnswerer>(live);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(copy);
  }
  generation_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<const AuthoritativeAnswerer> PublishedAnswerer::Current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

const AuthoritativeAnswerer& PublishedAnswerer::Reader::Get() {
  const std::uint64_t now = source_.Generation();
  if (!held_ || now != generation_) {
    held_ = source_.Current();
    generation_ = now;
  }
  return *held_;
}

}  // namespace cdnlab
