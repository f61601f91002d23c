// ConsoleWorld: a whole pingand (app::Daemon, in-process) serving the duty console's
// HTTP API over loopback, set up the way a province looks half an hour after a holiday
// deadline: N schools in 100 districts owe a daily all-clear by 16:00 (30 minutes'
// grace), all but M of them reported on time, and the deadline sweep has opened M
// missing alerts. The ledger rows of the reporting schools are written straight into
// the store before start (agents for 15,000 schools would dominate the setup); the
// missing alerts are made by the daemon's own sweep, on a drill clock placed after the
// grace end. Start(), WaitForAlerts(), then AddDutyOfficer(): log in over HTTP to get
// a session.
//
// Threading: construct, Start and Stop from one thread; the daemon's io loop runs on a
// thread owned here. Everything else talks to it over loopback (HTTP, control socket).
#pragma once

#include <spdlog/spdlog.h>

#include <SQLiteCpp/Transaction.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "daemon/app/daemon.h"
#include "daemon/core/drill_clock.h"
#include "daemon/core/system_clock.h"
#include "daemon/ctl/control_client.h"
#include "daemon/ingest/curve_keys.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::bench {

struct ConsoleWorldSize {
  int schools = 20000;
  int missing = 5000;  // schools silent at the deadline: one open alert each
};

inline constexpr int kCitiesInWorld = 5;
inline constexpr int kDistrictsPerCityInWorld = 20;  // 100 districts
inline constexpr const char* kRequirementId = "holiday-daily";
inline constexpr const char* kWindowId = "2026-10-01";
inline constexpr const char* kDutyUser = "duty";
inline constexpr const char* kDutyPassword = "bench-password-1";

// 16:00 in Beijing on 2026-10-01 is 08:00 UTC; the grace ends at 08:30 UTC.
inline core::Instant WorldDeadline() {
  return core::Instant{date::sys_days{date::year{2026} / 10 / 1} + std::chrono::hours{8}};
}

// School i is silent when the Bresenham step over [0, schools) lands on it: exactly
// `missing` schools, spread evenly over every district.
inline bool IsMissing(const ConsoleWorldSize& size, int i) {
  const int64_t a = size.missing, n = size.schools;
  return (int64_t{i} + 1) * a / n > int64_t{i} * a / n;
}

inline std::string SchoolId(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "s%05d", i);
  return buf;
}

class ConsoleWorld {
 public:
  explicit ConsoleWorld(ConsoleWorldSize size)
      : size_(size),
        dir_(std::filesystem::temp_directory_path() /
             ("pingan-api-bench-" + std::to_string(::getpid()))),
        drill_(system_clock_, WorldDeadline() + std::chrono::hours{1}, 1.0) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~ConsoleWorld() {
    Stop();
    std::filesystem::remove_all(dir_);
  }

  // Enrols CURVE keys for schools 0..n-1 (call before Start) and returns them: agents
  // of those schools can then report over the product's encrypted path.
  std::vector<wire::CurveKeyPair> AddAgentKeys(int n) const {
    std::filesystem::create_directories(dir_ / "schools");
    std::vector<wire::CurveKeyPair> keys;
    for (int i = 0; i < n; ++i) {
      keys.push_back(wire::GenerateCurveKeyPair());
      (void)wire::WriteKeyPair((dir_ / "schools" / SchoolId(i)).string(), keys.back());
    }
    return keys;
  }

  // Writes the org and calendar files and the ledger and starts the daemon, whose
  // first sweep then opens the alerts (see WaitForAlerts). Throws std::runtime_error.
  void Start() {
    WriteOrgCsv();
    WriteCalendars();
    SeedLedger();
    port_ = FreePort();
    config::DaemonConfig config = config::DefaultConfig();
    config.data_dir = dir_.string();
    config.listen = "tcp://127.0.0.1:*";
    config.log_level = "warn";
    config.config_dir = dir_.string();
    config.schools_csv = (dir_ / "schools.csv").string();
    config.calendars_file = (dir_ / "calendars.yaml").string();
    config.http.listen = "127.0.0.1:" + std::to_string(port_);
    app::DaemonOptions options;
    options.drill = &drill_;
    daemon_ = std::make_unique<app::Daemon>(config, drill_, options);
    endpoint_ = daemon_->Start();
    loop_ = std::thread([this] { daemon_->Run(); });
  }

  // Waits (bounded) until the sweep's alerts are open (their events may still be on
  // their way to the consoles).
  void WaitForAlerts() const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::minutes{3};
    while (!AlertsOpen()) {
      if (std::chrono::steady_clock::now() > until) {
        throw std::runtime_error("the sweep did not open the missing alerts within 3 minutes");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
  }

  // Adds the duty officer (the command hashes its password on a worker): log in over
  // HTTP to get a session.
  void AddDutyOfficer() const {
    const auto added = Control(
        "users.add", {{"name", kDutyUser}, {"role", "duty_officer"}, {"password", kDutyPassword}});
    if (!added.value("ok", false)) throw std::runtime_error("users.add: " + added.dump());
  }

  void Stop() {
    if (!daemon_) return;
    daemon_->Stop();
    if (loop_.joinable()) loop_.join();
    daemon_.reset();
  }

  unsigned short port() const { return port_; }
  // The report socket (tcp://127.0.0.1:N) and the daemon's CURVE public key.
  const std::string& endpoint() const { return endpoint_; }
  std::string ServerPublicKey() const {
    return std::get<std::string>(wire::ReadPublicKeyFile((dir_ / "daemon.pub").string()));
  }
  // The daemon's clock (a drill clock: reports must cover its day).
  core::Instant Now() const { return drill_.Now(); }
  const ConsoleWorldSize& size() const { return size_; }

  nlohmann::json Control(const std::string& command, const nlohmann::json& args) const {
    return ctl::ControlRequest(daemon_->control_socket_path(), command, args, 60000);
  }

 private:
  void WriteOrgCsv() const {
    std::ofstream out(dir_ / "schools.csv");
    out << "id,name,kind,parent,time_zone\n";
    out << "p,省教育厅,province,,Asia/Shanghai\n";
    const int districts = kCitiesInWorld * kDistrictsPerCityInWorld;
    for (int c = 0; c < kCitiesInWorld; ++c) out << "c" << c << ",市教育局" << c << ",city,p,\n";
    for (int d = 0; d < districts; ++d) {
      out << "d" << d << ",区教育局" << d << ",district,c" << d / kDistrictsPerCityInWorld << ",\n";
    }
    for (int i = 0; i < size_.schools; ++i) {
      const int district = static_cast<int>(int64_t{i} * districts / size_.schools);
      out << SchoolId(i) << ",第" << i << "小学,school,d" << district << ",\n";
    }
  }

  void WriteCalendars() const {
    std::ofstream out(dir_ / "calendars.yaml");
    out << "calendars:\n"
           "  - name: national-day\n"
           "    time_zone: Asia/Shanghai\n"
           "    periods:\n"
           "      - name: 国庆节\n"
           "        kind: public_holiday\n"
           "        from: 2026-10-01\n"
           "        to: 2026-10-07\n"
           "requirements:\n"
           "  - id: "
        << kRequirementId
        << "\n"
           "    name: 节假日每日报平安\n"
           "    kind: daily_all_clear\n"
           "    during: [public_holiday]\n"
           "    deadlines: [\"16:00\"]\n"
           "    grace: 30m\n";
  }

  // The reporting schools' ledger rows (on time, at 15:00 local), and the sweep's
  // position just before the grace end, so that the daemon's first sweep decides it.
  void SeedLedger() const {
    store::Database db((dir_ / "pingan.db").string());
    SQLite::Transaction tx(db.sql());
    store::LedgerRepository ledger(db);
    const core::Instant deadline = WorldDeadline();
    for (int i = 0; i < size_.schools; ++i) {
      if (IsMissing(size_, i)) continue;
      store::LedgerRow row{SchoolId(i),
                           kRequirementId,
                           kWindowId,
                           store::LedgerRowStatus::kOnTime,
                           deadline,
                           "bench-report-" + std::to_string(i),
                           deadline - std::chrono::hours{1},
                           core::Millis{0}};
      ledger.RecordReceived(row, deadline - std::chrono::hours{1});
    }
    ledger.SetState(jobs::kSweepPositionKey, std::to_string(core::ToUnixMillis(deadline)));
    tx.commit();
  }

  bool AlertsOpen() const {
    const auto status = Control("status", nlohmann::json::object());
    const auto& result = status["result"];
    return result.is_object() && result["alerts"].value("open", 0) >= size_.missing;
  }

  // A port the kernel just handed out; the daemon binds it a moment later.
  static unsigned short FreePort() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(
        io, {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(0)});
    return a.local_endpoint().port();
  }

  ConsoleWorldSize size_;
  std::filesystem::path dir_;
  core::SystemClock system_clock_;
  core::DrillClock drill_;
  std::unique_ptr<app::Daemon> daemon_;
  std::thread loop_;
  std::string endpoint_;
  unsigned short port_ = 0;
};

}  // namespace pingan::bench
