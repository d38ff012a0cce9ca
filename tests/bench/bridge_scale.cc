// Scale of one bridge process: N simulated guests over socketpairs, each sending what
// an agent sends (hello, steps, ready) from writer threads, all watched by one
// GuestSet (epoll). Prints CPU time and memory per guest, events missed, and the
// detection latency (guest write -> bridge event) median and p99.
//   bridge_scale [GUESTS] [STEPS] [SPREAD_MS]
// Default 1000 guests, 5 steps each, all at once (SPREAD_MS 0: a burst of ~70,000
// events a second, where the latency is mostly the queue in front of the one reader);
// with SPREAD_MS the guests start evenly over that many milliseconds, as guests booted
// by one host over a few seconds would.
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "host-bridge/commands/guest_set.h"
#include "protocol/events.h"
#include "protocol/frame.h"

namespace {

using namespace umla;

uint64_t Wall() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

long RssKb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
  }
  return 0;
}

double CpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void SendEvent(int fd, protocol::Event event) {
  event.wall_us = Wall();
  std::string frame = protocol::EncodeFrame(protocol::EncodeEvent(event));
  ssize_t ignored = write(fd, frame.data(), frame.size());
  (void)ignored;
}

// One simulated agent: what `uml-agent boot` sends, with a little time between events.
void Agent(int fd, int steps, int index) {
  protocol::Event event;
  event.type = protocol::EventType::kHello;
  event.seq = 1;
  event.hello = {"bench", "6.1", "boot-" + std::to_string(index), "boot", 1000};
  SendEvent(fd, event);
  protocol::Ready ready;
  for (int s = 0; s < steps; ++s) {
    protocol::Event step;
    step.type = protocol::EventType::kStep;
    step.seq = static_cast<uint64_t>(2 + s);
    step.step.name = "step" + std::to_string(s);
    step.step.changes = {"+ /dev/ubdb b 98:16"};
    ready.steps.push_back(step.step);
    SendEvent(fd, step);
    usleep(200);
  }
  protocol::Event done;
  done.type = protocol::EventType::kReady;
  done.seq = static_cast<uint64_t>(2 + steps);
  done.ready = ready;
  SendEvent(fd, done);
}

}  // namespace

int main(int argc, char** argv) {
  int guests = argc > 1 ? std::atoi(argv[1]) : 1000;
  int steps = argc > 2 ? std::atoi(argv[2]) : 5;
  int spread_ms = argc > 3 ? std::atoi(argv[3]) : 0;
  struct rlimit files = {65536, 65536};
  setrlimit(RLIMIT_NOFILE, &files);

  std::vector<uint64_t> latencies;
  bridge::WatchOptions options;
  options.timeout_s = 120;
  options.quiet = true;
  bridge::Session session(options);
  latencies.reserve(static_cast<size_t>(guests) * static_cast<size_t>(steps + 2));
  session.SetEventTap([&](const nlohmann::json& event) {
    latencies.push_back(event.value("host_latency_us", uint64_t{0}));
  });
  long rss_before = RssKb();
  bridge::GuestSet set(session);
  std::vector<int> agent_ends;
  for (int i = 0; i < guests; ++i) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      std::perror("socketpair");
      return 1;
    }
    if (!set.Add("g" + std::to_string(i), pair[0]).ok()) return 1;
    agent_ends.push_back(pair[1]);
  }
  long rss_watching = RssKb();

  double cpu_before = CpuSeconds();
  // Writers run in one thread per 100 guests: many agents talking at once.
  std::vector<std::thread> writers;
  uint64_t begin_us = Wall();
  for (int start = 0; start < guests; start += 100) {
    writers.emplace_back([&, start] {
      for (int i = start; i < std::min(guests, start + 100); ++i) {
        // Guest i starts at its share of the spread (interleaved over the threads).
        uint64_t due = begin_us + static_cast<uint64_t>(spread_ms) * 1000u *
                                      static_cast<uint64_t>(i % 100 * 10 + i / 100) /
                                      static_cast<uint64_t>(guests);
        uint64_t now = Wall();
        if (due > now) usleep(static_cast<useconds_t>(due - now));
        Agent(agent_ends[static_cast<size_t>(i)], steps, i);
      }
    });
  }
  set.Run();
  for (auto& writer : writers) writer.join();
  double cpu = CpuSeconds() - cpu_before;
  long rss_after = RssKb();

  size_t ready = set.ready_count();
  std::printf("guests: %d, steps each: %d, started over %d ms\n", guests, steps, spread_ms);
  std::printf("ready events seen: %zu (missed: %zu)\n", ready, static_cast<size_t>(guests) - ready);
  std::printf("memory per watched guest: %.1f KiB (idle), %.1f KiB (after all events)\n",
              static_cast<double>(rss_watching - rss_before) / guests,
              static_cast<double>(rss_after - rss_before) / guests);
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    std::printf("events: %zu; detection latency (guest write -> bridge event): median %lu us, "
                "p99 %lu us, max %lu us\n",
                latencies.size(), static_cast<unsigned long>(latencies[latencies.size() / 2]),
                static_cast<unsigned long>(latencies[latencies.size() * 99 / 100]),
                static_cast<unsigned long>(latencies.back()));
  }
  std::printf("CPU time (whole process, writers included): %.3f s, %.1f us per guest\n", cpu,
              cpu * 1e6 / guests);
  for (int fd : agent_ends) close(fd);
  return ready == static_cast<size_t>(guests) ? 0 : 1;
}
