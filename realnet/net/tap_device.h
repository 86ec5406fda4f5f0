#pragma once
#include <string>

namespace cdnlab {

// A Linux tap interface (Ethernet frames, no packet info) held open by this process. The
// kernel deletes it when the descriptor closes, so a crash cannot leave one behind.
class TapDevice {
 public:
  explicit TapDevice(const std::string& name);  // throws std::runtime_error (needs root / CAP_NET_ADMIN)
  ~TapDevice();
  TapDevice(const TapDevice&) = delete;
  TapDevice& operator=(const TapDevice&) = delete;

  const std::string& Name() const { return name_; }
  int Fd() const { return fd_; }

 private:
  std::string name_;
  int fd_ = -1;
};

}  // namespace cdnlab
