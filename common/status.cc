#include "common/status.h"

#include <cstring>

namespace umla {

Status Status::FromErrno(std::string_view what, int err) {
  std::string message(what);
  message += ": ";
  message += std::strerror(err);
  return Status(std::move(message));
}

const std::string& Status::message() const {
  static const std::string kOk = "ok";
  return message_ ? *message_ : kOk;
}

Status Status::Annotate(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += *message_;
  return Status(std::move(message));
}

Status JoinErrors(const std::vector<std::string>& errors) {
  if (errors.empty()) return Status::Ok();
  std::string message;
  for (const std::string& error : errors) message += (message.empty() ? "" : "; ") + error;
  return Status::Error(message);
}

}  // namespace umla
