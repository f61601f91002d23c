// The stored form of an outbox row's message: what core::OutboxRow says and to whom,
// as the outbox table's text columns hold it, and of the notifications waiting in the
// grouping hold table. The one place that writes and reads these formats, so a row is
// decoded once, when the repository reads it.
//
// Payload formats read: version 2 (written now: {"v": 2, "message": .., one layout for
// escalation messages and reminders}) and the two earlier ones, {"template": "grouped"}
// (escalation messages) and {"template": "reminder"} (the sweep's reminders, stored
// without a channel list: their fallback order is derived from the person's addresses).
// Payloads hold ids, names, instants and codes, never incident free text.
//
// Pure functions, no SQLite; safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/escalation_engine.h"
#include "daemon/core/outbox_row.h"

namespace pingan::store {

// The columns of an outbox row that hold its message and recipient.
struct StoredOutboxMessage {
  std::string kind;            // MessageKindName, for people reading the table
  std::string alert_id;        // the first alert (rows are found by it); "" for a reminder
  std::string recipient_json;  // {"name", "phone", "email", "webhook"}
  std::string channel;         // the channel tried now
  std::string channels;        // the fallback order, "sms,email"; "" in old reminder rows
  std::string payload_json;
};

StoredOutboxMessage EncodeOutboxMessage(const core::OutboxRow& row);

// Fills the message, recipient, channels and channel_index of `row`. Never throws: what
// cannot be read sets `row.unreadable` (the row then fails at its first attempt).
void DecodeOutboxMessage(const StoredOutboxMessage& stored, core::OutboxRow& row);

// "sms,email" and back; unknown names are dropped.
std::string EncodeChannels(const std::vector<core::ChannelKind>& channels);

// A notification waiting in the grouping hold table; nullopt when unreadable.
std::string EncodeHeldNotification(const core::Notification& n);
std::optional<core::Notification> DecodeHeldNotification(std::string_view text);

}  // namespace pingan::store
