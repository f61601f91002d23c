// Outbox messages: how a notification is written into an outbox row (recipient and
// payload JSON) and read back, rendered into SMS / e-mail / webhook text, and mapped to
// and from the pure delivery policy's core::OutboxRow.
//
// Two payload templates exist: "grouped" (escalation messages, written by the
// escalation runner: one recipient, one or more alerts of one kind and window) and
// "reminder" (written by the deadline sweep before a deadline, one school). Payloads
// hold ids, names, instants and codes only, never incident free text: rendering can
// therefore not leak it. Pure functions; safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/core/delivery_policy.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/core/grouping.h"
#include "daemon/core/message_template.h"
#include "daemon/core/org_tree.h"
#include "daemon/store/outbox_repository.h"

namespace pingan::app {

nlohmann::json RecipientToJson(const core::Recipient& r);
core::Recipient RecipientFromJson(const nlohmann::json& j);

// For the grouping hold table.
nlohmann::json NotificationToJson(const core::Notification& n);
std::optional<core::Notification> NotificationFromJson(const nlohmann::json& j);

// What a message says beyond its alerts: the window's deadline and how the report is
// called ("报平安" when empty).
struct MessageFacts {
  std::optional<core::Instant> deadline;
  std::string report_label;
};

// The outbox row for a grouped message: idempotency key core::MessageKey, kind
// MessageKindName ("alert", "reminder" for a repeated pass, "reopened", "resolved"),
// the first alert's id, the channels in fallback order.
store::OutboxRow OutboxRowFor(const core::GroupedMessage& message, const MessageFacts& facts,
                              core::Instant now);

// The alerts a row is about (several for a grouped message; none for a reminder).
std::vector<std::string> AlertIdsOf(const store::OutboxRow& row);

struct RenderContext {
  const core::OrgTree* tree = nullptr;  // school names and scope; may be null
  core::TemplateOptions options;
  std::string default_zone = "Asia/Shanghai";
};

// The texts for a row, or why it cannot be rendered (a payload this version does not
// know: a permanent failure).
std::variant<core::RenderedMessage, std::string> RenderOutboxRow(const store::OutboxRow& row,
                                                                 const RenderContext& context);

// The row as the delivery policy sees it. A row without a channel list (the sweep's
// reminders) falls back from its channel to the person's other addresses. `attempts` in the store
// counts the attempt whose result is being judged (it is counted at lease time); the policy counts
// it itself, so it gets the attempts before it.
core::OutboxRow ToPolicyRow(const store::OutboxRow& row);
// The policy's verdict as a store update.
store::AttemptRecord ToAttemptRecord(const core::OutboxRow& after);

}  // namespace pingan::app
