#pragma once
// A small streaming JSON writer for the tools' --json output.
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
// escaped (\n \t ... or \u00XX), U+2028/U+2029 as \u2028/\u2029, and bytes
// that are not valid UTF-8 become U+FFFD, so the output always parses.
// Commas and indentation are handled by the writer; misuse (a value where a
// key is due, unbalanced ends) is a programming error caught by assert().

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace krbkit::json {

// `text` as a JSON string literal, quotes included.
std::string quote(std::string_view text);

class Writer {
 public:
  // indent = 0 writes everything on one line.
  explicit Writer(int indent = 2) : indent_(indent) {}

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
  enum class Frame { object, array };
  void before_value();
  void open(Frame frame, char bracket);
  void close(Frame frame, char bracket);
  void newline();

  std::string out_;
  std::vector<Frame> stack_;
  std::vector<bool> has_items_;
  bool after_key_ = false;
  int indent_;
};

}  // namespace krbkit::json
