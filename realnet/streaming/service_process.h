#pragma once
// A streaming service (`cdnlab realnet stream-balancer|stream-ingest|stream-cache`) run as a
// child process, its stdout and stderr appended to a log file. It dies with its parent
// (PR_SET_PDEATHSIG), so a killed test leaves nothing behind. Kill(SIGKILL) is a crash; the
// destructor stops a running one (SIGTERM, SIGKILL after `grace`) and reaps it.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace cdnlab {

class ServiceProcess {
 public:
  // Throws std::runtime_error (naming the program and the log) when it cannot start.
  ServiceProcess(std::string name, const std::vector<std::string>& argv, const std::string& log_path);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  void Kill(int signal);
  // Still running (not exited, not reaped).
  bool Running();
  // SIGTERM, then SIGKILL if it has not exited within `grace`; reaps it.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  const std::string& Name() const { return name_; }
  pid_t Pid() const { return pid_; }

 private:
  std::string name_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace cdnlab
