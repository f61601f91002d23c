// libFuzzer target: the small parsers every peer and file reaches (dates, times,
// durations, UUIDs, school ids) and LogSafe, whose promise is checked: valid UTF-8,
// no line break, bounded size, whatever came in.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/core/local_time.h"
#include "daemon/core/report.h"
#include "daemon/core/text.h"
#include "daemon/core/uuid.h"
#include "tests/fuzz/fuzz_support.h"

using pingan::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pingan::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseDate(text);
  (void)ParseTimeOfDay(text);
  (void)ParseDuration(text);
  (void)IsValidSchoolId(text);
  if (auto uuid = ParseUuid(text)) (void)IsUuidV7(text);

  const std::string safe = LogSafe(text, 16);
  Require(IsValidUtf8(safe));
  Require(safe.find('\n') == std::string::npos && safe.find('\r') == std::string::npos);
  Require(safe.size() <= 6 * 16 + 20 + 20);  // the promise, plus the "(N bytes)" digits
  return 0;
}
