// libFuzzer target: any bytes as a duty roster iCalendar file (ParseRosterIcs, libical)
// against the sample organisation, once for a named unit and once with the unit taken
// from the file. A refusal is a clear error naming the file; accepted rosters are for
// known units and hold only well-formed shifts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "daemon/config/roster_ics.h"
#include "tests/fuzz/loader_fuzz_support.h"

using namespace pingan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = fuzz::AsText(data, size);
  for (const char* unit : {"gd-sz-ns", ""}) {
    auto parsed = config::ParseRosterIcs(text, "roster.ics", fuzz::SampleTree(),
                                         config::RosterIcsOptions{unit, "Asia/Shanghai"});
    if (const auto* error = std::get_if<config::LoadError>(&parsed)) {
      fuzz::RequireClearError(*error, "roster.ics");
      continue;
    }
    fuzz::RequireWellFormedRosters(std::get<core::Rosters>(parsed), fuzz::SampleTree());
  }
  return 0;
}
