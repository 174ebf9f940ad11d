#pragma once
// What kadmin's and ktutil's interpreters share: a request table, one row a
// request {names, summary, options, handler}, the lookup of a typed word in
// it, the "?" listing MIT's ss library prints from it, and the plain lists of
// request names and options that completion at the prompt takes.
//
//   constexpr std::array<Request<Kt>, 2> kTable{{
//       {{"list", "l"}, "List the current keylist.", "-t -k -e", &Kt::list},
//       {{"quit", "exit", "q"}, "Exit program.", "", &Kt::quit}}};
//   if (auto* r = find_request(kTable, words[0])) (kt.*r->handler)(words);

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::shell {

using Words = std::vector<std::string>;

enum class Outcome { ok, failed, quit };

// The terminal, as the app owns it: output, prompts and confirmations.
struct Io {
  std::function<void(std::string_view)> out;  // standard output, text as is
  std::function<void(std::string_view)> err;  // one error or warning line, no trailing newline
  // One secret line read after showing `prompt` (no echo on a terminal).
  std::function<Result<SecretBytes>(const std::string& prompt)> secret;
  // Asks a yes/no question; returns the answer line ("yes").
  std::function<std::string(const std::string& question)> ask;
};

template <class Interpreter>
struct Request {
  std::array<std::string_view, 4> names;  // primary first; unused ones empty
  std::string_view summary;               // the line "?" prints
  std::string_view options;               // for completion: "-t -k -e"
  Outcome (Interpreter::*handler)(const Words&);
};

template <class Interpreter, std::size_t N>
const Request<Interpreter>* find_request(const std::array<Request<Interpreter>, N>& table,
                                         std::string_view word) {
  for (const auto& r : table)
    for (auto n : r.names)
      if (!n.empty() && n == word) return &r;
  return nullptr;
}

// Every name and alias of every request, table order.
template <class Interpreter, std::size_t N>
std::vector<std::string_view> names_of(const std::array<Request<Interpreter>, N>& table) {
  std::vector<std::string_view> out;
  for (const auto& r : table)
    for (auto n : r.names)
      if (!n.empty()) out.push_back(n);
  return out;
}

// The options the request named `word` takes ("" for none or an unknown word).
template <class Interpreter, std::size_t N>
std::vector<std::string_view> options_of(const std::array<Request<Interpreter>, N>& table,
                                         std::string_view word) {
  std::vector<std::string_view> out;
  const auto* r = find_request(table, word);
  if (!r) return out;
  std::string_view rest = r->options;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    out.push_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  }
  return out;
}

// One line of MIT's request listing: "names, aliases" padded to 25 columns
// (a longer list of names on a line of its own), then the summary.
std::string request_line(const std::array<std::string_view, 4>& names, std::string_view summary);

template <class Interpreter, std::size_t N>
std::string request_listing(std::string_view program, const std::array<Request<Interpreter>, N>& table) {
  std::string s = "Available " + std::string(program) + " requests:\n\n";
  for (const auto& r : table) s += request_line(r.names, r.summary);
  return s;
}

// Splits a request line into words as MIT's ss library does: blanks
// separate, double quotes group ("" is an empty word).
Words split_request(std::string_view line);

}  // namespace krbkit::shell
