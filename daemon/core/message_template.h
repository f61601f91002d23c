// Message templates: the text of SMS, e-mail and webhook notifications, in Simplified
// Chinese (default) or English.
//
// Messages name the school(s), the alert kind, severity, deadline and a console link;
// an incident's also its category and casualty counts (IncidentFacts). By construction
// they cannot carry incident free text or personal data of anyone involved:
// MessageInput has no field for it (only the recipient's own name). Pure functions,
// safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/clock.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/core/grouping.h"
#include "daemon/core/org_tree.h"

namespace pingan::core {

enum class Locale { kZhCN, kEnUS };
std::optional<Locale> ParseLocale(std::string_view name);  // "zh-CN", "en" ...

struct SchoolLabel {
  std::string id;
  std::string name;
};

// Everything a message may say.
struct MessageInput {
  MessageKind message = MessageKind::kAlert;
  AlertKind alert_kind = AlertKind::kMissing;
  std::optional<Severity> severity;
  std::optional<IncidentFacts> incident;  // category and counts of an incident alert
  bool needs_leader_attention = false;
  std::optional<ResolveReason> resolve_reason;
  std::vector<SchoolLabel> schools;  // all schools concerned, in order
  std::vector<std::string> alert_ids;
  std::string requirement_id;
  std::string window_id;
  std::string scope_name;    // the unit the schools belong to, e.g. "区教育局"; may be empty
  std::string report_label;  // e.g. "报平安"; empty: the locale's default
  std::optional<Instant> deadline;
  std::string time_zone = "Asia/Shanghai";
  std::string recipient_name;  // the recipient's own name, for the greeting
};

struct TemplateOptions {
  Locale locale = Locale::kZhCN;
  std::string console_base_url;  // e.g. "https://pingan.example.edu.cn"
  size_t sms_max_names = 5;
  size_t email_max_names = 30;
  std::string sms_signature = "【平安校园】";  // gateways in China require one
};

struct EmailText {
  std::string subject;
  std::string body;  // plain text, UTF-8, '\n' line ends
};

// Fields of the webhook JSON document (notify/ serialises them).
struct WebhookFields {
  std::string event;  // MessageKindName: "alert", "reminder", "reopened", "resolved"
  std::string alert_kind;
  std::string severity;                   // "I".."IV" or empty
  std::optional<IncidentFacts> incident;  // "incident": category and casualty counts
  bool needs_leader_attention = false;
  std::string resolve_reason;  // empty unless resolved
  std::vector<std::string> alert_ids;
  std::vector<std::string> school_ids;
  std::vector<std::string> school_names;
  size_t count = 0;
  std::string requirement_id;
  std::string window_id;
  std::string deadline;  // ISO 8601 UTC, empty when unknown
  std::string console_link;
  std::string text;  // the one-line message, for chat bots
};

struct RenderedMessage {
  std::string sms;
  EmailText email;
  WebhookFields webhook;
};

RenderedMessage RenderMessage(const MessageInput& input, const TemplateOptions& options);

// Builds the input for a grouped message: school names from the tree, the scope (the
// nearest bureau, district or above, over all the schools), the schools' time zone. `deadline` and
// `report_label` come from the requirement and window (ledger), when known.
MessageInput MessageInputFor(const GroupedMessage& message, const OrgTree& tree,
                             std::optional<Instant> deadline, std::string_view report_label,
                             std::string_view default_zone = "Asia/Shanghai");

// "<base>/alerts/<id>" for one alert, "<base>/alerts?requirement=..&window=.." for a
// group of missing/late alerts.
std::string ConsoleLink(std::string_view base, const MessageInput& input);

// "消防安全" / "fire": how messages name an incident category.
std::string_view CategoryLabel(IncidentCategory category, Locale locale);

// "10月3日 16:00" / "3 Oct 16:00" in `zone` (UTC when the zone is unknown).
std::string FormatDeadline(Instant t, std::string_view zone, Locale locale);

// RFC 3986 percent-encoding of everything but the unreserved characters; for URLs
// and form bodies.
std::string PercentEncode(std::string_view s);

}  // namespace pingan::core
