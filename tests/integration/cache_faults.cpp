// The failures of caches a daemon or the kernel holds, each one line on
// standard error naming the cache, its own exit status (apps/common/cli.hpp,
// EXIT STATUS in the man pages) and the old cache left as it was:
//   KCM: no daemon listening (20), the daemon hanging up in the middle of a
//   request (21, a proxy in front of a real sssd-kcm that closes the
//   connection on one opcode), a malformed reply (22, the proxy garbles one);
//   KEYRING: the kernel's key quota used up (23, as an unprivileged user of
//   this test's own, whose quota is maxbytes), a keyring of another user (24).

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "realm/kcm.hpp"
#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

const std::string kMitKinit = "/usr/bin/kinit", kMitKlist = "/usr/bin/klist";
constexpr std::uint16_t kGetCredList = 13001, kReplace = 13002, kGetDefaultCache = 20;

EnvChanges env_for(const std::string& conf, const std::string& cc = "KCM:") {
  return {{"LC_ALL", "C"}, {"TZ", "UTC"}, {"KRB5_CONFIG", conf}, {"KRB5CCNAME", cc}};
}

// One line on standard error, naming `cache`, and exit status `status`.
void fails_with(const RunResult& r, int status, const std::string& cache) {
  CAPTURE(r.err);
  CHECK(r.exit_code == status);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(cache) != std::string::npos);
}

RunResult kinit(Realm& realm, const std::string& tool, const std::string& user, const EnvChanges& env) {
  return realm.run({tool, realm.principal(user)}, env, realm.password(user) + "\n");
}

// A KCM daemon with alice's cache from MIT's kinit, and the listing to compare with.
struct KcmWithCache {
  Realm& realm = Realm::shared();
  KcmDaemon& daemon = *KcmDaemon::shared(KcmKind::sssd);
  EnvChanges direct = env_for(daemon.krb5_conf(realm));
  std::string before;
  KcmWithCache() {
    realm.run({"/usr/bin/kdestroy", "-A"}, direct);  // what an earlier case left
    auto r = kinit(realm, kMitKinit, "alice", direct);
    REQUIRE_MESSAGE(r.ok(), r.err);
    before = listing();
  }
  std::string listing() const {
    return realm.run({kMitKlist, "-l"}, direct).out + realm.run({kMitKlist}, direct).out;
  }
  EnvChanges through(const KcmProxy& proxy) const { return env_for(daemon.krb5_conf(realm, proxy.path())); }
};

// Runs `script` with bash as a user of this test's own (not root, so the
// kernel's key quota is maxbytes, and another user's keyrings are out of
// reach), in a session keyring of its own; KRB5_CONFIG is a copy that user
// can read, $PW alice's password, $KINIT/$KLIST/$KDESTROY our tools.
RunResult as_other_user(Realm& realm, const std::string& script) {
  static const std::string dir = [&realm] {
    const std::string d = make_temp_dir("krbkit-faults");
    ::chmod(d.c_str(), 0755);
    std::filesystem::copy_file(realm.config(), d + "/krb5.conf");
    ::chmod((d + "/krb5.conf").c_str(), 0644);
    return d;
  }();
  // A uid of its own for each call (at most 5 per run), so that the keys a
  // quota case leaves until the kernel collects them count against no other.
  static int calls = 0;
  const std::string uid = std::to_string(40000 + ::getpid() % 4000 * 5 + calls++ % 5);
  // keyctl says "Joined session keyring: N" on standard error: that goes to
  // /dev/null, the script's own standard error (fd 3 until then) is kept.
  return realm.run({"setpriv", "--reuid", uid, "--regid", uid, "--clear-groups", "bash", "-c",
                    R"(keyctl session - bash -c "$0" 3>&2 2>/dev/null)", "exec 2>&3 3>&-\n" + script},
                   {{"LC_ALL", "C"},
                    {"KRB5_CONFIG", dir + "/krb5.conf"},
                    {"KRB5CCNAME", std::nullopt},
                    {"PW", realm.password("alice")},
                    {"PRINC", realm.principal("alice")},
                    {"KINIT", krbkit_tool("kinit")},
                    {"KLIST", krbkit_tool("klist")},
                    {"KDESTROY", krbkit_tool("kdestroy")}});
}

}  // namespace

TEST_CASE("KCM: no daemon listening: exit 20, one line naming the cache, the daemon's caches untouched") {
  KcmWithCache k;
  const std::string nowhere = k.realm.fresh_path("no-daemon.socket");
  const auto env = env_for(k.daemon.krb5_conf(k.realm, nowhere));
  fails_with(k.realm.run({krbkit_tool("klist")}, env), 20, "KCM:");
  fails_with(k.realm.run({krbkit_tool("klist"), "-l"}, env), 20, nowhere);
  fails_with(kinit(k.realm, krbkit_tool("kinit"), "alice", env), 20, "KCM:");
  fails_with(k.realm.run({krbkit_tool("kdestroy")}, env), 20, "KCM:");
  fails_with(k.realm.run({krbkit_tool("kswitch"), "-p", "alice"}, env), 20, "KCM:");
  CHECK(k.listing() == k.before);
}

TEST_CASE("KCM: the daemon hanging up in the middle of a request: exit 21, the old cache untouched") {
  KcmWithCache k;
  {
    KcmProxy proxy(k.daemon.socket(), k.realm.fresh_path("hang-up.socket"), KcmProxy::Fault::hang_up,
                   kReplace);
    fails_with(kinit(k.realm, krbkit_tool("kinit"), "alice", k.through(proxy)), 21, "KCM:0");
  }
  CHECK(k.listing() == k.before);
  KcmProxy proxy(k.daemon.socket(), k.realm.fresh_path("hang-up.socket"), KcmProxy::Fault::hang_up,
                 kGetCredList);
  const auto r = k.realm.run({krbkit_tool("klist")}, k.through(proxy));
  fails_with(r, 21, "KCM:0");
  CHECK(r.err.find(proxy.path()) != std::string::npos);
}

TEST_CASE("KCM: a malformed reply: exit 22, one line naming the cache, the old cache untouched") {
  KcmWithCache k;
  {
    KcmProxy proxy(k.daemon.socket(), k.realm.fresh_path("garble.socket"), KcmProxy::Fault::garble,
                   kGetCredList);
    fails_with(k.realm.run({krbkit_tool("klist")}, k.through(proxy)), 22, "KCM:0");
  }
  KcmProxy proxy(k.daemon.socket(), k.realm.fresh_path("garble.socket"), KcmProxy::Fault::garble,
                 kGetDefaultCache);
  fails_with(kinit(k.realm, krbkit_tool("kinit"), "alice", k.through(proxy)), 22, "KCM:");
  CHECK(k.listing() == k.before);
}

TEST_CASE(
    "KEYRING: the kernel's key quota used up: exit 23, one line naming the cache, the old cache untouched") {
  // kinit, then keys of our own until the quota is used up (30000, 3000,
  // 300, then 30 bytes each), then kinit again: the new cache keyring cannot be
  // filled, and the old one must still be there, listed as before.
  const auto r = as_other_user(Realm::shared(), R"sh(
    export KRB5CCNAME=KEYRING:session:quota
    echo "$PW" | "$KINIT" "$PRINC" >/dev/null || exit 90
    before=$("$KLIST") || exit 91
    # Each key a new name (n counts outside the pipeline, whose parts run in
    # subshells), at most 100 of each size: bounded whatever maxbytes is,
    # and fills up to 3 MB.
    n=0
    for size in 30000 3000 300 30; do
      for ((i = 0; i < 100; i++)); do
        n=$((n + 1))
        head -c $size /dev/zero | keyctl padd user "fill-$n" @s >/dev/null 2>&1 || break
      done
    done
    err=$(echo "$PW" | "$KINIT" "$PRINC" 2>&1 >/dev/null)
    status=$?
    [[ $("$KLIST") == "$before" ]] && echo untouched
    printf '%s\n' "$err" >&2
    exit $status)sh");
  fails_with(r, 23, "KEYRING:session:quota");
  CHECK(r.err.find("maxbytes") != std::string::npos);
  CHECK(r.out == "untouched\n");
}

TEST_CASE("KEYRING: a keyring of another user: exit 24, one line naming the cache") {
  Realm& realm = Realm::shared();
  for (const char* tool : {"$KLIST", "$KDESTROY", "$KINIT $PRINC"}) {
    CAPTURE(tool);
    const auto r =
        as_other_user(realm, std::string("echo \"$PW\" | KRB5CCNAME=KEYRING:persistent:0 ") + tool);
    fails_with(r, 24, "KEYRING:persistent:0");
  }
}
