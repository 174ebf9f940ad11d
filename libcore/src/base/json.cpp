#include "krbkit/base/json.hpp"

#include <cassert>
#include <cstdio>

namespace krbkit::json {
namespace {

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if the bytes
// there are not one (overlong forms, surrogates and values above U+10FFFF
// are invalid too).
std::size_t utf8_sequence(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return len;
}

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\b':
        out += "\\b";
        ++i;
        continue;
      case '\f':
        out += "\\f";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence(text.substr(i));
    if (len == 0) {
      out += "\\ufffd";  // not UTF-8: U+FFFD REPLACEMENT CHARACTER
      ++i;
      continue;
    }
    const auto seq = text.substr(i, len);
    if (seq == "\xE2\x80\xA8") {
      out += "\\u2028";
    } else if (seq == "\xE2\x80\xA9") {
      out += "\\u2029";
    } else {
      out += seq;
    }
    i += len;
  }
  out += '"';
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_escaped(out, text);
  return out;
}

void Writer::newline() {
  if (indent_ <= 0) return;
  out_ += '\n';
  out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
}

void Writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) {
    assert(out_.empty() && "one top-level value only");
    return;
  }
  assert(stack_.back() == Frame::array && "a value inside an object needs a key");
  if (has_items_.back()) out_ += ',';
  has_items_.back() = true;
  newline();
}

Writer& Writer::key(std::string_view name) {
  assert(!stack_.empty() && stack_.back() == Frame::object && !after_key_);
  if (has_items_.back()) out_ += ',';
  has_items_.back() = true;
  newline();
  append_escaped(out_, name);
  out_ += indent_ > 0 ? ": " : ":";
  after_key_ = true;
  return *this;
}

void Writer::open(Frame frame, char bracket) {
  before_value();
  out_ += bracket;
  stack_.push_back(frame);
  has_items_.push_back(false);
}

void Writer::close([[maybe_unused]] Frame frame, char bracket) {
  assert(!stack_.empty() && stack_.back() == frame && !after_key_);
  const bool items = has_items_.back();
  stack_.pop_back();
  has_items_.pop_back();
  if (items) newline();
  out_ += bracket;
}

Writer& Writer::begin_object() {
  open(Frame::object, '{');
  return *this;
}
Writer& Writer::begin_array() {
  open(Frame::array, '[');
  return *this;
}
Writer& Writer::end_object() {
  close(Frame::object, '}');
  return *this;
}
Writer& Writer::end_array() {
  close(Frame::array, ']');
  return *this;
}

Writer& Writer::value(std::string_view text) {
  before_value();
  append_escaped(out_, text);
  return *this;
}

Writer& Writer::value(std::int64_t number) {
  before_value();
  out_ += std::to_string(number);
  return *this;
}

Writer& Writer::value(std::uint64_t number) {
  before_value();
  out_ += std::to_string(number);
  return *this;
}

Writer& Writer::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

Writer& Writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

std::string Writer::finish() {
  assert(stack_.empty() && !after_key_ && !out_.empty());
  out_ += '\n';
  return std::move(out_);
}

}  // namespace krbkit::json
