#include "agents/report_builder.h"

#include <sodium.h>

#include <array>
#include <fstream>
#include <sstream>

#include "daemon/core/local_time.h"
#include "daemon/core/uuid.h"
#include "daemon/ingest/codec.h"

namespace pingan::agent {
namespace {

LocalRefusal Refuse(std::string message) {
  return LocalRefusal{std::move(message)};
}

// The common part of every report; the date text is the --date option or empty.
std::variant<core::Report, LocalRefusal> Base(const ReportContext& context, core::ReportKind kind,
                                              const std::optional<std::string>& date) {
  core::Report r;
  r.report_id = NewReportId(context.now);
  r.school_id = context.school_id;
  r.kind = kind;
  r.agent_time = context.now;
  if (date) {
    auto parsed = core::ParseDate(*date);
    if (!parsed) return Refuse("date '" + *date + "' is not a calendar date in YYYY-MM-DD form");
    r.covers = *parsed;
  } else {
    r.covers = LocalToday(*context.zone, context.now);
  }
  return r;
}

BuildResult Checked(core::Report report, const ReportContext& context) {
  if (auto refusal = CheckReport(report, context.now, context.limits)) return *refusal;
  return report;
}

// Parses `text` completely with `format` into `out`; false when anything is left over.
template <typename TimePoint>
bool ParseWhole(std::string_view text, const char* format, TimePoint& out) {
  std::istringstream in{std::string(text)};
  in >> date::parse(format, out);
  if (in.fail()) return false;
  return in.peek() == std::char_traits<char>::eof();
}

}  // namespace

std::optional<LocalRefusal> CheckReport(const core::Report& report, core::Instant now,
                                        const core::ReportLimits& limits) {
  if (auto rejection = core::ValidateReport(report, now, limits)) {
    return Refuse(std::string(core::RejectReasonName(rejection->reason)) + ": " +
                  rejection->detail);
  }
  const size_t frame_bytes = wire::EncodeReportFrame(report).size();
  if (frame_bytes > static_cast<size_t>(wire::kMaxFrameBytes)) {
    return Refuse("text_too_long: the encoded report has " + std::to_string(frame_bytes) +
                  " bytes; the daemon accepts at most " + std::to_string(wire::kMaxFrameBytes));
  }
  return std::nullopt;
}

std::string NewReportId(core::Instant now) {
  std::array<uint8_t, 10> random{};
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(random.data(), random.size());
  return core::FormatUuid(core::MakeUuidV7(now, random));
}

date::year_month_day LocalToday(const date::time_zone& zone, core::Instant now) {
  return date::year_month_day{core::LocalDayOf(zone, now)};
}

BuildResult BuildAllClear(const ReportContext& context, const std::optional<std::string>& date) {
  auto base = Base(context, core::ReportKind::kAllClear, date);
  if (auto* refusal = std::get_if<LocalRefusal>(&base)) return *refusal;
  return Checked(std::get<core::Report>(std::move(base)), context);
}

BuildResult BuildIncident(const ReportContext& context, const IncidentInput& input) {
  core::Incident incident;
  auto category = core::ParseIncidentCategory(input.category);
  if (!category) {
    return Refuse("category '" + input.category +
                  "' is unknown; use one of campus_injury, food_safety, building, fire, traffic, "
                  "health, large_event, natural_disaster, public_order, fight, missing_student, "
                  "psychological, hazard, other");
  }
  auto severity = core::ParseSeverity(input.severity);
  if (!severity) {
    return Refuse("severity '" + input.severity + "' is unknown; use I, II, III or IV (or 1..4)");
  }
  incident.category = *category;
  incident.severity = *severity;
  incident.occurred_at = context.now;
  if (input.occurred_at) {
    auto at = ParseDateTime(*input.occurred_at, *context.zone);
    if (!at) {
      return Refuse("occurred-at '" + *input.occurred_at +
                    "' is not an ISO 8601 date-time such as 2026-10-03T08:30 or "
                    "2026-10-03T08:30:00+08:00");
    }
    incident.occurred_at = *at;
  }
  incident.summary = input.summary;
  incident.injured = input.injured;
  incident.dead = input.dead;
  incident.missing = input.missing;
  incident.needs_leader_attention = input.needs_leader_attention;

  auto base = Base(context, core::ReportKind::kIncident, input.date);
  if (auto* refusal = std::get_if<LocalRefusal>(&base)) return *refusal;
  auto report = std::get<core::Report>(std::move(base));
  report.incident = std::move(incident);
  return Checked(std::move(report), context);
}

BuildResult BuildMonthly(const ReportContext& context, const MonthlyInput& input) {
  auto month = ParseYearMonth(input.month);
  if (!month) return Refuse("month '" + input.month + "' is not a month in YYYY-MM form");
  // hazards_rectified > hazards_found is not refused: hazards found in earlier months
  // may be rectified in this one.
  auto base = Base(context, core::ReportKind::kMonthlySummary, core::FormatDate(*month / 1));
  if (auto* refusal = std::get_if<LocalRefusal>(&base)) return *refusal;
  auto report = std::get<core::Report>(std::move(base));
  report.monthly = core::MonthlySummary{input.hazards_found, input.hazards_rectified,
                                        input.drills_held, input.incidents};
  return Checked(std::move(report), context);
}

std::optional<core::Instant> ParseDateTime(std::string_view text, const date::time_zone& zone) {
  std::string s(text);
  if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
  for (const char* format : {"%FT%T%Ez", "%FT%R%Ez", "%FT%T%z", "%FT%R%z"}) {
    core::Instant t;
    if (ParseWhole(s, format, t)) return t;
  }
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
    const std::string utc = s.substr(0, s.size() - 1);
    for (const char* format : {"%FT%T", "%FT%R"}) {
      core::Instant t;
      if (ParseWhole(utc, format, t)) return t;
    }
    return std::nullopt;
  }
  for (const char* format : {"%FT%T", "%FT%R"}) {
    date::local_time<core::Millis> local;
    if (ParseWhole(s, format, local)) return zone.to_sys(local, date::choose::earliest);
  }
  return std::nullopt;
}

std::optional<date::year_month> ParseYearMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  auto day = core::ParseDate(std::string(text) + "-01");
  if (!day) return std::nullopt;
  return day->year() / day->month();
}

std::optional<std::string> ReadSummary(const std::string& inline_text, const std::string& file,
                                       std::istream& stdin_text) {
  std::stringstream text;
  if (file == "-" || (file.empty() && inline_text == "-")) {
    text << stdin_text.rdbuf();
  } else if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    text << in.rdbuf();
  } else {
    return inline_text;
  }
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace pingan::agent
