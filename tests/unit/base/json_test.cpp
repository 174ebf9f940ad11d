#include "krbkit/base/json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using krbkit::json::quote;
using krbkit::json::Writer;

TEST_CASE("json::quote escapes what RFC 8259 requires") {
  CHECK(quote("plain") == "\"plain\"");
  CHECK(quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quote("l1\nl2\tx\r\b\f") == "\"l1\\nl2\\tx\\r\\b\\f\"");
  CHECK(quote(std::string_view("\0\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\\u007f\"");
  // Valid UTF-8 passes through; U+2028/2029 are escaped for JavaScript readers.
  CHECK(quote("gr\xC3\xBC\xC3\x9F") == "\"gr\xC3\xBC\xC3\x9F\"");
  CHECK(quote("\xF0\x9F\x94\x91") == "\"\xF0\x9F\x94\x91\"");
  CHECK(quote("a\xE2\x80\xA8"
              "b") == "\"a\\u2028b\"");
  // Invalid UTF-8 (stray continuation, overlong, surrogate, truncated) becomes U+FFFD.
  CHECK(quote("x\x80y") == "\"x\\ufffdy\"");
  CHECK(quote("\xC0\xAF") == "\"\\ufffd\\ufffd\"");
  CHECK(quote("\xED\xA0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");
  CHECK(quote("\xE2\x82") == "\"\\ufffd\\ufffd\"");
}

TEST_CASE("json::Writer output parses back to the same values") {
  Writer w;
  w.begin_object();
  w.member("name", "alice@KRBKIT.TEST");
  w.member("weird", std::string("q\"\\\n\x01\xff", 6));
  w.member("epoch", std::int64_t{1795314900});
  w.member("negative", -5);
  w.member("big", std::uint64_t{4294967296});
  w.member("yes", true);
  w.key("nothing").null();
  w.key("empty_list").begin_array().end_array();
  w.key("empty_object").begin_object().end_object();
  w.key("list").begin_array();
  w.value("a").value(2);
  w.begin_object().member("k", "v").end_object();
  w.end_array();
  w.end_object();
  const std::string text = w.finish();
  CAPTURE(text);
  REQUIRE(text.back() == '\n');

  const auto doc = nlohmann::json::parse(text);
  CHECK(doc.at("name").get<std::string>() == "alice@KRBKIT.TEST");
  CHECK(doc.at("weird").get<std::string>() == "q\"\\\n\x01\xEF\xBF\xBD");
  CHECK(doc.at("epoch").get<std::int64_t>() == 1795314900);
  CHECK(doc.at("negative").get<std::int64_t>() == -5);
  CHECK(doc.at("big").get<std::int64_t>() == 4294967296);
  CHECK(doc.at("yes").get<bool>());
  CHECK(doc.at("nothing").is_null());
  CHECK(doc.at("empty_list").get_ref<const nlohmann::json::array_t&>().empty());
  CHECK(doc.at("empty_object").get_ref<const nlohmann::json::object_t&>().empty());
  REQUIRE(doc.at("list").get_ref<const nlohmann::json::array_t&>().size() == 3);
  CHECK(doc.at("list").get_ref<const nlohmann::json::array_t&>()[0].get<std::string>() == "a");
  CHECK(doc.at("list").get_ref<const nlohmann::json::array_t&>()[1].get<std::int64_t>() == 2);
  CHECK(doc.at("list").get_ref<const nlohmann::json::array_t&>()[2].at("k").get<std::string>() == "v");
}

TEST_CASE("json::Writer layout: indented by default, one line with indent 0") {
  Writer pretty;
  pretty.begin_object().member("a", 1).key("b").begin_array().value(true).end_array().end_object();
  CHECK(pretty.finish() == "{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}\n");

  Writer flat(0);
  flat.begin_object().member("a", 1).key("b").begin_array().value(true).value("x").end_array().end_object();
  CHECK(flat.finish() == "{\"a\":1,\"b\":[true,\"x\"]}\n");
}

TEST_CASE("json::Writer::schema puts \"schema\" first in the top-level object only") {
  Writer object;
  object.schema(1).begin_object().member("cache", "FILE:/tmp/x").key("inner").begin_object();
  object.member("a", 1).end_object().end_object();
  CHECK(object.finish() ==
        "{\n  \"schema\": 1,\n  \"cache\": \"FILE:/tmp/x\",\n  \"inner\": {\n    \"a\": 1\n  }\n}\n");
  Writer two(0);
  two.schema(2).begin_object().key("list").begin_array().begin_object().member("x", 1).end_object();
  two.end_array().end_object();
  CHECK(two.finish() == "{\"schema\":2,\"list\":[{\"x\":1}]}\n");
  Writer none(0);
  none.begin_object().member("x", 1).end_object();
  CHECK(none.finish() == "{\"x\":1}\n");
}
