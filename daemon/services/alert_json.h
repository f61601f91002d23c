// The one JSON view of alerts and outbox rows, used by the control socket's commands
// (pinganctl), the HTTP API's alert routes (the web console) and the live-update events.
// Field names and values are a contract: daemon/console/web/*.js and daemon/ctl/output.cc
// read them. Pure functions of their arguments (the organisation only names schools);
// callable from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/alert.h"
#include "daemon/core/outbox_row.h"
#include "daemon/services/alert_service.h"

namespace pingan::services {

// An alert as a list shows it (no timeline, "notified" is a count).
nlohmann::json AlertSummaryJson(const core::Alert& a, const config::ScheduleBundle* bundle);
nlohmann::json AlertListJson(const std::vector<core::Alert>& alerts,
                             const config::ScheduleBundle* bundle);
// The action queue: {now, items: [summary + age_minutes (by `now`, the daemon's clock,
// a drill's too), owner (who acknowledged it, else an incident's case owner from
// `case_owners`, by report id; "" when nobody)]}, in the order given.
nlohmann::json QueueJson(const std::vector<core::Alert>& queue,
                         const config::ScheduleBundle* bundle, core::Instant now,
                         const std::map<std::string, std::string>& case_owners);
// {at, actor, what, comment}
nlohmann::json TimelineEntryJson(const core::TimelineEntry& e);
// The summary plus "timeline", "notified" (name, channels, first_at) and "outbox".
nlohmann::json AlertDetailJson(const AlertDetail& d, const config::ScheduleBundle* bundle);
nlohmann::json OutboxRowJson(const core::OutboxRow& r);
// {counts: {state: n}, rows: [...]}
nlohmann::json OutboxListingJson(const OutboxListing& listing);
// An alert event's data (alert.opened, alert.updated, ...): what the page shows and
// sounds for, never free text.
nlohmann::json AlertEventJson(const core::Alert& a, const config::ScheduleBundle* bundle);

// The answers of the accepted commands (the change is applied by the writer).
nlohmann::json AckAcceptedJson(const AckResult& r);
// {acknowledged: [AckAcceptedJson], refused: [{id, code, message}]}
nlohmann::json BulkAckJson(const BulkAckResult& r);
nlohmann::json ResolveAcceptedJson(const ResolveRequest& r);
nlohmann::json CommentAcceptedJson(const CommentRequest& r);

}  // namespace pingan::services
