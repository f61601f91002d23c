// libFuzzer target: any bytes as a calendars/requirements YAML file
// (ParseCalendarConfigYaml; `ics.file` imports resolve in an empty directory). A
// refusal is a clear error naming the file; accepted calendars hold real dates, and
// what was accepted builds into a schedule (or is refused with a message) that can be
// asked for its windows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "daemon/config/calendar_loader.h"
#include "tests/fuzz/loader_fuzz_support.h"
#include "tests/fuzz/schedule_check.h"

using namespace pingan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = config::ParseCalendarConfigYaml(fuzz::AsText(data, size), "calendars.yaml",
                                                "/nonexistent/pingan-fuzz");
  if (const auto* error = std::get_if<config::LoadError>(&parsed)) {
    fuzz::RequireClearError(*error, "");
    return 0;
  }
  auto& loaded = std::get<config::CalendarConfig>(parsed);
  for (const core::Calendar& calendar : loaded.calendars) fuzz::RequireWellFormedCalendar(calendar);
  fuzz::RequireScheduleBuilds(std::move(loaded.calendars), std::move(loaded.requirements));
  return 0;
}
