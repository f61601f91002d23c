// Escalation configuration: the YAML file that `escalation.file` in pingand's config
// names. It holds the escalation policies, named groups, the severity I/II leader rule,
// the duty rosters (CSV files, core::ImportRosterCsv, or iCalendar files, roster_ics.h),
// the delivery channels (SMTP, an SMS gateway over HTTP, webhooks, the channels of
// reminders before a deadline), message templates (locale, console link), the
// grouping window, retries and per-recipient rate limits. Every key is explained in
// daemon/config/examples/escalation.example.yaml; unknown keys are errors; errors name
// file, line and key.
//
// Secret values (SMTP password, webhook secret, gateway header values) may be written
// as "env:NAME" to read them from the environment at load time instead of the file.
//
// Loading is two-stage: LoadEscalationFile parses and checks what needs nothing else;
// PrepareEscalation then checks the policies against the org tree and imports the
// roster. The result is immutable and shared read-only between the io thread, the
// writer thread and the delivery workers. Plain functions; safe on any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/config/load_error.h"
#include "daemon/config/roster_ics.h"
#include "daemon/core/calendar.h"
#include "daemon/core/clock.h"
#include "daemon/core/delivery_policy.h"
#include "daemon/core/escalation_policy.h"
#include "daemon/core/grouping.h"
#include "daemon/core/message_template.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/reminders.h"
#include "daemon/core/requirement.h"
#include "daemon/core/roster.h"
#include "daemon/notify/channel.h"
#include "daemon/notify/sms_gateway_channel.h"
#include "daemon/notify/smtp_channel.h"
#include "daemon/notify/webhook_channel.h"

namespace pingan::config {

struct DeliverySettings {
  int workers = 2;                              // threads that run blocking sends
  core::Millis lease{std::chrono::minutes{2}};  // a sent row stays leased this long
  core::Millis poll{std::chrono::seconds{1}};   // real time between outbox polls
  core::RetryPolicy retry;
  core::RateLimit rate_limit;
};

struct EscalationSettings {
  std::string source;  // the file
  core::EscalationConfig policies;
  std::string roster_file;  // resolved path of a single roster file (CSV or .ics); empty: none
  // Further roster files (`roster:` as a list, or as {file, unit}); shifts of a unit found
  // in several files are merged.
  std::vector<RosterSource> roster_sources;
  std::optional<notify::SmtpConfig> smtp;
  std::optional<notify::SmsGatewayConfig> sms;
  std::vector<notify::WebhookEndpoint> webhooks;
  // `channels.reminders`: the channels of the sweep's reminders before a deadline, in
  // fallback order; each contact gets those it has an address for (as in a step).
  std::vector<core::ChannelKind> reminder_channels = core::kDefaultReminderChannels;
  core::TemplateOptions templates;
  core::GroupingOptions grouping;
  DeliverySettings delivery;
  core::Millis tick{std::chrono::seconds{1}};  // real time between escalation runs
  int batch = 1000;                            // alerts advanced per run at most
  // Line of each policy's `periods:` (by policy id), for CheckPolicyPeriods' errors.
  std::map<std::string, int, std::less<>> period_lines;
  // Found while reading ("escalation.yaml:31: policies[0].steps[0].channels: deprecated
  // ..."); PrepareEscalation passes them on to EscalationSetup::warnings.
  std::vector<std::string> warnings;
};

// Settings checked against the org tree, with the imported rosters.
struct EscalationSetup {
  EscalationSettings settings;
  core::Rosters rosters;
  std::vector<std::string> warnings;  // e.g. a policy uses a channel nobody configured
};
using SharedEscalation = std::shared_ptr<const EscalationSetup>;

// EscalationSource: the escalation setup in force, replaced as a whole at a reload
// (SIGHUP) while its holders keep reading. Copies share one setup: the daemon keeps one
// and hands copies to the runner, the outbox worker and the commands. Built from a
// SharedEscalation (or nullptr) it is a setup of its own (tests, tools).
//
// `source->rosters` pins the setup for the full expression; code that reads it for
// longer takes Get() once, so that a reload in between cannot mix two setups.
//
// Threading: any thread (a mutex guards the pointer; setups are immutable).
class EscalationSource {
 public:
  EscalationSource() : state_(std::make_shared<State>()) {}
  EscalationSource(std::nullptr_t) : EscalationSource() {}  // NOLINT: implicit on purpose
  template <class T>
  EscalationSource(std::shared_ptr<T> setup) : EscalationSource() {  // NOLINT: as above
    state_->current = std::move(setup);
  }

  SharedEscalation Get() const {
    std::lock_guard lock(state_->mu);
    return state_->current;
  }
  void Set(SharedEscalation next) {
    std::lock_guard lock(state_->mu);
    state_->current = std::move(next);
  }

  struct Pinned {
    SharedEscalation setup;
    const EscalationSetup* operator->() const { return setup.get(); }
  };
  Pinned operator->() const { return {Get()}; }
  explicit operator bool() const { return Get() != nullptr; }
  bool operator==(std::nullptr_t) const { return Get() == nullptr; }

 private:
  struct State {
    std::mutex mu;
    SharedEscalation current;
  };
  std::shared_ptr<State> state_;
};

std::variant<EscalationSettings, LoadError> LoadEscalationFile(const std::string& path);
// `base_dir` resolves the relative roster path.
std::variant<EscalationSettings, LoadError> ParseEscalationYaml(const std::string& text,
                                                                const std::string& file,
                                                                const std::string& base_dir);

// Validates the policies against `tree` (core::ValidateEscalationConfig) and, when
// given, the requirement ids they name against `requirements`; imports the roster
// files, whose time zones come from the tree (`default_zone` otherwise). Errors name
// the file and the line where the policy starts.
std::variant<SharedEscalation, LoadError> PrepareEscalation(
    EscalationSettings settings, const core::OrgTree& tree, const std::string& default_zone,
    const std::vector<core::Requirement>* requirements = nullptr);
// Reads escalation.file of `config` and prepares it against `tree` (null: no
// organisation), the periods of `calendars` (null: none; policies' `periods` may name
// only kinds then) and `requirements` (null: requirement ids not checked), as start,
// --check-config and a reload do; null when no file is set.
std::variant<SharedEscalation, LoadError> LoadEscalationFor(
    const DaemonConfig& config, const core::OrgTree* tree,
    const std::vector<core::Calendar>* calendars = nullptr,
    const std::vector<core::Requirement>* requirements = nullptr);

// The channels the settings configure, behind one Dispatcher. `clock` must outlive it.
std::shared_ptr<notify::Dispatcher> MakeDispatcher(const EscalationSettings& settings,
                                                   const core::Clock& clock);

}  // namespace pingan::config
