// libFuzzer target: any bytes as an iCalendar holiday file (ParseIcsCalendar, libical).
// A refusal is a clear error naming the file; an accepted calendar holds real dates
// within the period limit and builds into a schedule (or is refused with a message).
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "daemon/config/ics_import.h"
#include "tests/fuzz/loader_fuzz_support.h"
#include "tests/fuzz/schedule_check.h"

using namespace pingan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const config::IcsImportOptions kOptions = [] {
    config::IcsImportOptions options;
    options.time_zone = "Asia/Shanghai";
    return options;
  }();
  auto parsed = config::ParseIcsCalendar(fuzz::AsText(data, size), "holidays.ics", kOptions);
  if (const auto* error = std::get_if<config::LoadError>(&parsed)) {
    fuzz::RequireClearError(*error, "holidays.ics");
    return 0;
  }
  auto& calendar = std::get<core::Calendar>(parsed);
  fuzz::RequireWellFormedCalendar(calendar);
  fuzz::RequireScheduleBuilds({std::move(calendar)}, {});
  return 0;
}
