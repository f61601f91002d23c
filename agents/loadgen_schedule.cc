#include "agents/loadgen_schedule.h"

#include <cmath>

namespace pingan::agent::loadgen {

Micros Schedule::Offset(int64_t index) const {
  if (pace == Pace::kRate) {
    return Micros{static_cast<int64_t>(std::llround(static_cast<double>(index) * 1e6 / rate))};
  }
  // index * window / reports without overflow for half a million reports over hours.
  const long double share = static_cast<long double>(index) / static_cast<long double>(reports);
  return Micros{static_cast<int64_t>(share * static_cast<long double>(window.count()))};
}

Micros Schedule::Span() const {
  return reports > 0 ? Offset(reports - 1) : Micros{0};
}

std::string CheckSchedule(const Schedule& s) {
  if (s.reports <= 0) return "the number of schools must be positive";
  if (s.pace == Pace::kRate && !(s.rate > 0)) return "--rate must be positive";
  if (s.pace == Pace::kBurst && s.window <= Micros{0}) return "--window must be positive";
  return "";
}

SendPlan::SendPlan(const Schedule& schedule, int worker, int workers, Micros start)
    : schedule_(schedule), next_(worker), step_(workers), first_(worker), start_(start) {}

std::optional<int64_t> SendPlan::NextDue(Micros now) {
  if (done() || DueAt(next_) > now) return std::nullopt;
  const int64_t index = next_;
  next_ += step_;
  return index;
}

std::optional<Micros> SendPlan::NextAt() const {
  if (done()) return std::nullopt;
  return DueAt(next_);
}

int64_t SendPlan::count() const {
  if (first_ >= schedule_.reports) return 0;
  return (schedule_.reports - first_ + step_ - 1) / step_;
}

}  // namespace pingan::agent::loadgen
