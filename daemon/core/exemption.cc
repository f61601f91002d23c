#include "daemon/core/exemption.h"

#include <algorithm>
#include <set>

#include "daemon/core/local_time.h"
#include "daemon/core/text.h"

namespace pingan::core {
namespace {

bool Known(const std::vector<Requirement>& requirements, const std::string& id) {
  return std::any_of(requirements.begin(), requirements.end(),
                     [&](const Requirement& r) { return r.id == id && !r.disabled; });
}

bool Lists(const Exemption& e, std::string_view requirement_id) {
  return e.requirement_ids.empty() || std::find(e.requirement_ids.begin(), e.requirement_ids.end(),
                                                requirement_id) != e.requirement_ids.end();
}

}  // namespace

std::optional<std::string> ValidateExemption(const ExemptionRequest& r, const OrgTree& tree,
                                             const std::vector<Requirement>& requirements) {
  if (!r.first.ok() || !r.last.ok()) return "the dates must be valid dates YYYY-MM-DD";
  const auto days = (date::sys_days{r.last} - date::sys_days{r.first}).count() + 1;
  if (days < 1) return "'from' must not be after 'to'";
  if (days > kMaxExemptionDays) {
    return "an exemption spans at most " + std::to_string(kMaxExemptionDays) + " days";
  }
  if (r.scope_unit_id.empty()) return "a scope (school or unit) is required";
  if (tree.Find(r.scope_unit_id) == nullptr) return "no unit '" + r.scope_unit_id + "'";
  if (r.requirement_ids.size() > kMaxExemptionRequirements) return "too many requirements";
  std::set<std::string> seen;
  for (const std::string& id : r.requirement_ids) {
    if (!Known(requirements, id)) return "no requirement '" + id + "'";
    if (!seen.insert(id).second) return "requirement '" + id + "' is listed twice";
  }
  const std::string_view reason = TrimSpace(r.reason);
  if (reason.empty()) return "a reason is required";
  if (!IsValidUtf8(reason)) return "the reason is not valid UTF-8";
  if (reason.size() > kMaxExemptionReasonBytes) {
    return "the reason is longer than " + std::to_string(kMaxExemptionReasonBytes) + " bytes";
  }
  return std::nullopt;
}

bool Excuses(const Exemption& e, const OrgTree& tree, std::string_view school_id,
             const Window& window) {
  if (e.withdrawn()) return false;
  const date::sys_days first{e.first}, last{e.last};
  if (date::sys_days{window.covers_first} < first || date::sys_days{window.covers_last} > last) {
    return false;
  }
  return Lists(e, window.requirement_id) && tree.IsInSubtree(school_id, e.scope_unit_id);
}

const Exemption* ExcusedBy(const std::vector<Exemption>& exemptions, const OrgTree& tree,
                           std::string_view school_id, const Window& window) {
  for (const Exemption& e : exemptions) {
    if (Excuses(e, tree, school_id, window)) return &e;
  }
  return nullptr;
}

DueWindow WithExemptions(DueWindow due, const std::vector<Exemption>& exemptions,
                         const OrgTree& tree) {
  if (exemptions.empty()) return due;
  std::vector<const Unit*> owing;
  for (const Unit* school : due.schools) {
    if (ExcusedBy(exemptions, tree, school->id, due.window) != nullptr) {
      due.paused.push_back(school);
    } else {
      owing.push_back(school);
    }
  }
  due.schools = std::move(owing);
  return due;
}

bool InForceOn(const Exemption& e, const date::time_zone& zone, Instant now) {
  if (e.withdrawn()) return false;
  const date::sys_days today{LocalDayOf(zone, now).time_since_epoch()};
  return date::sys_days{e.first} <= today && today <= date::sys_days{e.last};
}

}  // namespace pingan::core
