#include "daemon/core/wall_order.h"

#include <algorithm>
#include <tuple>

namespace pingan::core {
namespace {

// Smaller is higher on the screen.
auto Rank(const WallItem& w) {
  const int kind = static_cast<int>(w.kind);  // incident, missing, late
  const int severity = w.kind == WallItem::Kind::kIncident ? w.severity : 0;
  const int flag = w.leader_flag ? 0 : 1;
  return std::make_tuple(kind, severity, flag, w.since, w.id);
}

}  // namespace

WallLayout WallOrder(std::vector<WallItem> items, size_t max_rows) {
  std::sort(items.begin(), items.end(),
            [](const WallItem& a, const WallItem& b) { return Rank(a) < Rank(b); });
  WallLayout out;
  for (WallItem& item : items) {
    if (item.kind == WallItem::Kind::kIncident) {
      ++out.incidents;
      out.rows.push_back(std::move(item));
      continue;
    }
    ++out.reports;
    if (out.rows.size() < max_rows) {
      out.rows.push_back(std::move(item));
    } else {
      ++out.more_reports;
    }
  }
  return out;
}

}  // namespace pingan::core
