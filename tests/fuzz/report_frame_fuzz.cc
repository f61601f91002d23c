// libFuzzer target: any bytes as a report frame from an unauthenticated-until-ZAP peer.
// Decoding and validation must never crash, hang or leak, and a report that decodes
// must survive encode -> decode unchanged in what the daemon stores and checks.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "daemon/core/report.h"
#include "daemon/ingest/codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace pingan;

// A fixed "now" (2026-10-01T00:00Z): validation depends on it, the fuzzer must not.
const core::Instant kNow = core::FromUnixMillis(1'790'812'800'000);

}  // namespace

using pingan::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto decoded = wire::DecodeReportFrame(frame);
  const auto* report = std::get_if<core::Report>(&decoded);
  if (report == nullptr) return 0;
  (void)core::ValidateReport(*report, kNow, core::ReportLimits{});

  auto again = wire::DecodeReportFrame(wire::EncodeReportFrame(*report));
  const auto* same = std::get_if<core::Report>(&again);
  Require(same != nullptr);
  Require(same->report_id == report->report_id && same->school_id == report->school_id &&
          same->kind == report->kind && same->covers == report->covers &&
          same->incident.has_value() == report->incident.has_value() &&
          (!report->incident || same->incident->summary == report->incident->summary));
  return 0;
}
