// ScheduleBundle: an organisation tree together with the Schedule built from it, kept
// in one heap object because the Schedule points into the tree. Immutable once built
// and shared read-only (std::shared_ptr<const ScheduleBundle>) by the writer thread
// (ledger, sweep) and the io thread (queries); replace the whole bundle to reload.
#pragma once

#include <memory>
#include <mutex>
#include <variant>

#include "daemon/core/org_tree.h"
#include "daemon/core/schedule.h"

namespace pingan::config {

struct ScheduleBundle {
  core::OrgTree tree;
  core::Schedule schedule;
  std::string time_zone;  // the configured default zone
  // As loaded, for display (`calendar show`); the schedule is what decides.
  std::vector<core::Calendar> calendars;
  std::vector<core::Requirement> requirements;
};

using SharedSchedule = std::shared_ptr<const ScheduleBundle>;

// Builds the schedule over `tree`. Moving an OrgTree keeps its units where they are
// (see schedule.h), so tree and schedule can be moved into the bundle together.
inline std::variant<SharedSchedule, core::ScheduleError> MakeScheduleBundle(
    core::OrgTree tree, std::vector<core::Calendar> calendars,
    std::vector<core::Requirement> requirements, const std::string& default_time_zone) {
  auto built = core::Schedule::Build(tree, calendars, requirements, default_time_zone);
  if (auto* err = std::get_if<core::ScheduleError>(&built)) return *err;
  return std::make_shared<const ScheduleBundle>(
      ScheduleBundle{std::move(tree), std::get<core::Schedule>(std::move(built)), default_time_zone,
                     std::move(calendars), std::move(requirements)});
}

}  // namespace pingan::config

namespace pingan::config {

// The current schedule, swappable at run time (config reload). Thread-safe.
class ScheduleSource {
 public:
  explicit ScheduleSource(SharedSchedule initial = nullptr) : current_(std::move(initial)) {}
  SharedSchedule Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(SharedSchedule next) {
    std::lock_guard lock(mu_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  SharedSchedule current_;
};

}  // namespace pingan::config
