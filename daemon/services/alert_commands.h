// Control-channel commands for alerts and the notification outbox (pinganctl alerts,
// alert show|ack|resolve, outbox): thin adapters that parse the arguments into the
// typed requests of AlertService (alert_service.h) and answer its results through the
// JSON views of alert_json.h.
//
//   alerts         {state?, kind?, school?, requirement?, window?, limit?}  newest first
//   alert.show     {id}  the alert with its timeline, who was told, its outbox rows
//   alert.ack      {id, who, comment}  stops escalation (an ack timeout may re-open it)
//   alert.resolve  {id, reason: handled|false_alarm, who, comment}; those already told
//                  get a "resolved" notice
//   alert.comment  {id, who, comment}
//   outbox         {state?, limit?}  rows with attempts, next attempt, lease, last error
//
// Writes answer {"accepted": true, ...}; the StoreWriter applies them (see
// AlertService). Handlers run on a read-pool worker, several at once.
#pragma once

#include "daemon/services/alert_service.h"
#include "daemon/services/control_server.h"

namespace pingan::services {

// Registers the commands over `service`, which outlives the server.
void RegisterAlertCommands(ControlServer& server, const AlertService& service);

}  // namespace pingan::services
