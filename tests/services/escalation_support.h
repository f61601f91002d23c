// Shared data for the escalation wiring tests (runner, outbox worker, alert commands):
// a district with N schools and contacts, a two-step policy, and helpers to insert
// missing alerts and read the outbox. Instants are Shanghai local times on 2026-10-DD.
#pragma once

#include <string>
#include <vector>

#include <SQLiteCpp/Transaction.h>
#include <date/date.h>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/alert.h"
#include "daemon/core/outbox_row.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/outbox_repository.h"

namespace pingan::testing {

using namespace std::chrono_literals;

// 2026-10-DD HH:MM in Asia/Shanghai as an Instant.
inline core::Instant At(int day, int hour, int minute = 0) {
  using namespace date;
  return std::chrono::time_point_cast<core::Millis>(sys_days{year{2026} / 10 / day} +
                                                    std::chrono::hours{hour} +
                                                    std::chrono::minutes{minute} - 8h);
}

inline std::string School(int i) {
  return "s" + std::string(i < 10 ? "0" : "") + std::to_string(i);
}

// district "d1" (duty contact 区值班室 by e-mail and SMS) with `schools` schools, each
// with a duty contact reachable by e-mail only.
inline config::SharedSchedule MakeDistrict(int schools) {
  std::vector<core::Unit> units;
  core::Unit d;
  d.id = "d1";
  d.name = "福田区教育局";
  d.kind = core::UnitKind::kDistrict;
  d.time_zone = "Asia/Shanghai";
  d.contacts = {{core::ContactRole::kDutyContact, "区值班室", "13900000000", "duty@d1.cn"},
                {core::ContactRole::kSupervisingLeader, "区分管", "13900000001", "lead@d1.cn"}};
  units.push_back(d);
  for (int i = 1; i <= schools; ++i) {
    core::Unit s;
    s.id = School(i);
    s.name = "第" + std::to_string(i) + "小学";
    s.kind = core::UnitKind::kSchool;
    s.parent_id = "d1";
    s.contacts = {{core::ContactRole::kDutyContact, "总务处" + std::to_string(i), "",
                   School(i) + "@school.cn"}};
    units.push_back(s);
  }
  auto tree = core::OrgTree::Build(std::move(units));
  auto bundle =
      config::MakeScheduleBundle(std::get<core::OrgTree>(std::move(tree)), {}, {}, "Asia/Shanghai");
  return std::get<config::SharedSchedule>(std::move(bundle));
}

// Step 1 at once: the school's duty contact by e-mail. Step 2 after an hour: the
// district's duty contact by SMS, then e-mail. Acknowledgements lapse after 2 h.
inline std::shared_ptr<config::EscalationSetup> MakeSetup() {
  auto setup = std::make_shared<config::EscalationSetup>();
  core::Policy p;
  p.id = "missing";
  p.kinds = {core::AlertKind::kMissing};
  p.ack_timeout = 2h;
  core::Step school;
  school.targets = {
      core::Target::Contact(core::UnitRef::School(), core::ContactRole::kDutyContact)};
  school.channels = {core::ChannelKind::kEmail};
  core::Step district;
  district.wait = 1h;
  district.targets = {core::Target::Contact(core::UnitRef::Ancestor(core::UnitKind::kDistrict),
                                            core::ContactRole::kDutyContact)};
  district.channels = {core::ChannelKind::kSms, core::ChannelKind::kEmail};
  p.steps = {school, district};
  setup->settings.policies.policies = {p};
  setup->settings.delivery.retry.max_attempts_per_channel = 3;
  return setup;
}

// Inserts a missing alert per school for window "w1" of requirement "daily".
inline std::vector<std::string> InsertMissing(store::Database& db, int schools, core::Instant now) {
  std::vector<std::string> ids;
  SQLite::Transaction tx(db.sql());
  store::AlertRepository alerts(db);
  for (int i = 1; i <= schools; ++i) {
    ids.push_back("alert-" + School(i));
    alerts.Insert(core::NewMissingAlert(ids.back(), School(i), "daily", "w1", now));
  }
  tx.commit();
  return ids;
}

inline std::vector<core::OutboxRow> AllRows(store::Database& db) {
  return store::OutboxRepository(db).List(std::nullopt, 100000);
}

inline std::string RecipientName(const core::OutboxRow& row) {
  return row.recipient.name;
}

inline size_t AlertCount(const core::OutboxRow& row) {
  return row.alerts.size();
}

// The channel a row is tried on now, and its fallback order, by name.
inline std::string Channel(const core::OutboxRow& row) {
  return std::string(core::ChannelKindName(core::CurrentChannel(row)));
}
inline std::vector<std::string> Channels(const core::OutboxRow& row) {
  std::vector<std::string> out;
  for (auto c : row.channels) out.push_back(std::string(core::ChannelKindName(c)));
  return out;
}

// The texts the worker would send for `row`.
inline core::RenderedMessage Render(const core::OutboxRow& row, const core::OrgTree& tree,
                                    const core::TemplateOptions& options = {}) {
  return core::RenderMessage(
      std::get<core::MessageInput>(core::MessageInputFor(row, tree, "Asia/Shanghai")), options);
}

// Marks every due row as sent at `now` (as the outbox worker would after its peers took
// them); returns how many.
inline size_t DeliverDue(store::Database& db, core::Instant now) {
  store::OutboxRepository outbox(db);
  auto rows = outbox.LeaseDue(now, std::chrono::minutes{1}, 100000);
  for (core::OutboxRow& r : rows) {
    r.status = core::OutboxStatus::kDelivered;
    r.delivered_at = now;
    outbox.RecordAttempt(r);
  }
  return rows.size();
}

inline bool HasEntry(const core::Alert& a, const std::string& what) {
  for (const auto& e : a.timeline) {
    if (e.what == what) return true;
  }
  return false;
}

}  // namespace pingan::testing
