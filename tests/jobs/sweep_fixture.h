// Shared by the tests of the writer jobs that decide deadlines: one district of four
// schools (d paused) owing a daily all-clear at 16:00 (grace 30 min, reminder 1 h
// before) during the 2026 national-day holiday, with a store and the LedgerRecorder.
#pragma once

#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/uuid.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/jobs/ledger_recorder.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::jobs::testing {

using namespace std::chrono_literals;
using core::Instant;

// 2026-10-01 00:00 in Asia/Shanghai (UTC+8, no DST).
inline const Instant kOct1 = date::sys_days{date::year{2026} / 9 / 30} + 16h;
inline Instant Local(int day, std::chrono::minutes time) {
  return kOct1 + date::days{day - 1} + time;
}

inline core::Unit MakeUnit(const std::string& id, core::UnitKind kind, const std::string& parent) {
  core::Unit u;
  u.id = id;
  u.name = id + "-name";
  u.kind = kind;
  u.parent_id = parent;
  return u;
}

// `raise_late_alert`: the requirement's setting (late reports raise late alerts).
inline config::SharedSchedule HolidaySchedule(bool raise_late_alert = false) {
  std::vector<core::Unit> units = {MakeUnit("district", core::UnitKind::kDistrict, "")};
  for (const char* id : {"a", "b", "c", "d"}) {
    units.push_back(MakeUnit(id, core::UnitKind::kSchool, "district"));
    units.back().contacts.push_back({core::ContactRole::kDutyContact, std::string("duty-") + id,
                                     "1380000000" + std::string(1, id[0] - 'a' + '0'), ""});
  }
  units.back().paused = true;  // d is closed for renovation
  units.back().paused_reason = "renovation";
  core::Calendar cal;
  cal.name = "national-day";
  cal.time_zone = "Asia/Shanghai";
  core::Period holiday;
  holiday.name = "国庆节";
  holiday.kind = core::PeriodKind::kPublicHoliday;
  holiday.first = date::year{2026} / 10 / 1;
  holiday.last = date::year{2026} / 10 / 7;
  cal.periods.push_back(holiday);
  core::Requirement req;
  req.id = "daily";
  req.name = "节假日每日报平安";
  req.kind = core::RequirementKind::kDailyAllClear;
  req.during = {core::PeriodKind::kPublicHoliday};
  req.deadlines = {16h};
  req.grace = 30min;
  req.remind_before = 1h;
  req.raise_late_alert = raise_late_alert;
  auto tree = core::OrgTree::Build(std::move(units));
  auto bundle = config::MakeScheduleBundle(std::get<core::OrgTree>(std::move(tree)), {cal}, {req},
                                           "Asia/Shanghai");
  return std::get<config::SharedSchedule>(std::move(bundle));
}

// `with_tally`: the recorder and the sweep share a LedgerTally, as in the daemon (the
// missing are then found in memory); without, the sweep reads the ledger back.
class SweepTest : public ::testing::Test {
 protected:
  explicit SweepTest(bool raise_late_alert = false, bool with_tally = false)
      : db_(dir_.File("pingan.db")),
        schedules_(HolidaySchedule(raise_late_alert)),
        recorder_(schedules_, with_tally ? &tally_ : nullptr),
        with_tally_(with_tally) {}

  // One report in its own batch; `commit` false: the batch rolls back, as a failed
  // commit does.
  void Store(const std::string& school, int covers_day, Instant received,
             core::ReportKind kind = core::ReportKind::kAllClear, bool commit = true) {
    core::Report r;
    std::array<uint8_t, 10> random{};
    random[0] = static_cast<uint8_t>(++n_);
    r.report_id = core::FormatUuid(core::MakeUuidV7(received, random));
    r.school_id = school;
    r.kind = kind;
    r.covers = date::year{2026} / 10 / static_cast<unsigned>(covers_day);
    r.agent_time = received;
    if (kind == core::ReportKind::kIncident) {
      r.incident =
          core::Incident{core::IncidentCategory::kFire, core::Severity::kIV, received, "summary"};
    }
    {
      SQLite::Transaction tx(db_.sql());
      store::ReportRepository(db_, 24h).Insert({r, received});
      recorder_.OnStored(db_, {r, received});
      if (commit) tx.commit();
    }
    recorder_.OnBatchEnded(db_, commit);
  }

  SweepOutcome Sweep(Instant now) {
    if (!with_tally_) return SweepDeadlines(db_, *schedules_.Get(), now);
    tally_.Bind(schedules_.Get());  // as the DeadlineSweeper does
    return SweepDeadlines(db_, *schedules_.Get(), now, core::kDefaultReminderChannels, nullptr,
                          &tally_);
  }
  std::optional<store::LedgerRow> Row(const std::string& school, const std::string& window) {
    return store::LedgerRepository(db_).Find(school, "daily", window);
  }

  pingan::testing::TempDir dir_;
  store::Database db_;
  config::ScheduleSource schedules_;
  LedgerTally tally_;
  LedgerRecorder recorder_;
  bool with_tally_;
  int n_ = 0;
};

}  // namespace pingan::jobs::testing
