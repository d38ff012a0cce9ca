// Micro-benchmarks of what the host does with every byte a guest sends: framing
// and decoding on a large stream that is mostly noise, as a busy console would be.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "agent/core/fstab_text.h"
#include "host-bridge/watch/guest_watch.h"
#include "protocol/events.h"
#include "protocol/frame.h"

namespace {

using namespace umla;

std::string NoisyStream(size_t target_bytes) {
  protocol::Event step;
  step.type = protocol::EventType::kStep;
  step.step.name = "fstab";
  step.step.changes = {"- /dev/ubd/1 none swap sw 0 0", "+ /dev/ubdb none swap sw 0 0"};
  std::string stream;
  uint64_t seq = 1;
  while (stream.size() < target_bytes) {
    stream += "[   12.345678] EXT4-fs (ubda): mounted filesystem with ordered data mode.\r\n";
    stream += "Debian GNU/Linux 12 guest tty7\r\n\r\nguest login: \r\n";
    step.seq = seq++;
    stream += protocol::EncodeFrame(protocol::EncodeEvent(step));
  }
  return stream;
}

void BM_FrameReaderNoisyStream(benchmark::State& state) {
  std::string stream = NoisyStream(4 << 20);
  for (auto _ : state) {
    protocol::FrameReader reader;
    size_t frames = 0;
    for (size_t i = 0; i < stream.size(); i += 4096) {
      reader.Feed(std::string_view(stream).substr(i, 4096));
      while (auto line = reader.Next()) frames += line->kind == protocol::LineKind::kFrame;
    }
    benchmark::DoNotOptimize(frames);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_FrameReaderNoisyStream)->Unit(benchmark::kMillisecond);

void BM_GuestWatchNoisyStream(benchmark::State& state) {
  std::string stream = NoisyStream(4 << 20);
  for (auto _ : state) {
    bridge::GuestWatch watch({nullptr, nullptr, nullptr});
    for (size_t i = 0; i < stream.size(); i += 4096) {
      watch.Feed(std::string_view(stream).substr(i, 4096));
    }
    benchmark::DoNotOptimize(watch.dropped_frames());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_GuestWatchNoisyStream)->Unit(benchmark::kMillisecond);

void BM_DecodeReadyEvent(benchmark::State& state) {
  protocol::Event ready;
  ready.type = protocol::EventType::kReady;
  ready.seq = 9;
  for (int i = 0; i < 8; ++i) {
    protocol::StepResult step;
    step.name = "step" + std::to_string(i);
    step.changes = {"+ /dev/ubdb b 98:16", "+ /dev/ubd/1 b 98:16"};
    ready.ready.steps.push_back(step);
  }
  std::string json = protocol::EncodeEvent(ready);
  for (auto _ : state) benchmark::DoNotOptimize(protocol::DecodeEvent(json));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_DecodeReadyEvent);

// An fstab of 10,000 lines (entries, comments, odd spacing): parse and render back.
void BM_FstabParseRender10k(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 10000; ++i) {
    if (i % 10 == 0) text += "# comment " + std::to_string(i) + "\n";
    else if (i % 3 == 0) text += "UUID=" + std::to_string(i) + "\t/srv/" + std::to_string(i) + " ext4 defaults 0 2\n";
    else text += "/dev/ubd/" + std::to_string(i % 8) + "  none   swap  sw  0  0\n";
  }
  for (auto _ : state) {
    agent::FstabFile file = agent::ParseFstab(text);
    benchmark::DoNotOptimize(agent::RenderFstab(file));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_FstabParseRender10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
