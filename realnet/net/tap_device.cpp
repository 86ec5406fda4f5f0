#include "realnet/net/tap_device.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace cdnlab {

TapDevice::TapDevice(const std::string& name) : name_(name) {
  if (name.size() >= IFNAMSIZ) throw std::invalid_argument("tap name too long: " + name);
  fd_ = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(std::string("cannot open /dev/net/tun: ") + std::strerror(errno));
  ifreq request{};
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd_, TUNSETIFF, &request) < 0) {
    const std::string why = std::strerror(errno);
    close(fd_);
    throw std::runtime_error("cannot create tap " + name + " (root needed): " + why);
  }
}

TapDevice::~TapDevice() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace cdnlab
