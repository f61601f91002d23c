// Sanitizer reports of the processes a test starts (pingand, pinganctl, pingan-agent).
// In the sanitizer builds a memory error, undefined behaviour or a leak in such a child
// ends it with a report on its stderr, which the tests rarely read and whose exit status
// they often do not check. RouteSanitizerReports (in the child, before exec) sends the
// reports to files named `<prefix>.<pid>` instead; ExpectNoSanitizerReports (in the
// test) fails the test with the text of every such file. In other builds no runtime reads
// the options and no file appears.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pingan::testing {

// Adds log_path=<prefix> to ASAN_OPTIONS and UBSAN_OPTIONS, keeping what they hold.
inline void RouteSanitizerReports(const std::string& prefix) {
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    const char* old = std::getenv(name);
    std::string options = old != nullptr ? std::string(old) + ":" : std::string();
    options += "log_path=" + prefix;
    ::setenv(name, options.c_str(), 1);
  }
}

// Fails the current test once per report file `<prefix>.*`, showing it, and removes it.
inline void ExpectNoSanitizerReports(const std::string& prefix) {
  const std::filesystem::path base(prefix);
  std::error_code ec;
  const std::string stem = base.filename().string() + ".";
  std::vector<std::filesystem::path> reports;
  for (const auto& entry : std::filesystem::directory_iterator(base.parent_path(), ec)) {
    if (entry.path().filename().string().rfind(stem, 0) == 0) reports.push_back(entry.path());
  }
  for (const auto& report : reports) {
    std::ifstream in(report);
    std::ostringstream text;
    text << in.rdbuf();
    ADD_FAILURE() << "sanitizer report of a child process (" << report.string() << "):\n"
                  << text.str();
    std::filesystem::remove(report, ec);
  }
}

}  // namespace pingan::testing
