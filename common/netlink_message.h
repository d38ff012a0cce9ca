// rtnetlink message encoding and decoding: a request builder (header, fixed payload,
// attributes, nested attributes) and bounded attribute parsing of replies. Pure: no
// socket here (common/netlink.cc sends and receives).
#pragma once

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "common/ipv4.h"

namespace umla::netlink {

// Builds one request: header, fixed payload, then attributes (nested ones patched
// with their length when closed).
class Request {
 public:
  // NLM_F_REQUEST is always set; `flags` adds NLM_F_ACK, NLM_F_DUMP, NLM_F_CREATE...
  Request(uint16_t type, uint16_t flags) {
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags);
    Append(&header, sizeof header);
  }
  template <typename T>
  void Payload(const T& payload) { Append(&payload, sizeof payload); }
  void Attr(uint16_t type, const void* data, size_t size) {
    rtattr attr{};
    attr.rta_type = type;
    attr.rta_len = static_cast<uint16_t>(RTA_LENGTH(size));
    Append(&attr, sizeof attr);
    Append(data, size);
  }
  void U32(uint16_t type, uint32_t value) { Attr(type, &value, sizeof value); }
  void Address(uint16_t type, Ipv4 address) {
    uint32_t network = htonl(address);
    Attr(type, &network, sizeof network);
  }
  void String(uint16_t type, const std::string& text) { Attr(type, text.c_str(), text.size() + 1); }
  size_t Begin(uint16_t type) {
    size_t at = buffer_.size();
    Attr(type, nullptr, 0);
    return at;
  }
  void End(size_t at) {
    auto* attr = reinterpret_cast<rtattr*>(&buffer_[at]);
    attr->rta_len = static_cast<uint16_t>(buffer_.size() - at);
  }
  std::string Finish(uint32_t seq) {
    auto* header = reinterpret_cast<nlmsghdr*>(&buffer_[0]);
    header->nlmsg_len = static_cast<uint32_t>(buffer_.size());
    header->nlmsg_seq = seq;
    return buffer_;
  }

 private:
  void Append(const void* data, size_t size) {
    if (size) buffer_.append(static_cast<const char*>(data), size);
    buffer_.resize(NLMSG_ALIGN(buffer_.size()), '\0');
  }
  std::string buffer_;
};

// Attributes of one message after its fixed payload of `payload_size` bytes; an
// attribute whose length runs past the message ends the walk (never reads past it).
inline std::map<uint16_t, std::string_view> Attributes(std::string_view message, size_t payload_size) {
  std::map<uint16_t, std::string_view> attrs;
  size_t offset = NLMSG_LENGTH(payload_size);
  offset = NLMSG_ALIGN(offset);
  while (offset + sizeof(rtattr) <= message.size()) {
    rtattr attr;
    std::memcpy(&attr, message.data() + offset, sizeof attr);
    if (attr.rta_len < sizeof attr || offset + attr.rta_len > message.size()) break;
    attrs[attr.rta_type & NLA_TYPE_MASK] =
        message.substr(offset + RTA_LENGTH(0), attr.rta_len - RTA_LENGTH(0));
    offset += RTA_ALIGN(attr.rta_len);
  }
  return attrs;
}

template <typename T>
inline T Fixed(std::string_view message) {
  T value{};
  if (message.size() >= NLMSG_LENGTH(sizeof(T))) {
    std::memcpy(&value, message.data() + NLMSG_HDRLEN, sizeof(T));
  }
  return value;
}

inline uint32_t U32Of(const std::map<uint16_t, std::string_view>& attrs, uint16_t type) {
  auto it = attrs.find(type);
  if (it == attrs.end() || it->second.size() < 4) return 0;
  uint32_t value;
  std::memcpy(&value, it->second.data(), 4);
  return value;
}

inline Ipv4 AddressOf(const std::map<uint16_t, std::string_view>& attrs, uint16_t type) {
  return ntohl(U32Of(attrs, type));
}

inline std::string StringOf(const std::map<uint16_t, std::string_view>& attrs, uint16_t type) {
  auto it = attrs.find(type);
  if (it == attrs.end()) return "";
  std::string_view text = it->second;
  return std::string(text.substr(0, text.find('\0')));
}

}  // namespace umla::netlink
