#pragma once
// DER identifier octets as Kerberos uses them: universal types, [n] EXPLICIT
// context tags and [APPLICATION n] tags, all with tag numbers below 31 (one
// identifier byte).

#include <cstdint>
#include <string>

namespace krbkit::der::tag {

inline constexpr std::uint8_t boolean = 0x01;
inline constexpr std::uint8_t integer = 0x02;
inline constexpr std::uint8_t bit_string = 0x03;
inline constexpr std::uint8_t octet_string = 0x04;
inline constexpr std::uint8_t object_identifier = 0x06;
inline constexpr std::uint8_t generalized_time = 0x18;
inline constexpr std::uint8_t general_string = 0x1b;
inline constexpr std::uint8_t sequence = 0x30;  // constructed

inline constexpr std::uint8_t kConstructed = 0x20;

// [n] EXPLICIT: context class, constructed.
constexpr std::uint8_t context(unsigned n) { return static_cast<std::uint8_t>(0xa0 | n); }
// [APPLICATION n]: application class, constructed.
constexpr std::uint8_t application(unsigned n) { return static_cast<std::uint8_t>(0x60 | n); }

// "[2]", "[APPLICATION 30]", "SEQUENCE", "INTEGER", or "tag 0x..": for error messages.
std::string describe(std::uint8_t tag_byte);

}  // namespace krbkit::der::tag
