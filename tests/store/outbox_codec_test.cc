#include "daemon/store/outbox_codec.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include "daemon/store/database.h"
#include "daemon/store/outbox_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;
using core::ChannelKind;
using nlohmann::json;

const core::Instant kNow = core::FromUnixMillis(1790000000000);

core::OutboxRow GroupedRow() {
  core::OutboxRow row;
  row.key = "group-0123456789abcdef/alert/tel:138";
  row.recipient = {"区值班室", "138", "duty@district.cn", "duty-screen"};
  row.channels = {ChannelKind::kSms, ChannelKind::kEmail, ChannelKind::kWebhook};
  row.channel_index = 1;
  row.message = core::MessageKind::kResolved;
  row.alert_kind = core::AlertKind::kIncident;
  row.requirement_id = "daily";
  row.window_id = "2026-10-01";
  row.severity = core::Severity::kII;
  row.needs_leader_attention = true;
  row.resolve_reason = core::ResolveReason::kFalseAlarm;
  row.alerts = {{"a1", "s01", 1, 0}, {"a2", "s02", 2, 1}};
  row.deadline = kNow + 1h;
  row.report_label = "月度汇总";
  row.incident = core::IncidentFacts{core::IncidentCategory::kFoodSafety, 12, 0, 3};
  return row;
}

core::OutboxRow ReminderRow() {
  core::OutboxRow row;
  row.key = "reminder|daily/2026-10-01|s01|总务处1";
  row.recipient = {"总务处1", "", "s01@school.cn", ""};
  row.channels = {ChannelKind::kEmail};
  row.message = core::MessageKind::kDueSoon;
  row.requirement_id = "daily";
  row.window_id = "2026-10-01";
  row.school = {"s01", "第1小学"};
  row.deadline = kNow;
  row.time_zone = "Asia/Urumqi";
  return row;
}

core::OutboxRow RoundTrip(const core::OutboxRow& in) {
  core::OutboxRow out;
  DecodeOutboxMessage(EncodeOutboxMessage(in), out);
  return out;
}

void ExpectSameMessage(const core::OutboxRow& a, const core::OutboxRow& b) {
  EXPECT_EQ(a.recipient, b.recipient);
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.channel_index, b.channel_index);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.alert_kind, b.alert_kind);
  EXPECT_EQ(a.requirement_id, b.requirement_id);
  EXPECT_EQ(a.window_id, b.window_id);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.needs_leader_attention, b.needs_leader_attention);
  EXPECT_EQ(a.resolve_reason, b.resolve_reason);
  EXPECT_EQ(a.alerts, b.alerts);
  EXPECT_EQ(a.school.id, b.school.id);
  EXPECT_EQ(a.school.name, b.school.name);
  EXPECT_EQ(a.deadline, b.deadline);
  EXPECT_EQ(a.report_label, b.report_label);
  EXPECT_EQ(a.time_zone, b.time_zone);
  EXPECT_EQ(a.incident, b.incident);
  EXPECT_EQ(a.unreadable, b.unreadable);
}

TEST(OutboxCodec, AnEscalationMessageSurvivesTheRoundTrip) {
  const core::OutboxRow row = GroupedRow();
  const StoredOutboxMessage stored = EncodeOutboxMessage(row);
  EXPECT_EQ(stored.kind, "resolved");
  EXPECT_EQ(stored.alert_id, "a1") << "rows are found by their first alert";
  EXPECT_EQ(stored.channel, "email");
  EXPECT_EQ(stored.channels, "sms,email,webhook");
  ExpectSameMessage(RoundTrip(row), row);
}

TEST(OutboxCodec, AnIncidentsFactsAreStoredAsCodesAndCountsOnly) {
  const json p = json::parse(EncodeOutboxMessage(GroupedRow()).payload_json);
  EXPECT_EQ(p["incident"],
            (json{{"category", "food_safety"}, {"injured", 12}, {"dead", 0}, {"missing", 3}}));
  EXPECT_FALSE(json::parse(EncodeOutboxMessage(ReminderRow()).payload_json).contains("incident"));
}

TEST(OutboxCodec, AReminderSurvivesTheRoundTrip) {
  const core::OutboxRow row = ReminderRow();
  const StoredOutboxMessage stored = EncodeOutboxMessage(row);
  EXPECT_EQ(stored.kind, "due_soon");
  EXPECT_EQ(stored.alert_id, "");
  ExpectSameMessage(RoundTrip(row), row);
}

TEST(OutboxCodec, TheOldGroupedPayloadIsRead) {
  StoredOutboxMessage old;
  old.recipient_json = R"({"name":"区值班室","phone":"138","email":"d@x.cn"})";
  old.channel = "email";
  old.channels = "sms,email";
  old.payload_json = R"({"template":"grouped","message":"reopened","alert_kind":"missing",
    "requirement_id":"daily","window_id":"w1","severity":null,"needs_leader_attention":false,
    "resolve_reason":null,"report_label":"","deadline_ms":1790000000000,
    "alerts":[{"alert_id":"a1","school_id":"s01","step":1,"repetition":0}]})";
  core::OutboxRow row;
  DecodeOutboxMessage(old, row);
  EXPECT_EQ(row.unreadable, "");
  EXPECT_EQ(row.recipient.name, "区值班室");
  EXPECT_EQ(row.channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}));
  EXPECT_EQ(row.channel_index, 1u);
  EXPECT_EQ(row.message, core::MessageKind::kReopened);
  EXPECT_EQ(row.alerts, (std::vector<core::GroupedAlert>{{"a1", "s01", 1, 0}}));
  EXPECT_EQ(row.deadline, kNow);
}

TEST(OutboxCodec, AnOldReminderDerivesItsChannelsFromThePersonsAddresses) {
  StoredOutboxMessage old;
  old.recipient_json = R"({"name":"x","phone":"138","email":"x@school.cn"})";
  old.channel = "sms";
  old.payload_json = R"({"template":"reminder","school_id":"s01","school_name":"一小",
    "requirement_id":"daily","window_id":"w1","deadline_ms":1790000000000,
    "time_zone":"Asia/Shanghai"})";
  core::OutboxRow row;
  DecodeOutboxMessage(old, row);
  EXPECT_EQ(row.message, core::MessageKind::kDueSoon);
  EXPECT_EQ(row.school.id, "s01");
  EXPECT_EQ(row.school.name, "一小");
  EXPECT_EQ(row.time_zone, "Asia/Shanghai");
  EXPECT_EQ(row.channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}));
  EXPECT_EQ(row.channel_index, 0u);
  // Once an attempt stored the list, it is kept (a fallback keeps its place in it).
  old.channel = "email";
  old.channels = "sms,email";
  core::OutboxRow fell_back;
  DecodeOutboxMessage(old, fell_back);
  EXPECT_EQ(fell_back.channel_index, 1u);
  // A channel nobody knows leaves nothing to try.
  old.channel = "fax";
  old.channels = "";
  core::OutboxRow fax;
  DecodeOutboxMessage(old, fax);
  EXPECT_TRUE(fax.channels.empty());
}

TEST(OutboxCodec, WhatCannotBeReadIsSaidNotThrown) {
  StoredOutboxMessage bad;
  bad.recipient_json = "not json";
  bad.channel = "sms";
  bad.channels = "sms";
  bad.payload_json = R"({"template":"nope"})";
  core::OutboxRow row;
  DecodeOutboxMessage(bad, row);
  EXPECT_EQ(row.unreadable, "unknown message template 'nope'");
  EXPECT_EQ(row.recipient, core::Recipient{});
  bad.payload_json = "{";
  core::OutboxRow broken;
  DecodeOutboxMessage(bad, broken);
  EXPECT_EQ(broken.unreadable, "the message payload is not JSON");
  bad.payload_json = R"({"v":2,"message":"shout","alert_kind":"missing"})";
  core::OutboxRow unknown;
  DecodeOutboxMessage(bad, unknown);
  EXPECT_EQ(unknown.unreadable, "the message payload names an unknown kind");
}

TEST(OutboxCodec, HeldNotificationsSurviveTheRoundTrip) {
  core::Notification n;
  n.alert_id = "a1";
  n.alert_kind = core::AlertKind::kIncident;
  n.school_id = "s01";
  n.severity = core::Severity::kI;
  n.step = core::kLeaderStep;
  n.message = core::MessageKind::kResolved;
  n.resolve_reason = core::ResolveReason::kHandled;
  n.recipient = {"王五", "138", "", ""};
  n.channels = {ChannelKind::kSms};
  const auto back = DecodeHeldNotification(EncodeHeldNotification(n));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->alert_id, "a1");
  EXPECT_EQ(back->severity, core::Severity::kI);
  EXPECT_EQ(back->step, core::kLeaderStep);
  EXPECT_EQ(back->resolve_reason, core::ResolveReason::kHandled);
  EXPECT_EQ(back->recipient, n.recipient);
  EXPECT_EQ(back->channels, n.channels);
  EXPECT_FALSE(DecodeHeldNotification("[]").has_value());
  EXPECT_FALSE(DecodeHeldNotification(R"({"alert_kind":"missing","message":"alert"})"))
      << "no channel";
}

TEST(OutboxRepository, ARowIsReadBackAsItWasEnqueuedAndAnOldRowIsLeased) {
  testing::TempDir dir;
  Database db(dir.File("pingan.db"));
  OutboxRepository outbox(db);
  core::OutboxRow row = GroupedRow();
  row.channel_index = 0;
  row.created_at = row.next_attempt_at = kNow;
  ASSERT_TRUE(outbox.Enqueue(row));
  EXPECT_FALSE(outbox.Enqueue(row)) << "same idempotency key";
  // A reminder row as the sweep stored it before the one row format.
  SQLite::Statement old(db.sql(), R"sql(
INSERT INTO outbox (idempotency_key, kind, recipient_json, channel, payload_json, state,
  next_attempt_ms, created_at_ms)
VALUES ('reminder|k|s01|x', 'reminder', '{"name":"x","email":"x@s.cn"}', 'email',
  '{"template":"reminder","school_id":"s01"}', 'pending', ?1, ?1))sql");
  old.bind(1, static_cast<int64_t>(core::ToUnixMillis(kNow)));
  old.exec();

  const auto leased = outbox.LeaseDue(kNow, 2min, 10);
  ASSERT_EQ(leased.size(), 2u);
  ExpectSameMessage(leased[0], row);
  EXPECT_EQ(leased[0].key, row.key);
  EXPECT_EQ(leased[0].status, core::OutboxStatus::kLeased);
  EXPECT_EQ(leased[0].attempts, 1);
  EXPECT_EQ(leased[0].lease_until, kNow + 2min);
  EXPECT_EQ(leased[1].message, core::MessageKind::kDueSoon);
  EXPECT_EQ(leased[1].channels, std::vector<ChannelKind>{ChannelKind::kEmail});
  EXPECT_EQ(outbox.ListForAlert("a1", 10).size(), 1u);
  EXPECT_EQ(outbox.Count(core::OutboxStatus::kLeased), 2);
}

// Migration 7 rebuilds the outbox (for the 'cancelled' state) and links every alert of
// a grouped message: rows written by version 6 keep their state and can be withdrawn.
TEST(OutboxRepository, MigrationSevenKeepsVersionSixRowsAndLinksEveryAlert) {
  testing::TempDir dir;
  const std::string path = dir.File("pingan.db");
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const Migration& m : Migrations()) {
      if (m.version > 6) break;
      raw.exec(m.sql);
    }
    raw.exec("PRAGMA user_version=6");
    core::OutboxRow row = GroupedRow();
    row.message = core::MessageKind::kAlert;
    const StoredOutboxMessage m = EncodeOutboxMessage(row);
    SQLite::Statement s(raw, R"sql(
INSERT INTO outbox (idempotency_key, kind, alert_id, recipient_json, channel, payload_json,
  state, next_attempt_ms, created_at_ms, channels)
VALUES ('k1', ?1, ?2, ?3, ?4, ?5, 'pending', 0, 0, ?6))sql");
    s.bind(1, m.kind);
    s.bind(2, m.alert_id);
    s.bind(3, m.recipient_json);
    s.bind(4, m.channel);
    s.bind(5, m.payload_json);
    s.bind(6, m.channels);
    s.exec();
  }
  Database db(path);
  EXPECT_EQ(db.schema_version(), LatestSchemaVersion());
  OutboxRepository outbox(db);
  ASSERT_EQ(outbox.List(std::nullopt, 10).size(), 1u);
  EXPECT_EQ(outbox.WithdrawFor("a2"), 1) << "found by its second alert";
  EXPECT_EQ(core::AlertIds(outbox.List(std::nullopt, 10)[0]), std::vector<std::string>{"a1"});
  EXPECT_EQ(outbox.WithdrawFor("a1"), 1);
  EXPECT_EQ(outbox.Count(core::OutboxStatus::kCancelled), 1);
  EXPECT_TRUE(outbox.LeaseDue(kNow, 1min, 10).empty()) << "a cancelled row is never sent";
  EXPECT_TRUE(outbox.ReachedAbout("a1").empty());
}

}  // namespace
}  // namespace pingan::store
