// TextRetention: enforces the retention limit of protected incident text (summaries and
// follow-up notes): once an hour, and at start-up to catch up after downtime, one
// writer-thread transaction blanks every text whose purge date has passed (who wrote
// it and when stay). Counts are logged; the text never is.
//
// Threading: Start and Stop on the io thread; the purge runs on the StoreWriter thread.
// Destroy after the StoreWriter has stopped (WriterTicker's contract).
#pragma once

#include <spdlog/spdlog.h>

#include "daemon/store/write_transaction.h"

#include "daemon/core/clock.h"
#include "daemon/jobs/writer_ticker.h"
#include "daemon/store/incident_case_repository.h"

namespace pingan::jobs {

class TextRetention {
 public:
  TextRetention(boost::asio::io_context& io, store::StoreWriter& writer, const core::Clock& clock,
                core::Millis tick = std::chrono::hours{1})
      : ticker_(
            io, writer, "incident text purge", tick,
            [&clock](store::Database& db) {
              store::WriteTransaction tx(db);
              const store::PurgedText purged = store::PurgeIncidentText(db, clock.Now());
              tx.Commit();
              return purged;
            },
            [](const store::PurgedText& p) {
              if (p.summaries > 0 || p.notes > 0) {
                spdlog::info("retention: purged the text of {} incident summaries and {} notes",
                             p.summaries, p.notes);
              }
              return false;
            }) {}

  void Start() { ticker_.Start(); }
  void Stop() { ticker_.Stop(); }
  // Runs a pass now (after a drill clock jumped).
  void Kick() { ticker_.Kick(); }

 private:
  WriterTicker<store::PurgedText> ticker_;
};

}  // namespace pingan::jobs
