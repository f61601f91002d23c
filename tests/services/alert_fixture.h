// AlertFixture: a real AlertService on a database in a temp dir, a StoreWriter and a
// fake clock at 2026-10-01 10:30 (Shanghai): three missing alerts of district d1
// (escalation_support.h), each escalated once (one e-mail queued). Shared by the typed
// service's tests and its control commands' tests. ControlErrorOf is the code of the
// services::ControlError a call throws ("" when none).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/jobs/escalation_runner.h"
#include "daemon/services/alert_service.h"
#include "daemon/services/control_server.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/escalation_support.h"

namespace pingan::services {

inline std::string ControlErrorOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const ControlError& e) {
    return e.code;
  }
  return "";
}

class AlertFixture : public ::testing::Test {
 protected:
  AlertFixture() : clock_(testing::At(1, 10, 30)) {
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    schedules_.Set(testing::MakeDistrict(3));
    {
      store::Database db(options.database_path);
      ids_ = testing::InsertMissing(db, 3, testing::At(1, 10, 30));
      jobs::RunEscalation(db, schedules_.Get().get(), *setup_, testing::At(1, 10, 30));
    }
    alerts_ = std::make_unique<AlertService>(
        AlertCommandContext{clock_, options.database_path, *writer_, schedules_, setup_});
  }
  // Waits until the writer ran everything posted so far.
  void Flush() { pingan::testing::DrainWriter(*writer_); }
  // The newest audit entry (the writer's last change); fails the test when there is none.
  store::AuditEntry LatestAudit() {
    store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
    const auto audit = store::RecentAudit(db, 1);
    EXPECT_FALSE(audit.empty());
    return audit.empty() ? store::AuditEntry{} : audit[0];
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<store::StoreWriter> writer_;
  config::ScheduleSource schedules_;
  std::shared_ptr<config::EscalationSetup> setup_ = testing::MakeSetup();
  std::unique_ptr<AlertService> alerts_;
  std::vector<std::string> ids_;
};

}  // namespace pingan::services
