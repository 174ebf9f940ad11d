#include "krbkit/base/json.hpp"

#include <cassert>
#include <nlohmann/json.hpp>

namespace krbkit::json {
namespace {

using Document = nlohmann::ordered_json;

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

// nlohmann's dump copies DEL and U+2028/U+2029 as they are, and (with its
// replace handler) writes broken UTF-8 as one raw U+FFFD per sequence; the
// tools write \u007f, \u2028, \u2029 and one \ufffd per byte. Those places
// are marked in the text handed to nlohmann by DEL and a letter (a real DEL
// is marked too, so every DEL in the dump is a mark) and expanded after it.
constexpr char kMark = '\x7f';

std::string marked(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto mark = [&out](char what) {
    out += kMark;
    out += what;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t len = text[i] == kMark ? 0 : utf8_sequence(text.substr(i));
    const auto seq = text.substr(i, len == 0 ? 1 : len);
    if (text[i] == kMark) {
      mark('d');
    } else if (len == 0) {
      mark('r');  // not UTF-8: U+FFFD REPLACEMENT CHARACTER
    } else if (seq == "\xE2\x80\xA8") {
      mark('l');
    } else if (seq == "\xE2\x80\xA9") {
      mark('p');
    } else {
      out += seq;
    }
    i += seq.size();
  }
  return out;
}

std::string unmarked(std::string dumped) {
  if (dumped.find(kMark) == std::string::npos) return dumped;
  std::string out;
  out.reserve(dumped.size() + 16);
  for (std::size_t i = 0; i < dumped.size(); ++i) {
    if (dumped[i] != kMark || i + 1 == dumped.size()) {
      out += dumped[i];
      continue;
    }
    switch (dumped[++i]) {
      case 'd': out += "\\u007f"; break;
      case 'r': out += "\\ufffd"; break;
      case 'l': out += "\\u2028"; break;
      default: out += "\\u2029"; break;
    }
  }
  return out;
}

}  // namespace

std::string quote(std::string_view text) { return unmarked(Document(marked(text)).dump()); }

Writer::Writer(int indent) : document_(std::make_unique<Document>()), indent_(indent) {}
Writer::~Writer() = default;
Writer::Writer(Writer&&) noexcept = default;
Writer& Writer::operator=(Writer&&) noexcept = default;

Document& Writer::next_slot() {
  if (open_.empty()) {
    assert(!started_ && "one top-level value only");
    started_ = true;
    return *document_;
  }
  Document& container = *open_.back();
  if (container.is_array()) {
    assert(!after_key_);
    container.push_back(nullptr);
    return container.back();
  }
  assert(after_key_ && "a value inside an object needs a key");
  assert(!container.contains(key_) && "a key once per object");
  after_key_ = false;
  return container[key_];
}

Writer& Writer::key(std::string_view name) {
  assert(!open_.empty() && open_.back()->is_object() && !after_key_);
  key_ = marked(name);
  after_key_ = true;
  return *this;
}

// Pointers into the document stay valid: a container only grows while it is
// the innermost open one, and nothing is open inside it then.
void Writer::open(Document&& empty_container) {
  Document& slot = next_slot();
  slot = std::move(empty_container);
  assert((schema_ == 0 || !open_.empty() || slot.is_object()) && "a document with a schema is an object");
  if (schema_ > 0 && open_.empty()) slot["schema"] = schema_;
  open_.push_back(&slot);
}

Writer& Writer::schema(int version) {
  assert(!started_ && "the schema goes before the document");
  schema_ = version;
  return *this;
}

void Writer::close([[maybe_unused]] bool object) {
  assert(!open_.empty() && open_.back()->is_object() == object && !after_key_);
  open_.pop_back();
}

Writer& Writer::begin_object() {
  open(Document::object());
  return *this;
}
Writer& Writer::begin_array() {
  open(Document::array());
  return *this;
}
Writer& Writer::end_object() {
  close(true);
  return *this;
}
Writer& Writer::end_array() {
  close(false);
  return *this;
}

Writer& Writer::value(std::string_view text) {
  next_slot() = marked(text);
  return *this;
}

Writer& Writer::value(std::int64_t number) {
  next_slot() = number;
  return *this;
}

Writer& Writer::value(std::uint64_t number) {
  next_slot() = number;
  return *this;
}

Writer& Writer::value(bool flag) {
  next_slot() = flag;
  return *this;
}

Writer& Writer::null() {
  next_slot() = nullptr;
  return *this;
}

std::string Writer::finish() {
  assert(open_.empty() && started_ && !after_key_);
  std::string text = unmarked(document_->dump(indent_ > 0 ? indent_ : -1));
  text += '\n';
  return text;
}

}  // namespace krbkit::json
