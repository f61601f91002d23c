// libFuzzer target: any bytes as an uploaded CSV file (school import, rosters). Reading
// must never crash or hang, and whatever it reads must come back field for field after
// the writer has written it (the writer quotes whatever the reader would change).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/core/csv.h"
#include "tests/fuzz/fuzz_support.h"

using pingan::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pingan::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool multiline : {true, false}) {
    const CsvDocument doc = ReadCsv(text, CsvOptions{.multiline_fields = multiline});
    std::string written;
    for (const CsvRecord& r : doc.records) AppendCsvRecord(written, r.fields);
    const CsvDocument reread = ReadCsv(written, CsvOptions{.multiline_fields = true});
    Require(reread.errors.empty());
    // A record of one empty field is a blank line, which a reader skips by design.
    size_t j = 0;
    for (const CsvRecord& r : doc.records) {
      if (r.fields.size() == 1 && r.fields[0].empty()) continue;
      Require(j < reread.records.size() && reread.records[j].fields == r.fields);
      ++j;
    }
  }
  return 0;
}
