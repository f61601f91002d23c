// EventPacer: the first change goes out at once, changes within the interval fold into
// one event at its end, none is ever dropped, and a quiet interval resets the pace.
#include <gtest/gtest.h>

#include "daemon/core/event_pacer.h"

namespace pingan::core {
namespace {

using std::chrono::milliseconds;
constexpr auto kInterval = milliseconds{1000};
const EventPacer::Time kT0{std::chrono::hours{1}};

TEST(EventPacerTest, TheFirstChangeGoesOutAtOnce) {
  EventPacer pacer(kInterval);
  EXPECT_TRUE(pacer.Note(kT0));
  EXPECT_FALSE(pacer.DueAt()) << "nothing owed";
}

TEST(EventPacerTest, ChangesWithinTheIntervalFoldIntoOneEventAtItsEnd) {
  EventPacer pacer(kInterval);
  ASSERT_TRUE(pacer.Note(kT0));
  int sent = 0;
  for (int ms = 20; ms < 1000; ms += 20) sent += pacer.Note(kT0 + milliseconds{ms});
  EXPECT_EQ(sent, 0);
  ASSERT_TRUE(pacer.DueAt());
  EXPECT_EQ(*pacer.DueAt(), kT0 + kInterval);
  EXPECT_FALSE(pacer.Fire(kT0 + milliseconds{999})) << "not before it is due";
  EXPECT_TRUE(pacer.Fire(kT0 + milliseconds{1003}));
  EXPECT_FALSE(pacer.DueAt());
  EXPECT_FALSE(pacer.Fire(kT0 + milliseconds{1100})) << "one event for the whole interval";
}

TEST(EventPacerTest, AChangeAfterTheFoldedEventWaitsAWholeIntervalAgain) {
  EventPacer pacer(kInterval);
  pacer.Note(kT0);
  pacer.Note(kT0 + milliseconds{500});
  ASSERT_TRUE(pacer.Fire(kT0 + milliseconds{1000}));
  EXPECT_FALSE(pacer.Note(kT0 + milliseconds{1200}));
  EXPECT_EQ(*pacer.DueAt(), kT0 + milliseconds{2000});
}

TEST(EventPacerTest, ANoteWhileOneIsOwedNeverGoesOutEarly) {
  EventPacer pacer(kInterval);
  pacer.Note(kT0);
  pacer.Note(kT0 + milliseconds{100});
  // The timer is late: the next change comes after the due time but before Fire.
  EXPECT_FALSE(pacer.Note(kT0 + milliseconds{1500})) << "folded into the owed event";
  EXPECT_TRUE(pacer.Fire(kT0 + milliseconds{1500}));
}

TEST(EventPacerTest, AfterAQuietIntervalTheNextChangeGoesOutAtOnce) {
  EventPacer pacer(kInterval);
  pacer.Note(kT0);
  EXPECT_TRUE(pacer.Note(kT0 + milliseconds{1000}));
  EXPECT_TRUE(pacer.Note(kT0 + milliseconds{5000}));
}

}  // namespace
}  // namespace pingan::core
