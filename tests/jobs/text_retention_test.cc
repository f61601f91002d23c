// TextRetention: protected incident text (summaries and follow-up notes) is blanked
// once its retention has passed, at start-up and on later ticks, by the writer thread;
// the facts of the incident stay, and text still within retention is untouched.
#include "daemon/jobs/text_retention.h"

#include <gtest/gtest.h>

#include <future>

#include "daemon/store/incident_case_repository.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::jobs {
namespace {

using namespace std::chrono_literals;

const core::Instant kNow = core::FromUnixMillis(1'780'000'000'000);

class TextRetentionTest : public ::testing::Test {
 protected:
  TextRetentionTest() : clock_(kNow) {
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    db_ = std::make_unique<store::Database>(options.database_path, store::OpenMode::kReadOnly);
  }
  ~TextRetentionTest() override { writer_->Stop(); }

  // Stores an incident received at `received` whose text is kept for `retention`, with
  // one follow-up note.
  void StoreIncident(const std::string& id, core::Instant received, core::Millis retention) {
    core::Report r;
    r.report_id = id;
    r.school_id = "s01";
    r.kind = core::ReportKind::kIncident;
    r.covers = date::year{2026} / 6 / 1;
    r.agent_time = received;
    r.incident = core::Incident{core::IncidentCategory::kFire,
                                core::Severity::kIII,
                                received,
                                "text of " + id,
                                1,
                                0,
                                0,
                                false};
    Write([&](store::Database& db) {
      store::ReportRepository(db, retention).Insert({r, received});
      store::IncidentCaseRepository(db, retention)
          .AddNote(id, "duty", "note naming a pupil of " + id, received);
    });
  }

  void Write(std::function<void(store::Database&)> job) {
    std::promise<void> done;
    writer_->Post([&](store::Database& db) {
      job(db);
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
  }

  // Runs the io thread's handlers until the writer finished what was posted to it.
  void Settle() {
    Write([](store::Database&) {});
    io_.poll();
    io_.restart();
  }

  std::optional<std::string> Summary(const std::string& id) {
    return store::ReportRepository(*db_, 0ms).ReadIncidentText(id);
  }
  std::optional<std::string> NoteText(const std::string& id) {
    auto notes = store::IncidentCaseRepository(*db_, 0ms).Notes(id);
    return notes.empty() ? std::nullopt : notes[0].text;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  boost::asio::io_context io_;
  std::unique_ptr<store::StoreWriter> writer_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(TextRetentionTest, PurgesExpiredTextAtStartAndKeepsTheRest) {
  StoreIncident("old", kNow - 48h, 24h);  // expired a day ago
  StoreIncident("new", kNow - 1h, 24h);   // 23 hours left
  TextRetention retention(io_, *writer_, clock_);
  retention.Start();
  Settle();

  EXPECT_FALSE(Summary("old").has_value());
  EXPECT_FALSE(NoteText("old").has_value());
  EXPECT_EQ(Summary("new"), "text of new");
  EXPECT_EQ(NoteText("new"), "note naming a pupil of new");
  // The facts of the purged incident stay.
  auto stored = store::ReportRepository(*db_, 0ms).Find("old");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->report.incident->injured, 1);

  // A day later (Kick stands in for the next hourly tick) the other one goes too.
  clock_.Advance(24h);
  retention.Kick();
  Settle();
  EXPECT_FALSE(Summary("new").has_value());
  EXPECT_FALSE(NoteText("new").has_value());
  retention.Stop();
}

}  // namespace
}  // namespace pingan::jobs
