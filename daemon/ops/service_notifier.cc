#include "daemon/ops/service_notifier.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstring>

namespace pingan::ops {

ServiceNotifier::ServiceNotifier() {
  uint64_t usec = 0;
  // 0 = keep the variables: the process may be asked again; only our pid is honoured.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    ping_every_ = std::chrono::microseconds{usec / 2};
  }
}

void ServiceNotifier::Send(const std::string& state) const {
  const int rc = sd_notify(0, state.c_str());
  // rc == 0: no supervisor listening (NOTIFY_SOCKET unset), the usual case by hand.
  if (rc < 0) spdlog::warn("sd_notify failed: {}", std::strerror(-rc));
}

void ServiceNotifier::Ready(const std::string& status) const {
  Send("READY=1\nSTATUS=" + status);
}

void ServiceNotifier::Reloading() const {
  Send("RELOADING=1\nSTATUS=reloading");
}

void ServiceNotifier::Stopping(const std::string& status) const {
  Send("STOPPING=1\nSTATUS=" + status);
}

void ServiceNotifier::Status(const std::string& status) const {
  Send("STATUS=" + status);
}

void ServiceNotifier::WatchdogPing() const {
  Send("WATCHDOG=1");
}

}  // namespace pingan::ops
