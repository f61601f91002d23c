// DrillOrgTest: the real pingand on a drill clock over a small organisation — a city of
// `districts` districts with `schools` schools each, every unit with a duty contact's
// phone — with the calendars and escalation policies a test gives, and a loopback SMS
// gateway that records every text. The helpers move the drill clock, list the missing
// alerts, read the texts per phone and let one school report. Used by the drill tests of
// the rules a bureau writes (exemptions, recurrence, tags). Single-threaded: the test
// body's thread only; waits for the daemon's messages are bounded polls.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/school_fleet.h"
#include "tests/notify/test_peers.h"

namespace pingan::testing {

// (school, requirement/window) of each missing alert.
using MissingPairs = std::set<std::pair<std::string, std::string>>;

inline std::string DrillSchool(int district, int n) {
  return "d" + std::to_string(district) + "s" + std::to_string(n);
}
inline std::string DrillDistrictPhone(int district) {
  return "13900000" + std::to_string(district) + "00";
}
inline std::string DrillSchoolPhone(int district, int n) {
  return "1380000" + std::to_string(district) + "00" + std::to_string(n);
}

class DrillOrgTest : public ::testing::Test {
 protected:
  struct Drill {
    int districts = 2;
    int schools = 2;        // per district
    std::string start;      // ISO time with offset, e.g. "2026-06-05T08:00:00+08:00"
    std::string calendars;  // the calendars file
    std::string policies;   // the escalation file's `policies:` list, key included
  };

  // Writes the files, enrols every school (district-major order) and starts pingand.
  void StartDrill(const Drill& drill) {
    WriteOrg(drill.districts, drill.schools);
    std::ofstream(dir_.File("calendars.yaml")) << drill.calendars;
    std::ofstream(dir_.File("escalation.yaml")) << drill.policies << R"(leaders: {enabled: false}
channels:
  sms:
    url: ")" << sms_.Url("/sms") << R"("
    body_template: '{"to":"{phone}","text":"{text}","key":"{key}"}'
templates: {locale: zh-CN}
delivery: {poll: 100ms}
runner: {tick: 200ms}
)";
    std::ofstream(dir_.File("pingand.yaml"))
        << "org: {file: org.yaml}\ncalendars: {file: calendars.yaml}\n"
           "escalation: {file: escalation.yaml}\n";
    daemon_ = std::make_unique<DaemonProcess>(dir_.File("data"));
    for (int d = 1; d <= drill.districts; ++d) {
      for (int n = 1; n <= drill.schools; ++n) {
        schools_.push_back({DrillSchool(d, n), daemon_->Enroll(DrillSchool(d, n))});
      }
    }
    endpoint_ = daemon_->Start({"--config", dir_.File("pingand.yaml"), "--clock", "drill",
                                "--start", drill.start, "--speed", "1"});
  }

  void AdvanceTo(core::Instant target) {
    ASSERT_TRUE(daemon_->AdvanceDrillTo(target)) << "the sweep did not reach the target time";
  }

  MissingPairs MissingAlerts() {
    MissingPairs out;
    for (const nlohmann::json& a :
         daemon_->Control("alerts", {{"kind", "missing"}, {"limit", 1000}})) {
      out.insert({a["school_id"].get<std::string>(), a["requirement_id"].get<std::string>() + "/" +
                                                         a["window_id"].get<std::string>()});
    }
    return out;
  }

  // The texts the SMS gateway was asked to send, by phone, in order.
  std::map<std::string, std::vector<std::string>> Texts() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& r : sms_.requests()) {
      if (r.target != "/sms") continue;
      const nlohmann::json body = nlohmann::json::parse(r.body);
      out[body.value("to", "")].push_back(body.value("text", ""));
    }
    return out;
  }
  size_t TextCount() {
    size_t n = 0;
    for (const auto& [phone, texts] : Texts()) n += texts.size();
    return n;
  }
  // Waits (bounded) until `n` texts were sent; true when exactly `n` were.
  bool WaitForTexts(size_t n) {
    for (int i = 0; i < 300 && TextCount() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return TextCount() == n;
  }

  // School number `index` (enrolment order) sends its all-clear for `day`.
  void Report(size_t index, date::year_month_day day) {
    SchoolFleet fleet({schools_[index]}, endpoint_, daemon_->ServerPublicKey());
    fleet.QueueAllClear(0, day);
    fleet.StartDelivery(std::chrono::seconds{30});
    fleet.Join();
    ASSERT_EQ(fleet.Pending(), 0);
  }

  TempDir dir_;
  TestHttpServer sms_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::vector<FleetSchool> schools_;
  std::string endpoint_;

 private:
  void WriteOrg(int districts, int schools) {
    std::ofstream org(dir_.File("org.yaml"));
    org << "units:\n  - id: city\n    name: 市教育局\n    kind: city\n    children:\n";
    for (int d = 1; d <= districts; ++d) {
      org << "      - id: d" << d << "\n        name: 第" << d << "区教育局\n"
          << "        kind: district\n        contacts:\n"
          << "          - {role: duty_contact, name: 区值班室" << d << ", phone: \""
          << DrillDistrictPhone(d) << "\"}\n        children:\n";
      for (int n = 1; n <= schools; ++n) {
        org << "          - {id: " << DrillSchool(d, n) << ", name: 学校" << d << n
            << ", kind: school, contacts: [{role: duty_contact, name: 总务处, phone: \""
            << DrillSchoolPhone(d, n) << "\"}]}\n";
      }
    }
  }
};

}  // namespace pingan::testing
