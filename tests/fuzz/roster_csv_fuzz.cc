// libFuzzer target: any bytes as a duty roster CSV (core::ImportRosterCsv) against the
// sample organisation. Every refusal names a line and says what is wrong; accepted
// rosters are for known units and hold only well-formed shifts.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/core/roster_csv.h"
#include "tests/fuzz/loader_fuzz_support.h"

using namespace pingan;
using fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = core::ImportRosterCsv(text, fuzz::SampleTree(), "Asia/Shanghai");
  if (const auto* errors = std::get_if<std::vector<core::CsvError>>(&parsed)) {
    Require(!errors->empty());
    for (const core::CsvError& error : *errors) Require(!error.message.empty() && error.line >= 0);
    return 0;
  }
  fuzz::RequireWellFormedRosters(std::get<core::Rosters>(parsed), fuzz::SampleTree());
  return 0;
}
