// Control-channel commands for alerts and the notification outbox (pinganctl alerts,
// alert show|ack|resolve, outbox):
//
//   alerts         {state?, kind?, school?, requirement?, window?, limit?}  newest first
//   alert.show     {id}  the alert with its timeline, who was told, its outbox rows
//   alert.ack      {id, who, comment}  stops escalation (an ack timeout may re-open it)
//   alert.resolve  {id, reason: handled|false_alarm, who, comment}; those already told
//                  get a "resolved" notice
//   outbox         {state?, limit?}  rows with attempts, next attempt, lease, last error
//
// Reads lease a connection of the shared read-only pool (small indexed queries).
// Acknowledge and resolve are checked at once against the current row, so bad input is
// answered with an services::ControlError, and then written by the StoreWriter thread (the
// only writer), which applies the transition again to the row as it is then and records
// it in the audit log: the answer is {"accepted": true, ...} and the change is visible
// to queries once that job ran (milliseconds). Handlers run on a read-pool worker,
// several at once.
#pragma once

#include <string>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/services/control_server.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

struct AlertCommandContext {
  const core::Clock& clock;
  store::ReadPool reads;  // read-only connections, shared
  store::StoreWriter& writer;
  const config::ScheduleSource& schedules;
  config::EscalationSource escalation;  // holds null when escalation is not configured
};

void RegisterAlertCommands(ControlServer& server, const AlertCommandContext& context);

}  // namespace pingan::services
