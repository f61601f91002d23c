// `pinganctl calendar show`'s routing part in words, with the calendar page's zh-CN
// labels (daemon/console/web/calendar.js and i18n.js): per requirement who gets its
// reminder, which policies may take its alerts and whom each step tells over what; then
// the leaders' fast path. Reads calendar.show's answer (services/requirement_routing.h).
#include <span>
#include <string_view>
#include <utility>

#include "daemon/ctl/output.h"

namespace pingan::ctl {
namespace {

using nlohmann::json;
using LabelPair = std::pair<std::string_view, std::string_view>;
using Labels = std::span<const LabelPair>;

// The page's label for `key`, or `key` itself (period tags, policy ids).
std::string Label(Labels labels, std::string_view key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return std::string(v);
  }
  return std::string(key);
}

constexpr LabelPair kUnits[] = {
    {"school", "本校"},   {"parent", "上级单位"}, {"township", "乡镇中心校"},
    {"district", "区县"}, {"city", "市"},         {"province", "省"}};
constexpr LabelPair kTokenRoles[] = {{"duty", "值班联系人"},
                                     {"primary", "第一责任人"},
                                     {"leader", "分管领导"},
                                     {"on_duty", "值班人员"}};
constexpr LabelPair kRoles[] = {{"primary_accountable", "第一责任人"},
                                {"supervising_leader", "分管领导"},
                                {"duty_contact", "值班联系人"}};
constexpr LabelPair kChannels[] = {{"sms", "短信"}, {"email", "邮件"}, {"webhook", "推送"}};
constexpr LabelPair kAlertKinds[] = {
    {"missing", "漏报"}, {"late", "迟报"}, {"incident", "突发事件"}};
constexpr LabelPair kPeriods[] = {{"public_holiday", "节假日"},
                                  {"major_event", "重大活动期间"},
                                  {"school_term", "学期"},
                                  {"vacation", "寒暑假"},
                                  {"other", "其他"}};
constexpr LabelPair kSeverities[] = {
    {"I", "I 特别重大"}, {"II", "II 重大"}, {"III", "III 较大"}, {"IV", "IV 一般"}};

std::string Text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string Join(const json& list, Labels labels, std::string_view separator) {
  std::string out;
  for (const json& v : list) {
    if (!out.empty()) out += separator;
    out += Label(labels, Text(v));
  }
  return out;
}

// A recipient token ("school_duty", "district_on_duty", "group:x", "person:x",
// "unit:<id>_duty") in words, as the page's whom().
std::string Whom(const std::string& token) {
  const size_t colon = token.find(':');
  const std::string head = colon == std::string::npos ? "" : token.substr(0, colon);
  const std::string body = colon == std::string::npos ? token : token.substr(colon + 1);
  if (head == "group") return "群组 " + body;
  if (head == "person") return body;
  for (const auto& [role, name] : kTokenRoles) {
    const std::string suffix = "_" + std::string(role);
    if (body.size() <= suffix.size() || !body.ends_with(suffix)) continue;
    const std::string unit = body.substr(0, body.size() - suffix.size());
    // "school_on_duty" ends with "_duty" too: take the longer role when it fits.
    if (role == "duty" && unit.ends_with("_on")) continue;
    return (head == "unit" ? unit : Label(kUnits, unit)) + std::string(name);
  }
  return token;
}

// "短信 → 邮件" (one after another) or "短信 + 邮件 同时发送" (all at once).
std::string Channels(const json& plan) {
  const bool all = plan.value("all_at_once", false);
  const std::string names =
      Join(plan.value("channels", json::array()), kChannels, all ? " + " : " → ");
  return all ? names + " 同时发送" : names;
}

std::string Recipients(const json& tokens) {
  std::string out;
  for (const json& t : tokens) out += (out.empty() ? "" : "、") + Whom(Text(t));
  return out;
}

void PrintRequirement(std::ostream& out, const json& r) {
  const json reminder = r.value("reminder", json());
  const json chain = r.value("escalation", json());
  if (reminder.is_null() && chain.is_null()) return;
  out << Text(r.value("name", json(""))) << " (" << Text(r.value("id", json(""))) << ")\n";
  if (!reminder.is_null()) {
    out << "  截止前提醒: 截止前 " << Text(reminder["before"]) << ": " << Recipients(reminder["to"])
        << " (" << Channels(reminder) << ")\n";
  }
  if (chain.is_null()) return;
  if (chain.empty()) out << "  没有匹配的升级策略\n";
  for (const json& p : chain) {
    const json periods = p.value("periods", json::array());
    out << "  " << Label(kAlertKinds, Text(p["alert_kind"])) << " · " << Text(p["policy"])
        << (periods.empty() ? "" : " [" + Join(periods, kPeriods, ", ") + "]") << "\n";
    int n = 0;
    for (const json& s : p.value("steps", json::array())) {
      out << "    " << ++n << ". +" << Text(s["wait"]) << " " << Recipients(s["to"]) << " ("
          << Channels(s) << ")\n";
    }
  }
}

}  // namespace

void PrintRouting(std::ostream& out, const json& calendars) {
  const json leaders = calendars.value("leaders", json());
  const json requirements = calendars.value("requirements", json::array());
  bool any = !leaders.is_null();
  for (const json& r : requirements) {
    any = any || !r.value("reminder", json()).is_null() || !r.value("escalation", json()).is_null();
  }
  if (!any) return;
  out << "\n升级策略 (谁被通知)\n";
  for (const json& r : requirements) PrintRequirement(out, r);
  if (leaders.is_null()) return;
  out << "重大突发事件直报领导: ";
  if (!leaders.value("enabled", false)) {
    out << "未启用\n";
    return;
  }
  out << Label(kSeverities, Text(leaders["max_severity"])) << " 及以上级别, "
      << Label(kUnits, Text(leaders["lowest_unit"])) << "及以上单位的"
      << Join(leaders.value("roles", json::array()), kRoles, "、") << " (" << Channels(leaders)
      << ")\n";
}

}  // namespace pingan::ctl
