#pragma once
// The tools' --json output, written member by member: the document is built
// with nlohmann/json (an ordered_json, members in the order written) and
// dumped by it.
//
//   json::Writer w;
//   w.begin_object();
//   w.member("cache", "FILE:/tmp/krb5cc_1000");
//   w.key("credentials").begin_array();
//   ...
//   w.end_array().end_object();
//   std::string text = w.finish();   // pretty-printed, ends with "\n"
//
// Strings are escaped per RFC 8259: '"', '\\' and control characters are
// escaped (\n \t ... or \u00XX), DEL as \u007f, U+2028/U+2029 as
// \u2028/\u2029, and each byte that is not valid UTF-8 becomes \ufffd, so the
// output always parses. nlohmann's dump does the first part; the rest is done
// here, so the output is byte for byte what the tools wrote before nlohmann.
// Commas and indentation are nlohmann's; misuse (a value where a key is due,
// unbalanced ends) is a programming error caught by assert().

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace krbkit::json {

// `text` as a JSON string literal, quotes included.
std::string quote(std::string_view text);

class Writer {
 public:
  // indent = 0 writes everything on one line.
  explicit Writer(int indent = 2);
  ~Writer();
  Writer(Writer&&) noexcept;
  Writer& operator=(Writer&&) noexcept;

  // The document's schema version (man/krbkit-json.7), written as the
  // first member, "schema": N, of the top-level object. Call before the
  // first value.
  Writer& schema(int version);

  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  // The key of the next member (inside an object).
  Writer& key(std::string_view name);

  Writer& value(std::string_view text);
  Writer& value(const char* text) { return value(std::string_view{text}); }
  Writer& value(const std::string& text) { return value(std::string_view{text}); }
  Writer& value(std::int64_t number);
  Writer& value(int number) { return value(static_cast<std::int64_t>(number)); }
  Writer& value(std::uint32_t number) { return value(static_cast<std::int64_t>(number)); }
  Writer& value(std::uint64_t number);
  Writer& value(bool flag);
  Writer& null();

  // key(name).value(v) in one call.
  template <class T>
  Writer& member(std::string_view name, const T& v) {
    return key(name).value(v);
  }

  // The document, with a final newline. The writer must be back at the top level.
  std::string finish();

 private:
  // Where the next value goes: the top, the next element of the open array,
  // or the member of the open object named by the last key().
  nlohmann::ordered_json& next_slot();
  void open(nlohmann::ordered_json&& empty_container);
  void close(bool object);

  std::unique_ptr<nlohmann::ordered_json> document_;
  std::vector<nlohmann::ordered_json*> open_;  // the containers begun and not ended, innermost last
  std::string key_;
  bool after_key_ = false;
  bool started_ = false;
  int indent_;
  int schema_ = 0;  // 0: no "schema" member
};

}  // namespace krbkit::json
