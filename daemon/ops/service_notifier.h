// ServiceNotifier: tells systemd (or any supervisor that sets NOTIFY_SOCKET) how the
// daemon is doing, through libsystemd's sd_notify: READY=1 once it listens, WATCHDOG=1
// while its io and writer threads both answer, RELOADING=1 / READY=1 around a SIGHUP
// reload, STOPPING=1 when a stop begins, and STATUS= lines for `systemctl status`.
// Without NOTIFY_SOCKET every call is a no-op, so the daemon runs the same by hand.
//
// Threading: any thread (each call is one datagram on a socket of its own).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace pingan::ops {

class ServiceNotifier {
 public:
  // Reads WATCHDOG_USEC/WATCHDOG_PID (sd_watchdog_enabled) once.
  ServiceNotifier();

  void Ready(const std::string& status) const;
  void Reloading() const;
  void Stopping(const std::string& status) const;
  void Status(const std::string& status) const;
  void WatchdogPing() const;
  // How often to ping: half the interval systemd expects (none: no watchdog asked for).
  std::optional<std::chrono::microseconds> watchdog_ping_interval() const { return ping_every_; }

 private:
  void Send(const std::string& state) const;

  std::optional<std::chrono::microseconds> ping_every_;
};

}  // namespace pingan::ops
