// Heimdal kadmin messages: request bytes as Heimdal 7.8's lib/kadm5 client
// writes them (golden bytes worked out from marshall.c / get_c.c /
// randkey_c.c), replies as its kadmind writes them, and the error mapping.
#include "krbkit/kadm5/heimdal_wire.hpp"

#include <doctest/doctest.h>

#include <climits>

#include "krbkit/config/profile.hpp"
#include "krbkit/kadm5/session.hpp"

using namespace krbkit;
using namespace krbkit::kadm5;
using namespace krbkit::kadm5::heimdal;

namespace {

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A reply record for alice@R as kadmind stores it (every field, Heimdal's order).
Bytes alice_record(bool real_key) {
  Bytes head =
      hex("00000001"
          "00000001"
          "00000001"
          "52"
          "00000005"
          "616c696365"  // alice@R
          "00000000"    // princ_expire_time
          "5f5e1000"    // pw_expiration
          "5f5e0f00"    // last_pwd_change
          "00008ca0"    // max_life 36000
          "00000001"    // mod_name present
          "00000001"
          "00000002"
          "00000001"
          "52"
          "00000005"
          "61646d696e"
          "00000005"
          "61646d696e"
          "5f5e0f01"  // mod_date
          "00000080"  // attributes (requires_preauth)
          "00000003"  // kvno
          "00000001"  // mkvno
          "00000000"  // no policy
          "00000000"  // aux
          "00093a80"  // max_rlife 604800
          "00000000"
          "00000000"
          "00000000"  // last_success, last_failed, fail_auth_count
          "00000001"  // one key
          "00000002"
          "00000003"
          "00000012");
  Bytes key = real_key ? hex("00000004"
                             "01020304")
                       : hex("00000004"
                             "e5e5e5e5");
  return cat(cat(head, key), hex("00000003"
                                 "00000002"
                                 "5253"  // salttype 3, salt "RS"
                                 "00000001"
                                 "00000007"
                                 "00000002"
                                 "abcd"));  // one tl-data
}

Bytes with_code(std::int32_t code, const Bytes& rest) {
  StoreWriter w;
  w.i32(code);
  Bytes out = w.take();
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace

TEST_CASE("Heimdal requests: the op, then the principal as krb5_store_principal writes it") {
  auto get = get_request("alice@R", 0x1);
  REQUIRE(get.ok());
  CHECK(*get == hex("00000000"
                    "00000001"
                    "00000001"
                    "00000001"
                    "52"
                    "00000005"
                    "616c696365"
                    "00000001"));
  auto ren = rename_request("a/b@R", "c@R");
  REQUIRE(ren.ok());
  CHECK(*ren == hex("00000003"
                    "00000001"
                    "00000002"
                    "00000001"
                    "52"
                    "00000001"
                    "61"
                    "00000001"
                    "62"
                    "00000001"
                    "00000001"
                    "00000001"
                    "52"
                    "00000001"
                    "63"));
  auto cpw = chpass_request("a@R", "pw", false);
  REQUIRE(cpw.ok());
  CHECK(*cpw == hex("00000004"
                    "00000001"
                    "00000001"
                    "00000001"
                    "52"
                    "00000001"
                    "61"
                    "00000002"
                    "7077"
                    "00000000"));
  CHECK(get_privs_request() == hex("00000007"));
  CHECK(get_princs_request(std::nullopt) == hex("00000008"
                                                "00000000"));
  CHECK(get_princs_request("a*") == hex("00000008"
                                        "00000001"
                                        "00000002"
                                        "612a"));
  CHECK(params_message("R") == hex("00000001"
                                   "00000001"
                                   "52"));
  // A name without a realm is the caller's mistake, not a message.
  CHECK(!delete_request("alice").ok());
}

TEST_CASE("Heimdal randkey: keepold and key/salt tuples only when used") {
  auto plain = randkey_request("a@R", false, std::nullopt);
  REQUIRE(plain.ok());
  CHECK(*plain == hex("00000006"
                      "00000001"
                      "00000001"
                      "00000001"
                      "52"
                      "00000001"
                      "61"));
  auto keep = randkey_request("a@R", true, std::nullopt);
  REQUIRE(keep.ok());
  CHECK(keep->size() == plain->size() + 4);
  auto ks = randkey_request("a@R", false, std::vector<KeySalt>{{Enctype::aes256_cts_hmac_sha1_96, 0}});
  REQUIRE(ks.ok());
  CHECK(Bytes(ks->end() - 16, ks->end()) == hex("00000000"
                                                "00000001"
                                                "00000012"
                                                "00000000"));
}

TEST_CASE("Heimdal create: the whole record, the mask and the password") {
  PrincipalEntry e;
  e.principal = "bob@R";
  e.max_life = 3600;
  e.policy = "default";
  auto req = create_request(e, princ_mask::principal | princ_mask::max_life, "secret");
  REQUIRE(req.ok());
  StoreReader r(*req);
  CHECK(r.i32("op") == 2);
  auto back = get_principal_entry(r);
  CHECK(back.entry.principal == "bob@R");
  CHECK(back.entry.max_life == 3600);
  CHECK(back.entry.policy == std::optional<std::string>("default"));
  CHECK(r.i32("mask") == 0x21);
  CHECK(r.string("password") == "secret");
  CHECK(r.remaining() == 0);
  CHECK(r.status().ok());
}

TEST_CASE("Heimdal get reply: fields in Heimdal's order, bogus keys are not keys") {
  auto got = read_get_reply(with_code(0, alice_record(false)));
  REQUIRE(got.ok());
  const PrincipalEntry& e = got->entry;
  CHECK(e.principal == "alice@R");
  CHECK(e.pw_expiration == 0x5f5e1000);
  CHECK(e.last_pwd_change == 0x5f5e0f00);
  CHECK(e.max_life == 36000);
  CHECK(e.mod_name == std::optional<std::string>("admin/admin@R"));
  CHECK(e.attributes == 0x80);
  CHECK(e.kvno == 3);
  CHECK(!e.policy);
  CHECK(e.max_renewable_life == 604800);
  REQUIRE(e.key_data.size() == 1);
  CHECK(e.key_data[0].enctype == 18);
  CHECK(e.key_data[0].salttype == 4);  // pw-salt, but not alice@R's default salt: MIT's "special"
  CHECK(e.n_key_data == 1);
  REQUIRE(e.tl_data.size() == 1);
  CHECK(e.tl_data[0].type == 7);
  CHECK(got->keys.empty());

  auto keyed = read_get_reply(with_code(0, alice_record(true)));
  REQUIRE(keyed.ok());
  REQUIRE(keyed->keys.size() == 1);
  CHECK(keyed->keys[0].kvno == 3);
  CHECK(keyed->keys[0].key.enctype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(keyed->keys[0].salt == to_bytes("RS"));
}

TEST_CASE("Heimdal replies that stop short are parse errors naming the field") {
  Bytes cut = with_code(0, alice_record(false));
  cut.resize(cut.size() - 3);
  auto r = read_get_reply(cut);
  REQUIRE(!r.ok());
  CHECK(r.error().is(Errc::parse));
  CHECK(r.error().detail.find("tl_data") != std::string::npos);
  // A count larger than the message can hold is refused before any allocation.
  CHECK(!read_princs_reply(hex("00000000"
                               "7fffffff"))
             .ok());
}

TEST_CASE("Heimdal randkey, privileges and list replies") {
  auto keys =
      read_randkey_reply(hex("00000000"
                             "00000001"
                             "0011"
                             "00000002"
                             "aabb"));
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 1);
  CHECK((*keys)[0].enctype == Enctype::aes128_cts_hmac_sha1_96);
  CHECK((*keys)[0].bytes.view().size() == 2);
  auto privs =
      read_privs_reply(hex("00000000"
                           "0000003f"));
  REQUIRE(privs.ok());
  CHECK(*privs == 0x3f);
  auto names =
      read_princs_reply(hex("00000000"
                            "00000002"
                            "00000003"
                            "614052"
                            "00000003"
                            "624052"));
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"a@R", "b@R"});
}

TEST_CASE("Heimdal codes read as MIT's client words them") {
  constexpr std::int32_t base = kErrorBase;
  auto unk = read_code_reply(hex("029c250c"));  // KADM5_UNK_PRINC, the same in both tables
  REQUIRE(!unk.ok());
  CHECK(unk.error().message() == "Principal does not exist");
  // Heimdal has no GSS_ERROR: its 46 is BAD_TL_TYPE, 54 AUTH_GET_KEYS.
  CHECK(code_error(base + 46).code == make_error_code(Code::bad_tl_type));
  CHECK(code_error(base + 54).code == make_error_code(Code::auth_extract));
  Error policy_ops = code_error(base + 52);
  CHECK(policy_ops.detail == "Policy operations not supported");
  CHECK(code_error(base + 7).code == make_error_code(Code::dup));
  // Codes far from the table, at both ends of int32, pass through.
  CHECK(code_error(INT32_MIN).code == server_code(0x80000000u));
  CHECK(code_error(INT32_MAX).code == server_code(0x7fffffffu));
  // krb5 codes pass through.
  CHECK(code_error(-1765328378).code == server_code(static_cast<std::uint32_t>(-1765328378)));
}

TEST_CASE("protocol probe: an RPCSEC_GSS DESTROY; MIT answers, Heimdal closes, others are refused") {
  const Bytes probe = detection_probe();
  // One last fragment: CALL of KADM v2 NULLPROC, credential {1, DESTROY, 0, none, no handle}.
  CHECK(probe == hex("8000003c"
                     "6b726b74"
                     "00000000"
                     "00000002"
                     "00000840"
                     "00000002"
                     "00000000"
                     "00000006"
                     "00000014"
                     "00000001"
                     "00000003"
                     "00000000"
                     "00000001"
                     "00000000"
                     "00000000"
                     "00000000"));
  // MIT 1.20.1's kadmind: MSG_DENIED, AUTH_ERROR, RPCSEC_GSS_CREDPROBLEM (captured, our xid).
  auto mit =
      read_detection_answer(hex("80000014"
                                "6b726b74"
                                "00000001"
                                "00000001"
                                "00000001"
                                "0000000d"));
  REQUIRE(mit.ok());
  CHECK(*mit == Protocol::mit);
  auto heimdal = read_detection_answer({});
  REQUIRE(heimdal.ok());
  CHECK(*heimdal == Protocol::heimdal);
  // Another xid, a bare length-prefixed message (a KDC's KRB-ERROR), a few bytes.
  CHECK(!read_detection_answer(hex("80000014"
                                   "00000001"
                                   "00000001"
                                   "00000001"
                                   "00000001"
                                   "0000000d"))
             .ok());
  auto kdc =
      read_detection_answer(hex("00000004"
                                "7e020000"));
  REQUIRE(!kdc.ok());
  CHECK(kdc.error().is(Errc::unsupported));
  CHECK(!read_detection_answer(hex("53")).ok());
}

TEST_CASE("kadmin_protocol in krb5.conf") {
  auto profile = config::Profile::parse(
      "[realms]\n R = {\n  kadmin_protocol = Heimdal\n }\n S = {\n  kadmin_protocol = dce\n }\n");
  REQUIRE(profile.ok());
  auto r = configured_protocol(*profile, "R");
  REQUIRE(r.ok());
  CHECK(*r == std::optional<Protocol>(Protocol::heimdal));
  auto none = configured_protocol(*profile, "T");
  REQUIRE(none.ok());
  CHECK(!*none);
  CHECK(!configured_protocol(*profile, "S").ok());
  CHECK(!parse_protocol("rpc").ok());
}
