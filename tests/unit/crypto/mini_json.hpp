#pragma once
// A small JSON reader for the test vectors (objects, arrays, strings, numbers,
// true/false/null). Throws std::runtime_error with the offset on bad input.

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace minijson {

struct Value;
using Object = std::map<std::string, Value, std::less<>>;
using Array = std::vector<Value>;

struct Value {
  std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>> v;

  bool is_object() const { return v.index() == 5; }
  bool is_array() const { return v.index() == 4; }
  bool has(std::string_view key) const { return is_object() && object().find(key) != object().end(); }
  const Object& object() const { return *std::get<5>(v); }
  const Array& array() const { return *std::get<4>(v); }
  const std::string& str() const { return std::get<3>(v); }
  std::int64_t integer() const { return static_cast<std::int64_t>(std::get<2>(v)); }
  bool boolean() const { return std::get<1>(v); }
  const Value& operator[](std::string_view key) const {
    auto it = object().find(key);
    if (it == object().end()) throw std::runtime_error("JSON: no member " + std::string(key));
    return it->second;
  }
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}
  Value parse() {
    Value v = value();
    ws();
    if (i_ != s_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(i_));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  char peek() {
    ws();
    if (i_ >= s_.size()) fail("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  Value value() {
    char c = peek();
    if (c == '{') return Value{std::make_shared<Object>(object())};
    if (c == '[') return Value{std::make_shared<Array>(array())};
    if (c == '"') return Value{string()};
    if (literal("true")) return Value{true};
    if (literal("false")) return Value{false};
    if (literal("null")) return Value{nullptr};
    return Value{number()};
  }
  Object object() {
    Object o;
    expect('{');
    if (peek() == '}') {
      ++i_;
      return o;
    }
    for (;;) {
      if (peek() != '"') fail("expected a member name");
      std::string key = string();
      expect(':');
      o.emplace(std::move(key), value());
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}');
      return o;
    }
  }
  Array array() {
    Array a;
    expect('[');
    if (peek() == ']') {
      ++i_;
      return a;
    }
    for (;;) {
      a.push_back(value());
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect(']');
      return a;
    }
  }
  double number() {
    std::size_t start = i_;
    while (i_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[i_]) != std::string_view::npos) ++i_;
    if (start == i_) fail("unexpected character");
    return std::stod(std::string(s_.substr(start, i_ - start)));
  }
  void utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  std::uint32_t hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    std::uint32_t v = static_cast<std::uint32_t>(std::stoul(std::string(s_.substr(i_, 4)), nullptr, 16));
    i_ += 4;
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("bad escape");
      char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00 && literal("\\u"))
            cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4() - 0xdc00);
          utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
    if (i_ >= s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline Value parse(std::string_view text) { return Parser(text).parse(); }

inline Value parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str());
}

}  // namespace minijson
