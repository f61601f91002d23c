// Shared by the calendar fuzz targets: what was loaded is built into a core::Schedule
// over the sample organisation, and a built schedule is asked for two days of windows,
// so that loaded values that the loader let through but the schedule cannot use show up
// as a refusal with a message, never as a crash or a hang. Header-only; links pingan_core.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "daemon/core/schedule.h"
#include "tests/fuzz/loader_fuzz_support.h"

namespace pingan::fuzz {

inline void RequireScheduleBuilds(std::vector<core::Calendar> calendars,
                                  std::vector<core::Requirement> requirements) {
  auto built = core::Schedule::Build(SampleTree(), std::move(calendars), std::move(requirements),
                                     "Asia/Shanghai");
  if (const auto* error = std::get_if<core::ScheduleError>(&built)) {
    Require(!error->message.empty());
    return;
  }
  const auto& schedule = std::get<core::Schedule>(built);
  const core::Instant from = core::FromUnixMillis(1790812800000);  // 2026-10-01 UTC
  const auto windows = schedule.GraceEndsBetween(from, from + std::chrono::days{2});
  for (size_t i = 1; i < windows.size(); ++i) {
    Require(!(windows[i].window.grace_end < windows[i - 1].window.grace_end));
  }
  (void)schedule.NextEventAfter(from);
}

}  // namespace pingan::fuzz
