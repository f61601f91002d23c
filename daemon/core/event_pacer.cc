#include "daemon/core/event_pacer.h"

namespace pingan::core {

bool EventPacer::Note(Time now) {
  if (!owed_ && (!last_sent_ || now - *last_sent_ >= interval_)) {
    last_sent_ = now;
    return true;
  }
  owed_ = true;
  return false;
}

std::optional<EventPacer::Time> EventPacer::DueAt() const {
  if (!owed_) return std::nullopt;
  return *last_sent_ + interval_;
}

bool EventPacer::Fire(Time now) {
  if (!owed_ || now < *last_sent_ + interval_) return false;
  owed_ = false;
  last_sent_ = now;
  return true;
}

}  // namespace pingan::core
