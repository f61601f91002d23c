// FakeOverview: an OverviewService whose answers come from the test (for route tests
// that drive the API without a database or schedule). Any thread the test uses.
#pragma once

#include <functional>
#include <vector>

#include "daemon/config/schedule_bundle.h"
#include "daemon/services/overview_service.h"

namespace pingan::testing {

class FakeOverview : public services::OverviewService {
 public:
  explicit FakeOverview(const core::Clock& clock)
      : services::OverviewService({clock, NoSchedules(), {}, nullptr}) {}

  std::function<services::DayBoard(const services::BoardQuery&)> board;
  std::function<std::vector<services::BoardSchoolRow>(const services::BoardSchoolsQuery&)> schools;

  services::DayBoard Board(const services::BoardQuery& q) const override { return board(q); }
  std::vector<services::BoardSchoolRow> BoardSchools(
      const services::BoardSchoolsQuery& q) const override {
    return schools(q);
  }

 private:
  static const config::ScheduleSource& NoSchedules() {
    static const config::ScheduleSource none;
    return none;
  }
};

}  // namespace pingan::testing
