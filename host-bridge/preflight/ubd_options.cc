#include "host-bridge/preflight/ubd_options.h"

#include <cstdio>

#include "common/strings.h"
#include "host-bridge/guest/kernel_args.h"

namespace umla::bridge {
namespace {

constexpr int kMaxUbdUnits = 16;  // MAX_DEV in ubd_kern.c

// The kernel splits FILE, BACKING and SERIAL on ',' or ':'.
std::vector<std::string> SplitFields(std::string_view text) {
  std::vector<std::string> fields(1);
  for (char c : text) {
    if (c == ',' || c == ':') fields.emplace_back();
    else fields.back() += c;
  }
  return fields;
}

}  // namespace

std::optional<Result<UbdOption>> ParseUbdArg(std::string_view arg) {
  if (!StartsWith(arg, "ubd") || arg.size() < 5 || arg[3] == '=') return std::nullopt;
  size_t equals = arg.find('=');
  if (equals == std::string_view::npos) return std::nullopt;
  std::string_view key = arg.substr(3, equals - 3);
  auto bad = [&](const std::string& why) {
    return Result<UbdOption>(Status::Error("kernel argument \"" + std::string(arg) + "\": " + why));
  };
  UbdOption option;
  size_t pos = 0;
  if (key[0] >= 'a' && key[0] <= 'z') {
    option.unit = key[0] - 'a';
    pos = 1;
  } else {
    while (pos < key.size() && key[pos] >= '0' && key[pos] <= '9') pos++;
    auto unit = ParseUnsigned(key.substr(0, pos), 1000);
    if (!unit) return bad("no device number after ubd");
    option.unit = static_cast<int>(*unit);
  }
  if (option.unit >= kMaxUbdUnits) return bad("device number above 15");
  for (char flag : key.substr(pos)) {
    switch (flag) {
      case 'r': option.read_only = true; break;
      case 's': option.sync = true; break;
      case 'd': option.no_cow = true; break;
      case 'c': option.shared = true; break;
      case 't': option.no_trim = true; break;
      default: return bad(std::string("unknown flag '") + flag + "' (r, s, d, c or t)");
    }
  }
  std::vector<std::string> fields = SplitFields(arg.substr(equals + 1));
  if (fields.size() > 3) return bad("more than FILE,BACKING,SERIAL");
  option.file = fields[0];
  if (fields.size() > 1) option.backing = fields[1];
  if (fields.size() > 2) option.serial = fields[2];
  if (option.file.empty()) return bad("no file");
  if (option.no_cow && option.cow()) return bad("flag d and a backing file exclude each other");
  return Result<UbdOption>(option);
}

std::string RenderUbdArg(const UbdOption& option) {
  std::string arg = "ubd" + std::to_string(option.unit);
  if (option.read_only) arg += 'r';
  if (option.sync) arg += 's';
  if (option.no_cow) arg += 'd';
  if (option.shared) arg += 'c';
  if (option.no_trim) arg += 't';
  arg += "=" + option.file;
  if (option.cow() || !option.serial.empty()) arg += "," + option.backing;
  if (!option.serial.empty()) arg += "," + option.serial;
  return arg;
}

Result<std::vector<UbdOption>> FindUbdOptions(const std::vector<std::string>& args) {
  std::vector<UbdOption> options;
  for (const auto& arg : args) {
    if (arg == "--") break;
    auto parsed = ParseUbdArg(arg);
    if (!parsed) continue;
    if (!parsed->ok()) return parsed->status();
    for (const auto& seen : options) {
      if (seen.unit == (*parsed)->unit) {
        return Status::Error("kernel argument \"" + arg + "\": ubd" +
                             std::to_string(seen.unit) + " is already given");
      }
    }
    options.push_back(**parsed);
  }
  return options;
}

std::optional<int> RootUbdUnit(const std::vector<std::string>& args) {
  std::optional<std::string> root = FindKernelArg(args, "root");
  if (!root) return 0;
  std::string_view device = *root;
  if (StartsWith(device, "98:")) {
    auto minor = ParseUnsigned(device.substr(3), 255);
    if (!minor || *minor % 16 != 0) return std::nullopt;
    return static_cast<int>(*minor / 16);
  }
  for (std::string_view prefix : {"/dev/ubd/", "/dev/ubd"}) {
    if (!StartsWith(device, prefix)) continue;
    std::string_view rest = device.substr(prefix.size());
    if (rest.size() == 1 && rest[0] >= 'a' && rest[0] <= 'p') return rest[0] - 'a';
    if (auto unit = ParseUnsigned(rest, kMaxUbdUnits - 1)) return static_cast<int>(*unit);
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<uint64_t> ParseMemSize(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int shift = 0;
  switch (text.back()) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    default: break;
  }
  if (shift) text.remove_suffix(1);
  auto number = ParseUnsigned(text, UINT64_MAX >> shift);
  if (!number) return std::nullopt;
  return *number << shift;
}

uint64_t GuestMemBytes(const std::vector<std::string>& args) {
  std::optional<std::string> mem = FindKernelArg(args, "mem");
  std::optional<uint64_t> bytes = mem ? ParseMemSize(*mem) : std::nullopt;
  return bytes.value_or(kUmlDefaultMem);
}

std::string FormatBytes(uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    unit++;
  }
  char text[32];
  if (unit == 0 || value >= 100 || value == static_cast<double>(static_cast<uint64_t>(value))) {
    std::snprintf(text, sizeof text, "%.0f %s", value, units[unit]);
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  }
  return text;
}

}  // namespace umla::bridge
