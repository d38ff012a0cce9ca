// One error convention for every layer: a Status is ok or carries a message that
// already names the file, line, key or device it is about (and the errno text).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace umla {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }
  // "<what>: <strerror(err)>", e.g. "open /etc/fstab: Permission denied".
  static Status FromErrno(std::string_view what, int err);

  bool ok() const { return !message_.has_value(); }
  const std::string& message() const;
  // Prefixes the message with context ("fstab step: " + message); ok stays ok.
  Status Annotate(std::string_view context) const;

 private:
  explicit Status(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> message_;
};

// The errors of parts that failed, joined with "; " (each names its own file or
// device); ok when there are none.
Status JoinErrors(const std::vector<std::string>& errors);

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  // The value, or `fallback` when there is none (for sources where "unreadable" and
  // "empty" mean the same, such as /proc before it is mounted).
  T value_or(T fallback) const& { return value_ ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  Status status_ = Status::Error("no value");
};

}  // namespace umla
