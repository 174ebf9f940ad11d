// Cache storage: names, file safety, locking, atomic replace, collections.

#include "krbkit/ccache/cache.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "krbkit/base/path_expand.hpp"
#include "krbkit/ccache/cache_choice.hpp"
#include "krbkit/proto/principal.hpp"
#include "support/env_guard.hpp"

using namespace krbkit;
using namespace krbkit::ccache;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "krbkit-cc-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(std::string_view name) const { return path + "/" + std::string(name); }
};

Principal princ(std::string realm, std::vector<std::string> comps) {
  Principal p;
  p.realm = std::move(realm);
  p.components = std::move(comps);
  return p;
}

Credentials cred(std::string_view server, std::string_view ticket = "T") {
  Credentials c;
  c.client = princ("R", {"alice"});
  c.server = princ("R", {std::string(server)});
  c.session_key = Key(Enctype::aes128_cts_hmac_sha1_96, SecretBytes(as_bytes("0123456789abcdef")));
  c.endtime = KerberosTime(std::chrono::seconds(2000000000));
  c.ticket = to_bytes(ticket);
  return c;
}

std::unique_ptr<Cache> must_open(std::string_view name) {
  auto r = open(name);
  if (!r.ok()) FAIL(r.error().message());
  return std::move(r).value();
}

void must(const Result<void>& r) {
  if (!r.ok()) FAIL(r.error().message());
}

// Credentials are move-only (they hold a key), so no braced lists of them.
std::vector<Credentials> creds_of(Credentials c) {
  std::vector<Credentials> v;
  v.push_back(std::move(c));
  return v;
}

CacheContents must_read(Cache& c) {
  auto r = c.read();
  if (!r.ok()) FAIL(r.error().message());
  return std::move(r).value();
}

std::size_t file_count(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("cache names resolve to their types") {
  auto f = must_open("FILE:/tmp/x");
  CHECK(f->type() == "FILE");
  CHECK(f->name() == "FILE:/tmp/x");
  CHECK(f->path() == "/tmp/x");
  auto bare = must_open("/tmp/bare");
  CHECK(bare->name() == "FILE:/tmp/bare");
  auto m = must_open("MEMORY:abc");
  CHECK(m->type() == "MEMORY");
  CHECK(m->name() == "MEMORY:abc");
  auto d = must_open("DIR::/tmp/coll/tktABC");
  CHECK(d->type() == "DIR");
  CHECK(d->path() == "/tmp/coll/tktABC");

  for (const char* t : {"API"}) {
    auto r = open(std::string(t) + ":whatever");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::unsupported));
    CHECK(r.error().detail == std::string("cache type ") + t + " not supported");
  }
  auto bad = open("DIR::/tmp/coll/notkt");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().detail.find("does not begin with \"tkt\"") != std::string::npos);
  CHECK_FALSE(open("FILE:").ok());
}

TEST_CASE("default cache name: KRB5CCNAME, then configured with tokens, then /tmp/krb5cc_uid") {
  const std::string uid = std::to_string(::getuid());
  {
    EnvGuard env("KRB5CCNAME", "DIR:/somewhere");
    CHECK(*default_cache_name(std::string("FILE:/x")) == "DIR:/somewhere");
  }
  EnvGuard env("KRB5CCNAME", nullptr);
  CHECK(*default_cache_name(std::string("FILE:/run/user/%{uid}/krb5cc")) ==
        "FILE:/run/user/" + uid + "/krb5cc");
  CHECK(*default_cache_name(std::nullopt) == "FILE:/tmp/krb5cc_" + uid);
  auto bad = default_cache_name(std::string("FILE:/tmp/%{nosuch}"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message().find("%{nosuch}") != std::string::npos);
}

TEST_CASE("default cache name: Fedora's, RHEL's and sssd's defaults as krb5.conf gives them") {
  const std::string uid = std::to_string(::getuid()), euid = std::to_string(::geteuid());
  EnvGuard env("KRB5CCNAME", nullptr);
  CHECK(*default_cache_name(std::string("KEYRING:persistent:%{uid}")) == "KEYRING:persistent:" + uid);
  CHECK(*default_cache_name(std::string("KCM:")) == "KCM:");
  CHECK(*default_cache_name(std::string("KCM:%{uid}:work")) == "KCM:" + uid + ":work");
  CHECK(*default_cache_name(std::string("DIR:/run/user/%{euid}/krb5cc")) ==
        "DIR:/run/user/" + euid + "/krb5cc");
  {
    EnvGuard tmp("TMPDIR", "/var/tmp/me");
    CHECK(*default_cache_name(std::string("FILE:%{TEMP}/krb5cc_%{uid}%{null}")) ==
          "FILE:/var/tmp/me/krb5cc_" + uid);
  }
  // MIT has %{USERCONFIG} on Windows only: on Unix it is an unknown token there too.
  CHECK(default_cache_name(std::string("FILE:%{USERCONFIG}/cc")).error().is(Errc::invalid_argument));
  // KRB5CCNAME still wins, and is taken as it is (MIT does not expand it).
  EnvGuard set("KRB5CCNAME", "FILE:/tmp/%{uid}");
  CHECK(*default_cache_name(std::string("KEYRING:persistent:%{uid}")) == "FILE:/tmp/%{uid}");
}

TEST_CASE("a cache name's residual: what follows the type, as MIT's krb5_cc_get_name") {
  CHECK(ccache::residual("FILE:/tmp/x") == "/tmp/x");
  CHECK(ccache::residual("DIR::/d/tkt") == ":/d/tkt");
  CHECK(ccache::residual("/tmp/bare") == "/tmp/bare");
}

TEST_CASE("%{} path tokens") {
  const std::string uid = std::to_string(::getuid()), euid = std::to_string(::geteuid());
  CHECK(*expand_path_tokens("/a/%{uid}/%{euid}/%{USERID}") == "/a/" + uid + "/" + euid + "/" + uid);
  CHECK(*expand_path_tokens("x%{null}y") == "xy");
  CHECK_FALSE(expand_path_tokens("%{username}")->empty());
  {
    EnvGuard env("TMPDIR", "/var/tmp/mine");
    CHECK(*expand_path_tokens("%{TEMP}/krb5cc") == "/var/tmp/mine/krb5cc");
  }
  {
    EnvGuard env("TMPDIR", nullptr);
    CHECK(*expand_path_tokens("%{TEMP}/krb5cc") == "/tmp/krb5cc");
  }
  CHECK(*expand_path_tokens("%{LIBDIR}/x") == "/usr/lib/x");
  CHECK(*expand_path_tokens("no tokens % here {}") == "no tokens % here {}");
  CHECK_FALSE(expand_path_tokens("/tmp/%{uid").ok());
  CHECK_FALSE(expand_path_tokens("/tmp/%{bogus}").ok());
}

TEST_CASE("FILE cache: write creates 0600, read back, store appends, replace, remove, destroy") {
  TempDir dir;
  auto cache = must_open("FILE:" + dir / "cc");
  CHECK_FALSE(cache->exists());
  auto missing = cache->read();
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().is(Errc::ccache_not_found));
  CHECK(missing.error().message() == "No credentials cache found (filename: " + dir / "cc" + ")");
  CHECK(cache->store(cred("a")).error().is(Errc::ccache_not_found));

  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt")), {}, 4, KdcOffset{3, 4}));
  struct stat st {};
  REQUIRE(::stat((dir / "cc").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(file_count(dir.path) == 1);  // no temporary left behind

  CacheContents c = must_read(*cache);
  CHECK(c.version == 4);
  CHECK(c.kdc_offset == KdcOffset{3, 4});
  REQUIRE(c.creds.size() == 1);

  must(cache->store(cred("host")));
  must(cache->store(cred("host", "T2")));
  CHECK(must_read(*cache).creds.size() == 3);

  must(cache->replace(cred("host", "T3")));  // both "host" tickets give way to one
  c = must_read(*cache);
  REQUIRE(c.creds.size() == 2);
  CHECK(c.creds[1].ticket == to_bytes("T3"));

  must(cache->set_config("pa_type", "krbtgt/R@R", as_bytes("2")));
  must(cache->set_config("pa_type", "krbtgt/R@R", as_bytes("138")));
  c = must_read(*cache);
  CHECK(c.config_entries.size() == 1);
  CHECK(find_config(c, "pa_type", "krbtgt/R@R") == to_bytes("138"));

  auto removed = cache->remove(princ("R", {"host"}));
  REQUIRE(removed.ok());
  CHECK(*removed == 1);
  CHECK(must_read(*cache).creds.size() == 1);

  must(cache->destroy());
  CHECK_FALSE(fs::exists(dir / "cc"));
  CHECK(cache->destroy().error().is(Errc::ccache_not_found));
}

TEST_CASE("FILE cache: destroy leaves no ticket readable through another hard link") {
  TempDir dir;
  auto cache = must_open("FILE:" + dir / "cc");
  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt")), {}, 4));
  REQUIRE(::link((dir / "cc").c_str(), (dir / "other").c_str()) == 0);
  const auto size = fs::file_size(dir / "other");
  REQUIRE(size > 0);
  must(cache->destroy());
  CHECK_FALSE(fs::exists(dir / "cc"));
  // As with MIT's kdestroy: the other name still exists, but holds only zeros.
  std::ifstream in(dir / "other", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(bytes.size() == size);
  CHECK(bytes.find_first_not_of('\0') == std::string::npos);
}

TEST_CASE("store keeps the file's own version (v3 stays v3)") {
  TempDir dir;
  auto cache = must_open(dir / "cc3");
  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt")), {}, 3));
  must(cache->store(cred("host")));
  CacheContents c = must_read(*cache);
  CHECK(c.version == 3);
  CHECK(c.creds.size() == 2);
  std::ifstream in(dir / "cc3", std::ios::binary);
  char v[2];
  in.read(v, 2);
  CHECK(v[1] == 3);
}

TEST_CASE("write replaces the file by rename: a reader's open file keeps the old contents") {
  TempDir dir;
  auto cache = must_open(dir / "cc");
  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("one"))));
  struct stat before {};
  ::stat((dir / "cc").c_str(), &before);
  int fd = ::open((dir / "cc").c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  must(cache->initialize_and_store(princ("R", {"bob"}), creds_of(cred("two"))));
  struct stat after {};
  ::stat((dir / "cc").c_str(), &after);
  CHECK(before.st_ino != after.st_ino);
  Bytes old(4096);
  const auto n = ::read(fd, old.data(), old.size());
  ::close(fd);
  old.resize(static_cast<std::size_t>(n));
  auto parsed = parse(old, "old");
  REQUIRE(parsed.ok());
  CHECK(parsed->default_principal == princ("R", {"alice"}));
  CHECK(must_read(*cache).default_principal == princ("R", {"bob"}));
}

TEST_CASE("damaged cache is reported with the file name") {
  TempDir dir;
  std::ofstream(dir / "bad", std::ios::binary) << std::string("\x05\x04\x00\x00\x00\x00\x00\x01\xff", 9);
  ::chmod((dir / "bad").c_str(), 0600);
  auto r = must_open(dir / "bad")->read();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::ccache_format));
  CHECK(r.error().detail.rfind(dir / "bad" + ": byte ", 0) == 0);
  // and nothing is appended to it
  CHECK(must_open(dir / "bad")->store(cred("x")).error().is(Errc::ccache_format));
  CHECK(fs::file_size(dir / "bad") == 9);
}

namespace {

Bytes file_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return to_bytes(bytes);
}

// What a writer killed half-way through appending `c` leaves: `keep` bytes of its record.
void append_torn(const std::string& path, const Credentials& c, std::size_t keep) {
  const Bytes record = *serialize_credential(c, 4);
  REQUIRE(keep < record.size());
  std::ofstream(path, std::ios::binary | std::ios::app)
      .write(reinterpret_cast<const char*>(record.data()), static_cast<std::streamsize>(keep));
}

}  // namespace

TEST_CASE("a torn append: read keeps the records before it; the next store overwrites it and cuts the file") {
  TempDir dir;
  const std::string path = dir / "cc";
  auto cache = must_open("FILE:" + path);
  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
  must(cache->store(cred("host")));
  const Bytes whole = file_of(path);

  // Torn records longer and shorter than the record stored next.
  for (std::size_t keep : {std::size_t{1}, std::size_t{40}, std::size_t{150}}) {
    CAPTURE(keep);
    REQUIRE(::truncate(path.c_str(), static_cast<off_t>(whole.size())) == 0);
    append_torn(path, cred("torn", std::string(200, 'x')), keep);
    CacheContents c = must_read(*cache);
    CHECK(c.creds.size() == 2);
    REQUIRE(c.torn_record.has_value());
    CHECK(c.torn_record->offset == whole.size());
    CHECK(c.torn_record->detail.rfind(path + ": byte ", 0) == 0);

    must(cache->store(cred("http")));
    const Bytes now = file_of(path);
    const Bytes http = *serialize_credential(cred("http"), 4);
    CHECK(now.size() == whole.size() + http.size());
    CHECK(std::equal(whole.begin(), whole.end(), now.begin()));
    auto strict = parse(now, path);  // whole again, as MIT's klist reads it
    REQUIRE(strict.ok());
    REQUIRE(strict->creds.size() == 3);
    CHECK(strict->creds[2].server == princ("R", {"http"}));
  }

  // kvno's replace() of a ticket not yet held appends, over the torn record too.
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(whole.size())) == 0);
  append_torn(path, cred("torn"), 30);
  must(cache->replace(cred("ldap")));
  auto appended = parse(file_of(path), path);
  REQUIRE(appended.ok());
  CHECK(appended->creds.size() == 3);

  // One that replaces a held ticket rewrites the whole file, without the torn record.
  append_torn(path, cred("torn"), 30);
  must(cache->replace(cred("host", "T2")));
  auto rewritten = parse(file_of(path), path);
  REQUIRE(rewritten.ok());
  REQUIRE(rewritten->creds.size() == 3);
  CHECK(rewritten->creds[2].ticket == to_bytes("T2"));
}

TEST_CASE(
    "symlinks: refused in a shared (sticky) directory; in a private one appends follow, writes replace the "
    "link") {
  TempDir dir;
  auto target = must_open(dir / "real");
  must(target->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));

  fs::create_directory(dir / "shared");
  ::chmod((dir / "shared").c_str(), 01777);
  fs::create_symlink(dir / "real", dir / "shared/krb5cc_1000");
  auto via_shared = must_open(dir / "shared/krb5cc_1000");
  auto r = via_shared->read();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::ccache_unsafe));
  CHECK(r.error().detail.find("symlink in the shared directory") != std::string::npos);
  CHECK(via_shared->initialize_and_store(princ("R", {"mallory"}), {}).error().is(Errc::ccache_unsafe));
  CHECK(via_shared->store(cred("x")).error().is(Errc::ccache_unsafe));

  fs::create_symlink(dir / "real", dir / "link");
  auto via_private = must_open(dir / "link");
  CHECK(must_read(*via_private).creds.size() == 1);
  must(via_private->store(cred("http")));  // appends go to the file the link names (MIT's kvno)
  CHECK(fs::is_symlink(dir / "link"));
  CHECK(must_read(*target).creds.size() == 2);
  must(via_private->initialize_and_store(princ("R", {"bob"}), {}));
  // As MIT's kinit: the link itself is replaced; the file it named is untouched.
  CHECK_FALSE(fs::is_symlink(dir / "link"));
  CHECK(must_read(*via_private).default_principal == princ("R", {"bob"}));
  CHECK(must_read(*target).default_principal == princ("R", {"alice"}));
  CHECK(must_read(*target).creds.size() == 2);
}

TEST_CASE(
    "a whole-cache write never writes through a symlink: to a plain file, a dangling link, a DIR member") {
  TempDir dir;
  { std::ofstream(dir / "precious") << "precious\n"; }
  fs::create_symlink(dir / "precious", dir / "cc");
  fs::create_symlink(dir / "nowhere", dir / "dangling");
  fs::create_directory(dir / "coll");
  fs::create_symlink(dir / "precious", dir / "coll/tktlink");
  { std::ofstream(dir / "coll/primary") << "tktlink\n"; }
  for (const std::string& name : {(dir / "cc"), (dir / "dangling"), "DIR:" + (dir / "coll")}) {
    CAPTURE(name);
    auto cache = must_open(name);
    must(cache->initialize_and_store(princ("R", {"bob"}), creds_of(cred("krbtgt"))));
    CHECK(must_read(*cache).default_principal == princ("R", {"bob"}));
  }
  CHECK_FALSE(fs::is_symlink(dir / "cc"));
  CHECK_FALSE(fs::is_symlink(dir / "dangling"));
  CHECK_FALSE(fs::exists(dir / "nowhere"));
  CHECK_FALSE(fs::is_symlink(dir / "coll/tktlink"));
  std::ifstream in(dir / "precious");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "precious\n");
  CHECK((fs::status(dir / "cc").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("kswitch's primary file: a symlink there is replaced, not written through") {
  TempDir dir;
  fs::create_directory(dir / "coll");
  must(must_open("DIR::" + (dir / "coll/tktbob"))->initialize_and_store(princ("R", {"bob"}), {}));
  { std::ofstream(dir / "keep") << "keep\n"; }
  fs::create_symlink(dir / "keep", dir / "coll/primary");
  must(switch_to("DIR::" + (dir / "coll/tktbob")));
  CHECK_FALSE(fs::is_symlink(dir / "coll/primary"));
  std::ifstream keep(dir / "keep");
  std::string text((std::istreambuf_iterator<char>(keep)), std::istreambuf_iterator<char>());
  CHECK(text == "keep\n");
  CHECK(must_open("DIR:" + (dir / "coll"))->path() == (dir / "coll/tktbob"));
}

TEST_CASE("a cache owned by another user is refused") {
  TempDir dir;
  auto cache = must_open(dir / "cc");
  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
  ::chmod((dir / "cc").c_str(), 0644);
  ::chmod(dir.path.c_str(), 0755);
  if (::geteuid() == 0) {
    // As root we may read anyone's cache (as MIT); check as "nobody" in a child.
    pid_t pid = ::fork();
    if (pid == 0) {
      if (::setresuid(65534, 65534, 65534) != 0) ::_exit(2);
      auto r = open(dir / "cc").value()->read();
      ::_exit(!r.ok() && r.error().is(Errc::ccache_unsafe) &&
                      r.error().detail.find("owned by uid 0, not by you (uid 65534)") != std::string::npos
                  ? 0
                  : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  } else {
    auto r = must_open("/etc/passwd")->read();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::ccache_unsafe));
  }
}

TEST_CASE("store waits for MIT's lock (fcntl F_SETLKW, whole file) held by another process") {
  TempDir dir;
  auto cache = must_open(dir / "cc");
  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    // A classic POSIX record lock, as MIT takes when OFD locks are missing.
    int fd = ::open((dir / "cc").c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLKW, &fl) != 0) ::_exit(1);
    (void)!::write(pipefd[1], "L", 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(pipefd[0], &c, 1) == 1);
  const auto start = std::chrono::steady_clock::now();
  must(cache->store(cred("host")));
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= std::chrono::milliseconds(250));
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(pipefd[0]);
  ::close(pipefd[1]);
  CHECK(must_read(*cache).creds.size() == 2);
}

TEST_CASE("stress: one process replaces the cache in a loop, readers never fail to parse") {
  TempDir dir;
  const std::string name = dir / "cc";
  must(must_open(name)->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  int counts[2];
  REQUIRE(::pipe(counts) == 0);
  auto report = [&](int n) { (void)!::write(counts[1], &n, sizeof n); };
  pid_t writer = ::fork();
  if (writer == 0) {
    auto cache = open(name).value();
    int i = 0;
    for (; std::chrono::steady_clock::now() < deadline; ++i) {
      std::vector<Credentials> creds;
      for (int k = 0; k <= i % 20; ++k)
        creds.push_back(cred("svc" + std::to_string(k), std::string(200, 'x')));
      Result<void> r = (i % 3 == 2) ? cache->store(cred("extra"))
                                    : cache->initialize_and_store(princ("R", {"alice"}), creds);
      if (!r.ok()) ::_exit(1);
    }
    report(i);
    ::_exit(0);
  }
  std::vector<pid_t> readers;
  for (int r = 0; r < 3; ++r) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto cache = open(name).value();
      int reads = 0;
      while (std::chrono::steady_clock::now() < deadline) {
        auto c = cache->read();
        if (!c.ok() || c->creds.empty()) ::_exit(1);
        ++reads;
      }
      report(reads);
      ::_exit(reads > 10 ? 0 : 3);
    }
    readers.push_back(pid);
  }
  int status = 0;
  ::waitpid(writer, &status, 0);
  CHECK_MESSAGE(WEXITSTATUS(status) == 0, "writer failed");
  for (pid_t pid : readers) {
    ::waitpid(pid, &status, 0);
    CHECK_MESSAGE(WEXITSTATUS(status) == 0, "a reader saw a damaged or empty cache");
  }
  CHECK(file_count(dir.path) == 1);
  ::close(counts[1]);
  int n = 0, total = 0, parts = 0;
  while (::read(counts[0], &n, sizeof n) == sizeof n) total += n, ++parts;
  ::close(counts[0]);
  CHECK(parts == 4);
  MESSAGE("stress: writes + reads in 1.5 s: " << total);
}

namespace {

// The servers of a cache's records in file order, config entries as "config:<key>".
std::vector<std::string> record_order(const CacheContents& c) {
  std::vector<std::string> out;
  std::size_t next = 0;
  auto configs_up_to = [&](std::size_t tickets) {
    for (; next < c.config_entries.size() && config_position(c, next) <= tickets; ++next)
      out.push_back("config:" + c.config_entries[next].server.components[1]);
  };
  for (std::size_t i = 0; i < c.creds.size(); ++i) {
    configs_up_to(i);
    out.push_back(c.creds[i].server.components[0]);
  }
  configs_up_to(SIZE_MAX);
  return out;
}

// A cache as Heimdal's kinit writes it: the TGT, then its config entries.
CacheContents heimdal_order() {
  CacheContents c;
  c.default_principal = princ("R", {"alice"});
  c.creds.push_back(cred("krbtgt"));
  c.config_entries.push_back(make_config_entry(c.default_principal, "start_realm", "", as_bytes("R")));
  c.config_entries.push_back(
      make_config_entry(c.default_principal, "fast_avail", "krbtgt/R@R", as_bytes("yes")));
  c.config_after = {1, 1};
  return c;
}

using Order = std::vector<std::string>;

}  // namespace

TEST_CASE("replace, remove and set_config keep the records in file order (Heimdal's config after the TGT)") {
  TempDir dir;
  for (const std::string& name : std::vector<std::string>{"FILE:" + dir / "cc", "MEMORY:order"}) {
    CAPTURE(name);
    auto cache = must_open(name);
    must(cache->write(heimdal_order(), 4));
    const Order start = {"krbtgt", "config:start_realm", "config:fast_avail"};
    CHECK(record_order(must_read(*cache)) == start);
    Bytes before;
    if (!cache->path().empty()) before = *serialize(heimdal_order(), 4);

    // A new ticket goes after everything; for a file, appended to the same bytes.
    must(cache->replace(cred("host")));
    CHECK(record_order(must_read(*cache)) ==
          Order{"krbtgt", "config:start_realm", "config:fast_avail", "host"});
    if (!cache->path().empty()) {
      std::ifstream in(cache->path(), std::ios::binary);
      const Bytes now(std::istreambuf_iterator<char>(in), {});
      REQUIRE(now.size() > before.size());
      CHECK(Bytes(now.begin(), now.begin() + static_cast<std::ptrdiff_t>(before.size())) == before);
    }
    // Replacing it again (a rewrite) leaves the config entries where they are.
    must(cache->replace(cred("host", "T2")));
    must(cache->replace(cred("http")));
    CHECK(record_order(must_read(*cache)) ==
          Order{"krbtgt", "config:start_realm", "config:fast_avail", "host", "http"});
    // A changed config entry goes to the end; the others stay.
    must(cache->set_config("start_realm", "", as_bytes("S")));
    const CacheContents c = must_read(*cache);
    CHECK(record_order(c) == Order{"krbtgt", "config:fast_avail", "host", "http", "config:start_realm"});
    CHECK(find_config(c, "start_realm") == to_bytes("S"));
    // Removing the TGT: the entries after it move up, still before "host".
    auto removed = cache->remove(princ("R", {"krbtgt"}));
    REQUIRE(removed.ok());
    CHECK(*removed == 1);
    CHECK(record_order(must_read(*cache)) ==
          Order{"config:fast_avail", "host", "http", "config:start_realm"});
    must(cache->destroy());
  }
}

TEST_CASE("set_config on contents read from a file keeps the positions; built ones stay first") {
  CacheContents c = heimdal_order();
  c.creds.push_back(cred("host"));
  set_config(c, "fast_avail", "krbtgt/R@R", as_bytes("no"));
  CHECK(record_order(c) == Order{"krbtgt", "config:start_realm", "host", "config:fast_avail"});
  auto back = parse(*serialize(c, 4), "x");
  REQUIRE(back.ok());
  CHECK(record_order(*back) == record_order(c));

  CacheContents built;
  built.default_principal = princ("R", {"alice"});
  built.creds.push_back(cred("krbtgt"));
  set_config(built, "pa_type", "krbtgt/R@R", as_bytes("2"));
  set_config(built, "pa_type", "krbtgt/R@R", as_bytes("138"));
  CHECK(record_order(built) == Order{"config:pa_type", "krbtgt"});
  CHECK(built.config_after.empty());
}

TEST_CASE("MEMORY caches live in the process") {
  auto m = must_open("MEMORY:test1");
  CHECK(m->read().error().is(Errc::ccache_not_found));
  must(m->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
  must(m->store(cred("host")));
  CHECK(must_read(*must_open("MEMORY:test1")).creds.size() == 2);
  must(m->replace(cred("host", "new")));
  CHECK(must_read(*m).creds.size() == 2);
  auto names = list_collection("MEMORY:test1");
  REQUIRE(names.ok());
  CHECK(std::find(names->begin(), names->end(), "MEMORY:test1") != names->end());
  must(m->destroy());
  CHECK_FALSE(m->exists());
}

TEST_CASE("DIR collections: primary, members, new unique, switch, list") {
  TempDir dir;
  const std::string coll = "DIR:" + dir / "cc";
  CHECK(list_collection(coll)->empty());

  // The collection's primary is "tkt" until a primary file says otherwise.
  auto primary = must_open(coll);
  CHECK(primary->name() == "DIR::" + dir / "cc/tkt");
  CHECK_FALSE(fs::exists(dir / "cc"));  // resolving touches nothing
  must(primary->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
  CHECK(fs::is_directory(dir / "cc"));
  {
    // Writing it made the primary file naming it, 0600, as MIT's kinit -c DIR:dir.
    std::ifstream in(dir / "cc/primary");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == "tkt\n");
    CHECK((fs::status(dir / "cc/primary").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
  }

  auto fresh = new_unique(coll);
  REQUIRE(fresh.ok());
  CHECK((*fresh)->name().rfind("DIR::" + dir / "cc/tkt", 0) == 0);
  CHECK((*fresh)->path().size() == (dir / "cc/tkt").size() + 6);
  CHECK((*fresh)->read().error().is(Errc::ccache_not_found));  // reserved but empty
  must((*fresh)->initialize_and_store(princ("R", {"bob"}), creds_of(cred("krbtgt"))));

  auto names = list_collection(coll);
  REQUIRE(names.ok());
  REQUIRE(names->size() == 2);
  CHECK((*names)[0] == "DIR::" + dir / "cc/tkt");

  must(switch_to((*fresh)->name()));
  std::ifstream in(dir / "cc/primary");
  std::string line;
  std::getline(in, line);
  CHECK("DIR::" + dir / "cc/" + line == (*fresh)->name());
  CHECK(must_open(coll)->name() == (*fresh)->name());
  names = list_collection(coll);
  CHECK((*names)[0] == (*fresh)->name());
  // A member named by itself is a collection of that cache alone (MIT's
  // cursor); nothing can be added to it.
  CHECK(*list_collection((*fresh)->name()) == std::vector<std::string>{(*fresh)->name()});
  CHECK(*list_collection("DIR::" + dir / "cc/tkt") == std::vector<std::string>{"DIR::" + dir / "cc/tkt"});
  CHECK(list_collection("DIR::" + dir / "cc/tktNOSUCH")->empty());
  CHECK(list_collection("DIR::" + dir / "cc/notkt").error().is(Errc::invalid_argument));
  CHECK(new_unique("DIR::" + dir / "cc/tkt").error().is(Errc::unsupported));
  CHECK_FALSE(find_in_collection("DIR::" + dir / "cc/tkt", princ("R", {"bob"}))->has_value());

  auto found = find_in_collection(coll, princ("R", {"alice"}));
  REQUIRE(found.ok());
  CHECK(*found == std::optional<std::string>("DIR::" + dir / "cc/tkt"));
  CHECK_FALSE(find_in_collection(coll, princ("R", {"carol"}))->has_value());

  // Writing the primary member again leaves a primary file that exists alone.
  must(must_open(coll)->initialize_and_store(princ("R", {"bob"}), creds_of(cred("krbtgt"))));
  std::ifstream again(dir / "cc/primary");
  std::getline(again, line);
  CHECK("DIR::" + dir / "cc/" + line == (*fresh)->name());

  std::ofstream(dir / "cc/primary") << "../etc/passwd\n";
  auto bad = open(coll);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().detail == dir / "cc/primary" + " contains invalid filename");
  // Listing still finds the members (MIT's cursor ignores a bad primary file).
  CHECK(list_collection(coll)->size() == 2);
}

TEST_CASE("collections list an empty (uninitialized) cache file too, as MIT's cursors") {
  TempDir dir;
  fs::create_directory(dir / "cc");
  std::ofstream(dir / "cc/tktEMPTY").flush();
  fs::create_directory(dir / "cc/tktDIR");
  CHECK(*list_collection("DIR:" + dir / "cc") == std::vector<std::string>{"DIR::" + dir / "cc/tktEMPTY"});
  CHECK(list_collection("DIR::" + dir / "cc/tktEMPTY")->size() == 1);
  CHECK_FALSE(find_in_collection("DIR:" + dir / "cc", princ("R", {"alice"}))->has_value());
  std::ofstream(dir / "file").flush();
  CHECK(list_collection("FILE:" + dir / "file")->size() == 1);
}

TEST_CASE("DIR: a primary file that appears before the first write is kept") {
  TempDir dir;
  const std::string coll = "DIR:" + dir / "cc";
  auto cache = must_open(coll);  // no primary file yet: cc/tkt
  fs::create_directory(dir / "cc");
  std::ofstream(dir / "cc/primary") << "tktOTHER\n";
  must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
  std::ifstream in(dir / "cc/primary");
  std::string line;
  std::getline(in, line);
  CHECK(line == "tktOTHER");
  CHECK(fs::exists(dir / "cc/tkt"));
  // No temporary file of the primary is left behind.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir / "cc")) entries += e.is_regular_file() ? 1 : 0;
  CHECK(entries == 2);
}

TEST_CASE("FILE collection is the one default cache; switching a FILE cache is a no-op") {
  TempDir dir;
  const std::string name = "FILE:" + dir / "cc";
  CHECK(list_collection(name)->empty());
  must(must_open(name)->initialize_and_store(princ("R", {"alice"}), {}));
  CHECK(*list_collection(name) == std::vector<std::string>{name});
  must(switch_to(name));
  auto fresh = new_unique(name);
  REQUIRE(fresh.ok());
  CHECK((*fresh)->type() == "FILE");
  CHECK(fs::path((*fresh)->path()).parent_path() == dir.path);
  CHECK(switch_to("API:0").error().is(Errc::unsupported));
}

TEST_CASE("kinit's cache in a DIR collection: the principal's own member, else a new one, else the default") {
  TempDir dir;
  const std::string coll = "DIR:" + dir / "cc";
  const Principal alice = princ("R", {"alice"}), bob = princ("R", {"bob"});

  // An empty collection: the default cache, the primary left alone.
  auto first = choose_cache_for(must_open(coll), coll, alice, std::nullopt);
  REQUIRE(first.ok());
  CHECK(first->kind == "default");
  CHECK_FALSE(first->make_primary);
  CHECK(first->cache->name() == "DIR::" + dir / "cc/tkt");
  must(first->cache->initialize_and_store(alice, creds_of(cred("krbtgt"))));

  // bob while the primary holds alice: a new member, made primary.
  auto second = choose_cache_for(must_open(coll), coll, bob, alice);
  REQUIRE(second.ok());
  CHECK(second->kind == "new");
  CHECK(second->make_primary);
  CHECK(second->cache->name() != "DIR::" + dir / "cc/tkt");
  must(second->cache->initialize_and_store(bob, creds_of(cred("krbtgt"))));

  // alice again: her own member, wherever the primary is.
  auto third = choose_cache_for(must_open(coll), coll, alice, alice);
  REQUIRE(third.ok());
  CHECK(third->kind == "existing");
  CHECK(third->make_primary);
  CHECK(third->cache->name() == "DIR::" + dir / "cc/tkt");

  // A FILE cache is always the default one, whoever holds it.
  auto file = choose_cache_for(must_open("FILE:" + dir / "f"), "FILE:" + dir / "f", bob, alice);
  REQUIRE(file.ok());
  CHECK(file->kind == "default");
  CHECK_FALSE(file->make_primary);
}

TEST_CASE("read_each: FILE parses as it goes, MEMORY reads first; both hand over read()'s records in order") {
  TempDir dir;
  for (const std::string& name : {"FILE:" + (dir / "each"), std::string("MEMORY:each")}) {
    CAPTURE(name);
    auto cache = must_open(name);
    must(cache->initialize_and_store(princ("R", {"alice"}), creds_of(cred("krbtgt"))));
    must(cache->set_config("pa_type", "", as_bytes("2")));
    must(cache->store(cred("host")));
    const CacheContents whole = must_read(*cache);
    std::vector<std::string> expected, seen;
    for_each_in_file_order(whole, [&](const Credentials& r, bool config) {
      expected.push_back((config ? "config " : "") + unparse_principal(r.server));
    });
    auto head = cache->read_each([&](const CacheContents& h, const Credentials& r, bool config) {
      CHECK(h.default_principal == whole.default_principal);
      seen.push_back((config ? "config " : "") + unparse_principal(r.server));
    });
    REQUIRE(head.ok());
    CHECK(seen == expected);
    CHECK(seen.size() == 3);
    CHECK(head->creds.empty());
    CHECK(head->default_principal == whole.default_principal);
    must(cache->destroy());
    CHECK(cache->read_each([](const CacheContents&, const Credentials&, bool) {})
              .error()
              .is(Errc::ccache_not_found));
  }
}
