#include "protocol/events.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace umla::protocol {
namespace {

TEST(Events, ReadyRoundTrip) {
  Event event;
  event.type = EventType::kReady;
  event.seq = 7;
  event.ready.ok = false;
  event.ready.total_us = 1234;
  StepResult step;
  step.name = "fstab";
  step.status = StepStatus::kFailed;
  step.reason = "/etc/fstab:3: bad line";
  step.changes = {"+ none /mnt/host hostfs defaults 0 0"};
  step.duration_us = 55;
  event.ready.steps.push_back(step);

  Result<Event> decoded = DecodeEvent(EncodeEvent(event));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->type, EventType::kReady);
  EXPECT_EQ(decoded->seq, 7u);
  EXPECT_FALSE(decoded->ready.ok);
  ASSERT_EQ(decoded->ready.steps.size(), 1u);
  EXPECT_EQ(decoded->ready.steps[0].name, "fstab");
  EXPECT_EQ(decoded->ready.steps[0].status, StepStatus::kFailed);
  EXPECT_EQ(decoded->ready.steps[0].reason, "/etc/fstab:3: bad line");
  EXPECT_EQ(decoded->ready.steps[0].changes, step.changes);
}

// The warm-up events go through the real decoder in the bridge: they must be valid.
TEST(Events, WarmUpEventsAreAValidBootOfFirstBootSize) {
  std::vector<Event> events = WarmUpEvents(42);
  ASSERT_EQ(events.size(), 3u);
  std::vector<EventType> types;
  for (const Event& event : events) {
    Result<Event> decoded = DecodeEvent(EncodeEvent(event));
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(decoded->seq, types.size() + 1);
    EXPECT_EQ(decoded->wall_us, 42u);
    types.push_back(decoded->type);
  }
  EXPECT_EQ(types, (std::vector<EventType>{EventType::kHello, EventType::kStep, EventType::kReady}));
  EXPECT_GE(events[2].ready.steps.size(), 6u);  // every step of a boot, with changes
  EXPECT_FALSE(events[2].ready.steps[0].changes.empty());
}

TEST(Events, HelloRoundTrip) {
  Event event;
  event.type = EventType::kHello;
  event.seq = 1;
  event.hello = {"0.1.0", "6.1.176", "abc", "boot"};
  Result<Event> decoded = DecodeEvent(EncodeEvent(event));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->hello.kernel, "6.1.176");
  EXPECT_EQ(decoded->hello.boot_id, "abc");
}

TEST(Events, RejectsWrongTypesAndMissingFields) {
  EXPECT_FALSE(DecodeEvent("not json").ok());
  EXPECT_FALSE(DecodeEvent("[1,2]").ok());
  EXPECT_FALSE(DecodeEvent(R"({"type":"hello","seq":1})").ok());
  EXPECT_FALSE(DecodeEvent(R"({"type":"ready","seq":"1","ok":true,"steps":[],"total_us":0})").ok());
  EXPECT_FALSE(DecodeEvent(R"({"type":"ready","seq":1,"ok":true,"steps":[{"name":1}],"total_us":0})").ok());
  EXPECT_FALSE(DecodeEvent(R"({"type":"teleport","seq":1})").ok());
  EXPECT_FALSE(DecodeEvent(R"({"type":"ready","seq":-1,"ok":true,"steps":[],"total_us":0})").ok());
}

TEST(Events, RejectsOversizedFields) {
  nlohmann::json big = {{"type", "fatal"}, {"seq", 1}, {"reason", std::string(5000, 'x')}};
  EXPECT_FALSE(DecodeEvent(big.dump()).ok());
  nlohmann::json many = {{"type", "ready"}, {"seq", 1}, {"ok", true}, {"total_us", 0}};
  many["steps"] = nlohmann::json::array();
  for (size_t i = 0; i <= kMaxSteps; ++i) {
    many["steps"].push_back({{"name", "s"}, {"status", "ok"}, {"duration_us", 0}, {"changes", {}}});
  }
  EXPECT_FALSE(DecodeEvent(many.dump()).ok());
}

TEST(Events, EncodingNeverThrowsOnInvalidUtf8) {
  Event event;
  event.type = EventType::kFatal;
  event.fatal.reason = std::string("bad \xff\xfe bytes");
  EXPECT_NO_THROW(EncodeEvent(event));
  EXPECT_TRUE(DecodeEvent(EncodeEvent(event)).ok());
}

}  // namespace
}  // namespace umla::protocol
