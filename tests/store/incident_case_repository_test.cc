#include "daemon/store/incident_case_repository.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;

const core::Instant kT0 = date::sys_days{date::year{2026} / 10 / 3} + 8h;
constexpr core::Millis kRetention = 24h;

class IncidentCaseRepositoryTest : public ::testing::Test {
 protected:
  IncidentCaseRepositoryTest()
      : db_(dir_.File("pingan.db")), reports_(db_, kRetention), cases_(db_, kRetention) {}

  // Stores a report received at `received`; incidents carry a protected summary.
  void Store(const std::string& id, const std::string& school, core::Instant received,
             core::ReportKind kind = core::ReportKind::kIncident) {
    core::Report r;
    r.report_id = id;
    r.school_id = school;
    r.kind = kind;
    r.covers = date::year{2026} / 10 / 3;
    r.agent_time = received;
    if (kind == core::ReportKind::kIncident) {
      r.incident = core::Incident{core::IncidentCategory::kFight,
                                  core::Severity::kIV,
                                  received - 1h,
                                  "text of " + id,
                                  1,
                                  0,
                                  0,
                                  false};
    }
    ASSERT_EQ(reports_.Insert({r, received}), InsertStatus::kStored);
  }

  std::vector<std::string> Ids(const IncidentFilter& filter) {
    std::vector<std::string> out;
    for (const IncidentRow& row : cases_.List(filter)) out.push_back(row.report.report.report_id);
    return out;
  }

  ::pingan::testing::TempDir dir_;
  Database db_;
  ReportRepository reports_;
  IncidentCaseRepository cases_;
};

TEST_F(IncidentCaseRepositoryTest, ListsIncidentReportsNewestFirstWithTheirAlert) {
  Store("inc-old", "a1", kT0);
  Store("inc-new", "a2", kT0 + 1h);
  Store("calm", "a1", kT0 + 2h, core::ReportKind::kAllClear);
  auto alert = core::NewIncidentAlert("alert-1", reports_.Find("inc-new")->report, kT0 + 1h);
  ASSERT_TRUE(std::holds_alternative<core::Alert>(alert));
  ASSERT_TRUE(AlertRepository(db_).Insert(std::get<core::Alert>(alert)));

  const auto rows = cases_.List({});
  ASSERT_EQ(rows.size(), 2u) << "the all-clear is no incident";
  EXPECT_EQ(rows[0].report.report.report_id, "inc-new");
  EXPECT_EQ(rows[0].alert_id, "alert-1");
  EXPECT_EQ(rows[0].report.received_at, kT0 + 1h);
  EXPECT_EQ(rows[0].report.report.incident->category, core::IncidentCategory::kFight);
  EXPECT_TRUE(rows[0].report.report.incident->summary.empty()) << "no free text in lists";
  EXPECT_FALSE(rows[0].the_case) << "nobody assigned yet";
  EXPECT_EQ(rows[1].report.report.report_id, "inc-old");
  EXPECT_EQ(rows[1].alert_id, "");
  EXPECT_FALSE(cases_.Find("calm"));
  EXPECT_FALSE(cases_.Find("nope"));
  EXPECT_EQ(Ids({.state = std::nullopt, .school_id = "a1", .limit = 100}),
            std::vector<std::string>{"inc-old"});
  EXPECT_EQ(Ids({.state = std::nullopt, .school_id = "", .limit = 1}),
            std::vector<std::string>{"inc-new"});
}

TEST_F(IncidentCaseRepositoryTest, ReassignmentKeepsTheEarlierOwners) {
  Store("inc", "a1", kT0);
  ASSERT_EQ(cases_.Assign("inc", {"张局", "分管副局长", "duty", kT0 + 1h}), CaseChange::kDone);
  ASSERT_EQ(cases_.Assign("inc", {"李科长", "", "admin", kT0 + 2h}), CaseChange::kDone);
  const auto row = cases_.Find("inc");
  ASSERT_TRUE(row && row->the_case);
  const IncidentCase& c = *row->the_case;
  EXPECT_EQ(c.owner, "李科长");
  EXPECT_EQ(c.owner_role, "") << "the new owner's role, not the old one";
  EXPECT_EQ(c.assigned_by, "admin");
  EXPECT_EQ(c.assigned_at, kT0 + 2h);
  EXPECT_EQ(c.state, CaseState::kOpen);
  EXPECT_FALSE(c.outcome);
  const auto history = cases_.Assignments("inc");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].owner, "张局");
  EXPECT_EQ(history[0].owner_role, "分管副局长");
  EXPECT_EQ(history[0].assigned_by, "duty");
  EXPECT_EQ(history[0].at, kT0 + 1h);
  EXPECT_EQ(history[1].owner, "李科长");
}

TEST_F(IncidentCaseRepositoryTest, NotesComeBackInTheOrderTheyWereWritten) {
  Store("inc", "a1", kT0);
  // Same instant for two notes: the order is the writing order, not the clock's.
  ASSERT_EQ(cases_.AddNote("inc", "duty", "called the school", kT0 + 1h), CaseChange::kDone);
  ASSERT_EQ(cases_.AddNote("inc", "leader", "visited", kT0 + 1h), CaseChange::kDone);
  ASSERT_EQ(cases_.AddNote("inc", "duty", "parents informed", kT0 + 3h), CaseChange::kDone);
  const auto notes = cases_.Notes("inc");
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0].text, "called the school");
  EXPECT_EQ(notes[1].text, "visited");
  EXPECT_EQ(notes[1].author, "leader");
  EXPECT_EQ(notes[2].text, "parents informed");
  EXPECT_EQ(notes[2].at, kT0 + 3h);
  EXPECT_EQ(notes[2].kind, NoteKind::kNote);
  EXPECT_FALSE(cases_.Find("inc")->the_case) << "a note alone makes no case owner";
  EXPECT_TRUE(cases_.Notes("other").empty());
}

TEST_F(IncidentCaseRepositoryTest, CloseKeepsOutcomeAndCommentAndRefusesLaterChanges) {
  Store("inc", "a1", kT0);
  Store("unowned", "a1", kT0);
  ASSERT_EQ(cases_.Assign("inc", {"张局", "", "duty", kT0 + 1h}), CaseChange::kDone);
  ASSERT_EQ(cases_.Close("inc", CaseOutcome::kTransferred, "duty", "handed to police", kT0 + 5h),
            CaseChange::kDone);
  const IncidentCase c = *cases_.Find("inc")->the_case;
  EXPECT_EQ(c.state, CaseState::kClosed);
  EXPECT_EQ(c.outcome, CaseOutcome::kTransferred);
  EXPECT_EQ(c.closed_by, "duty");
  EXPECT_EQ(c.closed_at, kT0 + 5h);
  EXPECT_EQ(c.owner, "张局") << "closing keeps the owner";
  const auto notes = cases_.Notes("inc");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].kind, NoteKind::kClosure);
  EXPECT_EQ(notes[0].text, "handed to police");

  EXPECT_EQ(cases_.Assign("inc", {"王", "", "duty", kT0 + 6h}), CaseChange::kClosed);
  EXPECT_EQ(cases_.AddNote("inc", "duty", "late note", kT0 + 6h), CaseChange::kClosed);
  EXPECT_EQ(cases_.Close("inc", CaseOutcome::kHandled, "duty", "", kT0 + 6h), CaseChange::kClosed);
  EXPECT_EQ(cases_.Find("inc")->the_case->outcome, CaseOutcome::kTransferred);
  EXPECT_EQ(cases_.Notes("inc").size(), 1u);
  EXPECT_EQ(cases_.Assignments("inc").size(), 1u);

  // A case may be closed without an owner (e.g. a false report), and without comment.
  ASSERT_EQ(cases_.Close("unowned", CaseOutcome::kFalseReport, "duty", "", kT0 + 2h),
            CaseChange::kDone);
  const IncidentCase u = *cases_.Find("unowned")->the_case;
  EXPECT_EQ(u.owner, "");
  EXPECT_FALSE(u.assigned_at);
  EXPECT_TRUE(cases_.Notes("unowned").empty());
}

TEST_F(IncidentCaseRepositoryTest, ChangesToUnknownOrNonIncidentReportsAreNotFound) {
  Store("calm", "a1", kT0, core::ReportKind::kAllClear);
  for (const std::string id : {"calm", "nope"}) {
    EXPECT_EQ(cases_.Assign(id, {"张局", "", "duty", kT0}), CaseChange::kNotFound);
    EXPECT_EQ(cases_.AddNote(id, "duty", "x", kT0), CaseChange::kNotFound);
    EXPECT_EQ(cases_.Close(id, CaseOutcome::kHandled, "duty", "", kT0), CaseChange::kNotFound);
  }
  EXPECT_EQ(db_.sql().execAndGet("SELECT count(*) FROM incident_notes").getInt(), 0);
  EXPECT_EQ(db_.sql().execAndGet("SELECT count(*) FROM incident_cases").getInt(), 0);
}

TEST_F(IncidentCaseRepositoryTest, StateFilterCountsIncidentsWithoutCaseAsOpen) {
  Store("fresh", "a1", kT0);
  Store("owned", "a1", kT0 + 1h);
  Store("done", "a1", kT0 + 2h);
  cases_.Assign("owned", {"张局", "", "duty", kT0 + 3h});
  cases_.Close("done", CaseOutcome::kHandled, "duty", "", kT0 + 3h);
  EXPECT_EQ(Ids({.state = CaseState::kOpen, .school_id = "", .limit = 100}),
            (std::vector<std::string>{"owned", "fresh"}));
  EXPECT_EQ(Ids({.state = CaseState::kClosed, .school_id = "", .limit = 100}),
            std::vector<std::string>{"done"});
  EXPECT_TRUE(Ids({.state = CaseState::kClosed, .school_id = "a2", .limit = 100}).empty());
}

TEST_F(IncidentCaseRepositoryTest, NotesArePurgedTogetherWithTheSummary) {
  Store("early", "a1", kT0);
  Store("later", "a2", kT0 + 10h);
  ASSERT_EQ(cases_.AddNote("early", "duty", "named a teacher", kT0 + 20h), CaseChange::kDone);
  ASSERT_EQ(cases_.Close("early", CaseOutcome::kHandled, "duty", "closing words", kT0 + 21h),
            CaseChange::kDone);
  ASSERT_EQ(cases_.AddNote("later", "duty", "still needed", kT0 + 20h), CaseChange::kDone);

  // Retention counts from the report's arrival, as for the summary, not from the note.
  const PurgedText none = PurgeIncidentText(db_, kT0 + kRetention - 1ms);
  EXPECT_EQ(none.summaries, 0);
  EXPECT_EQ(none.notes, 0);
  EXPECT_EQ(cases_.Notes("early")[0].text, "named a teacher");

  const PurgedText first = PurgeIncidentText(db_, kT0 + kRetention);
  EXPECT_EQ(first.summaries, 1);
  EXPECT_EQ(first.notes, 2) << "the note and the closing comment of 'early'";
  EXPECT_FALSE(reports_.ReadIncidentText("early"));
  const auto early = cases_.Notes("early");
  ASSERT_EQ(early.size(), 2u) << "who wrote when stays";
  EXPECT_FALSE(early[0].text);
  EXPECT_FALSE(early[1].text);
  EXPECT_EQ(early[0].author, "duty");
  EXPECT_EQ(early[0].at, kT0 + 20h);
  EXPECT_EQ(cases_.Notes("later")[0].text, "still needed");
  EXPECT_TRUE(reports_.ReadIncidentText("later"));

  // The case stays closed and counted; a second pass finds nothing more.
  EXPECT_EQ(cases_.Find("early")->the_case->outcome, CaseOutcome::kHandled);
  EXPECT_EQ(PurgeIncidentText(db_, kT0 + kRetention).notes, 0);
  const PurgedText second = PurgeIncidentText(db_, kT0 + 10h + kRetention);
  EXPECT_EQ(second.summaries, 1);
  EXPECT_EQ(second.notes, 1);
}

TEST_F(IncidentCaseRepositoryTest, ANoteWrittenAfterTheSummaryWasPurgedKeepsItsDate) {
  Store("inc", "a1", kT0);
  PurgeIncidentText(db_, kT0 + kRetention);
  ASSERT_EQ(cases_.AddNote("inc", "duty", "follow-up visit", kT0 + kRetention + 1h),
            CaseChange::kDone);
  // Its purge date is the one the summary had: due at the next pass.
  EXPECT_EQ(PurgeIncidentText(db_, kT0 + kRetention + 2h).notes, 1);
  EXPECT_FALSE(cases_.Notes("inc")[0].text);
}

TEST_F(IncidentCaseRepositoryTest, ApplyCaseChangeAuditsWhatItDidAndWritesNothingElse) {
  Store("inc-1", "a1", kT0);
  const AuditEntry audit{{}, "user:duty", "incident.close", "inc-1", "handled"};
  auto close = [](IncidentCaseRepository& cases, core::Instant now) {
    return cases.Close("inc-1", CaseOutcome::kHandled, "duty", "", now);
  };
  EXPECT_EQ(ApplyCaseChange(db_, kRetention, kT0 + 1h, close, audit), CaseChange::kDone);
  EXPECT_EQ(ApplyCaseChange(db_, kRetention, kT0 + 2h, close, audit), CaseChange::kClosed);
  auto note = [](IncidentCaseRepository& cases, core::Instant now) {
    return cases.AddNote("nope", "duty", "x", now);
  };
  EXPECT_EQ(ApplyCaseChange(db_, kRetention, kT0 + 2h, note, audit), CaseChange::kNotFound);
  const std::vector<AuditEntry> written = RecentAudit(db_, 10);
  ASSERT_EQ(written.size(), 1u) << "refused changes leave no audit entry";
  EXPECT_EQ(written[0].at, kT0 + 1h);
  EXPECT_EQ(written[0].action, "incident.close");
  EXPECT_EQ(cases_.Find("inc-1")->the_case->closed_at, kT0 + 1h);
}

TEST(CaseNamesTest, RoundTrip) {
  for (auto o : {CaseOutcome::kHandled, CaseOutcome::kFalseReport, CaseOutcome::kTransferred}) {
    EXPECT_EQ(ParseCaseOutcome(CaseOutcomeName(o)), o);
  }
  EXPECT_FALSE(ParseCaseOutcome("resolved"));
  EXPECT_EQ(ParseCaseState(CaseStateName(CaseState::kClosed)), CaseState::kClosed);
  EXPECT_FALSE(ParseCaseState("acknowledged"));
}

}  // namespace
}  // namespace pingan::store
