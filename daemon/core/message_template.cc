#include "daemon/core/message_template.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>
#include <stdexcept>

#include <date/tz.h>

namespace pingan::core {
namespace {

bool Zh(Locale l) {
  return l == Locale::kZhCN;
}

std::string_view GradeName(Severity s, Locale l) {
  static constexpr std::string_view kZh[] = {"特别重大", "重大", "较大", "一般"};
  static constexpr std::string_view kEn[] = {"especially serious", "serious", "relatively serious",
                                             "general"};
  const int i = std::clamp(static_cast<int>(s), 1, 4) - 1;
  return Zh(l) ? kZh[i] : kEn[i];
}

std::string_view ReasonName(ResolveReason r, Locale l) {
  switch (r) {
    case ResolveReason::kLateReportReceived:
      return Zh(l) ? "已补报" : "late report received";
    case ResolveReason::kHandled:
      return Zh(l) ? "已处置" : "handled";
    case ResolveReason::kFalseAlarm:
      return Zh(l) ? "误报" : "false alarm";
    case ResolveReason::kExcused:
      return Zh(l) ? "免报" : "excused";
  }
  return "";
}

std::string Prefix(const MessageInput& in, Locale l) {
  switch (in.message) {
    case MessageKind::kAlert:
      return "";
    case MessageKind::kReminder:
      return Zh(l) ? "[再次提醒] " : "[Reminder] ";
    case MessageKind::kReopened:
      return Zh(l) ? "[确认超时, 继续上报] " : "[Acknowledgement lapsed] ";
    case MessageKind::kDueSoon:
      return Zh(l) ? "[提醒] " : "[Due soon] ";
    case MessageKind::kResolved:
      if (!in.resolve_reason) return Zh(l) ? "[已解除] " : "[Resolved] ";
      return std::string(Zh(l) ? "[已解除: " : "[Resolved: ") +
             std::string(ReasonName(*in.resolve_reason, l)) + "] ";
  }
  return "";
}

std::string SchoolName(const SchoolLabel& s) {
  return s.name.empty() ? s.id : s.name;
}

// "一中" for one school, "37 所学校" / "37 schools" for several.
std::string Subject(const MessageInput& in, Locale l) {
  if (in.schools.size() == 1) return SchoolName(in.schools.front());
  return std::to_string(in.schools.size()) + (Zh(l) ? " 所学校" : " schools");
}

std::string WindowPhrase(const MessageInput& in, Locale l) {
  const bool one = in.schools.size() == 1;
  // "报平安" is itself a verb phrase; a named report (月度安全汇总) is "报送"-ed.
  const bool named = !in.report_label.empty();
  const std::string label = named ? in.report_label : (Zh(l) ? "报平安" : "all-clear report");
  const std::string zh_send = named ? "报送" + label : label;
  std::string text = Subject(in, l);
  if (in.message == MessageKind::kDueSoon) {
    // Nothing is late yet: a nudge before the deadline.
    text += Zh(l) ? "尚未" + zh_send
                  : (one ? " has not yet sent the " : " have not yet sent the ") + label;
  } else if (in.alert_kind == AlertKind::kMissing) {
    text +=
        Zh(l) ? "未按时" + zh_send : (one ? " has not sent the " : " have not sent the ") + label;
  } else {
    text += Zh(l) ? "迟报" + label : " sent the " + label + " late";
  }
  if (in.deadline) {
    const std::string when = FormatDeadline(*in.deadline, in.time_zone, l);
    text += Zh(l) ? " (" + when + " 截止)" : " (due " + when + ")";
  }
  return text;
}

// "伤 2 人, 亡 0 人, 失踪 1 人" / "2 injured, 0 dead, 1 missing": all three counts, so
// that a reader never mistakes an unstated count for zero.
std::string Casualties(const IncidentFacts& f, Locale l) {
  const auto n = [](uint32_t v) { return std::to_string(v); };
  if (Zh(l))
    return "伤 " + n(f.injured) + " 人, 亡 " + n(f.dead) + " 人, 失踪 " + n(f.missing) + " 人";
  return n(f.injured) + " injured, " + n(f.dead) + " dead, " + n(f.missing) + " missing";
}

// "一中报告突发事件: 消防安全 (II 级, 重大), 伤 2 人, 亡 0 人, 失踪 0 人, 需领导关注".
std::string IncidentPhrase(const MessageInput& in, Locale l) {
  std::string text = Subject(in, l) + (Zh(l) ? "报告突发事件" : " reported an incident");
  if (in.incident)
    text += (Zh(l) ? ": " : ": ") + std::string(CategoryLabel(in.incident->category, l));
  if (in.severity) {
    const std::string grade(GradeName(*in.severity, l));
    const std::string roman(SeverityName(*in.severity));
    text +=
        Zh(l) ? " (" + roman + " 级, " + grade + ")" : " (severity " + roman + ", " + grade + ")";
  }
  if (in.incident) text += (Zh(l) ? ", " : "; ") + Casualties(*in.incident, l);
  if (in.needs_leader_attention) text += Zh(l) ? ", 需领导关注" : "; needs leader attention";
  return text;
}

std::string Headline(const MessageInput& in, Locale l) {
  std::string text = Prefix(in, l);
  if (!in.scope_name.empty()) text += in.scope_name + ": ";
  text += in.alert_kind == AlertKind::kIncident ? IncidentPhrase(in, l) : WindowPhrase(in, l);
  return text;
}

// "一中, 二中 等" / "A, B and 35 more"; empty for a single school (already named).
std::string NamesList(const MessageInput& in, size_t max, Locale l) {
  if (in.schools.size() <= 1) return "";
  const size_t shown = std::min(std::max<size_t>(max, 1), in.schools.size());
  std::string text;
  for (size_t i = 0; i < shown; ++i) text += (i ? ", " : "") + SchoolName(in.schools[i]);
  if (shown < in.schools.size()) {
    text += Zh(l) ? " 等" : " and " + std::to_string(in.schools.size() - shown) + " more";
  }
  return text;
}

std::string EmailBody(const MessageInput& in, const TemplateOptions& o, const std::string& line,
                      const std::string& link) {
  const Locale l = o.locale;
  std::string body;
  if (Zh(l)) {
    body = (in.recipient_name.empty() ? "" : in.recipient_name + "，") + "您好：\n\n";
  } else {
    body = in.recipient_name.empty() ? "Hello,\n\n" : "Dear " + in.recipient_name + ",\n\n";
  }
  body += line + "\n";
  if (in.schools.size() > 1) {
    body += Zh(l) ? "\n学校 (" + std::to_string(in.schools.size()) + " 所):\n"
                  : "\nSchools (" + std::to_string(in.schools.size()) + "):\n";
    const size_t shown = std::min(o.email_max_names, in.schools.size());
    for (size_t i = 0; i < shown; ++i) body += "  - " + SchoolName(in.schools[i]) + "\n";
    if (shown < in.schools.size()) {
      const std::string more = std::to_string(in.schools.size() - shown);
      body += Zh(l) ? "  另有 " + more + " 所, 见值班台。\n"
                    : "  and " + more + " more, see the console.\n";
    }
  }
  if (!link.empty()) body += (Zh(l) ? "\n详情: " : "\nDetails: ") + link + "\n";
  body += Zh(l) ? "\n请在平安校园值班台确认 (签收) 并处置。本邮件由系统自动发送, 请勿直接回复。\n"
                : "\nPlease acknowledge and handle it on the duty console. This message was sent "
                  "automatically; please do not reply.\n";
  return body;
}

std::string IsoUtc(Instant t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

}  // namespace

std::string_view CategoryLabel(IncidentCategory c, Locale l) {
  // Index: IncidentCategory value - 1. The console's i18n.js uses the same words.
  static constexpr std::string_view kZh[] = {
      "校园安全/意外伤害", "食品安全", "校舍安全",       "消防安全", "交通安全/校车", "卫生疾控",
      "大型活动",          "自然灾害", "治安和刑事案件", "打架斗殴", "学生失踪",      "心理健康",
      "安全隐患",          "其他"};
  static constexpr std::string_view kEn[] = {"campus safety / injury",
                                             "food safety",
                                             "school buildings",
                                             "fire",
                                             "traffic / school bus",
                                             "health",
                                             "large event",
                                             "natural disaster",
                                             "public order",
                                             "fight",
                                             "missing student",
                                             "psychological crisis",
                                             "hazard",
                                             "other"};
  static_assert(std::size(kZh) == kMaxIncidentCategory && std::size(kEn) == kMaxIncidentCategory);
  const int i = std::clamp(static_cast<int>(c), 1, kMaxIncidentCategory) - 1;
  return Zh(l) ? kZh[i] : kEn[i];
}

std::optional<Locale> ParseLocale(std::string_view name) {
  if (name == "zh-CN" || name == "zh" || name == "zh_CN") return Locale::kZhCN;
  if (name == "en" || name == "en-US" || name == "en_US") return Locale::kEnUS;
  return std::nullopt;
}

std::string FormatDeadline(Instant t, std::string_view zone, Locale locale) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto minutes = std::chrono::floor<std::chrono::minutes>(t);
  date::local_time<std::chrono::minutes> local{minutes.time_since_epoch()};
  std::string suffix = " UTC";
  try {
    local = date::floor<std::chrono::minutes>(date::locate_zone(zone)->to_local(minutes));
    suffix.clear();
  } catch (const std::runtime_error&) {
    // Unknown zone: say UTC rather than fail a notification.
  }
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss hms{local - day};
  char hhmm[8];
  std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  const unsigned m = static_cast<unsigned>(ymd.month());
  const unsigned d = static_cast<unsigned>(ymd.day());
  if (Zh(locale)) return std::to_string(m) + "月" + std::to_string(d) + "日 " + hhmm + suffix;
  return std::to_string(d) + " " + std::string(kMonths[(m + 11) % 12]) + " " + hhmm + suffix;
}

std::string ConsoleLink(std::string_view base, const MessageInput& in) {
  if (base.empty() || in.alert_ids.empty()) return "";
  std::string b(base);
  while (!b.empty() && b.back() == '/') b.pop_back();
  if (in.alert_ids.size() == 1) return b + "/alerts/" + PercentEncode(in.alert_ids.front());
  return b + "/alerts?requirement=" + PercentEncode(in.requirement_id) +
         "&window=" + PercentEncode(in.window_id);
}

RenderedMessage RenderMessage(const MessageInput& in, const TemplateOptions& o) {
  const Locale l = o.locale;
  RenderedMessage out;
  const std::string headline = Headline(in, l);
  const std::string link = ConsoleLink(o.console_base_url, in);
  const std::string names = NamesList(in, o.sms_max_names, l);
  std::string line = headline + (names.empty() ? "" : ": " + names);

  out.sms = o.sms_signature + line;
  if (!link.empty()) out.sms += (Zh(l) ? " 详情: " : " Details: ") + link;

  out.email.subject = headline;
  out.email.body = EmailBody(in, o, headline, link);

  WebhookFields& w = out.webhook;
  w.event = std::string(MessageKindName(in.message));
  w.alert_kind = std::string(AlertKindName(in.alert_kind));
  if (in.severity) w.severity = std::string(SeverityName(*in.severity));
  w.incident = in.incident;
  w.needs_leader_attention = in.needs_leader_attention;
  if (in.resolve_reason) w.resolve_reason = std::string(ResolveReasonName(*in.resolve_reason));
  w.alert_ids = in.alert_ids;
  for (const SchoolLabel& s : in.schools) {
    w.school_ids.push_back(s.id);
    w.school_names.push_back(SchoolName(s));
  }
  w.count = in.schools.size();
  w.requirement_id = in.requirement_id;
  w.window_id = in.window_id;
  if (in.deadline) w.deadline = IsoUtc(*in.deadline);
  w.console_link = link;
  w.text = std::move(line);
  return out;
}

MessageInput MessageInputFor(const GroupedMessage& m, const OrgTree& tree,
                             std::optional<Instant> deadline, std::string_view report_label,
                             std::string_view default_zone) {
  MessageInput in;
  in.message = m.message;
  in.alert_kind = m.alert_kind;
  in.severity = m.severity;
  in.needs_leader_attention = m.needs_leader_attention;
  in.resolve_reason = m.resolve_reason;
  in.requirement_id = m.requirement_id;
  in.window_id = m.window_id;
  in.deadline = deadline;
  in.report_label = std::string(report_label);
  in.recipient_name = m.recipient.name;
  in.time_zone = std::string(default_zone);
  std::vector<const Unit*> common;  // ancestors shared by every school so far, nearest first
  bool first = true;
  for (const GroupedAlert& a : m.alerts) {
    in.alert_ids.push_back(a.alert_id);
    const Unit* u = tree.Find(a.school_id);
    in.schools.push_back({a.school_id, u != nullptr ? u->name : ""});
    if (u == nullptr) continue;
    std::vector<const Unit*> chain = tree.Ancestors(*u);
    if (first) {
      common = chain;
      in.time_zone = tree.EffectiveTimeZone(*u, default_zone);
      first = false;
    } else {
      std::erase_if(common, [&](const Unit* c) {
        return std::find(chain.begin(), chain.end(), c) == chain.end();
      });
    }
  }
  // Speak for the bureau (district or above) that oversees all the schools, as duty
  // officers do; a township central school is only named when no bureau is shared.
  auto bureau = std::find_if(common.begin(), common.end(), [](const Unit* u) {
    return static_cast<int>(u->kind) <= static_cast<int>(UnitKind::kDistrict);
  });
  if (bureau != common.end()) {
    in.scope_name = (*bureau)->name;
  } else if (!common.empty()) {
    in.scope_name = common.front()->name;
  }
  return in;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace pingan::core
