// Line editing at the kadmin and ktutil prompts, typed on a real
// pseudo-terminal: the keys edit the line (by UTF-8 code point), Up recalls
// earlier lines, Ctrl-C drops a line, Ctrl-D ends; what ran is seen in the
// tools' output (kadmin against the realm's MIT kadmind). The terminal's mode
// is raw at the prompt and exactly as before once the tool has gone, also
// when SIGTERM or SIGHUP ends it at the prompt; SIGINT there drops the line.
#include <doctest/doctest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utmp.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/principal.hpp"
#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

// Keys as a terminal sends them.
const std::string kLeft = "\x1b[D", kUp = "\x1b[A", kDelete = "\x1b[3~", kCtrlLeft = "\x1b[1;5D";
const std::string kHome = "\x1b[H", kBackspace = "\x7f";

// A tool running on a new pseudo-terminal, typed at like a user.
class Terminal {
 public:
  // `extra_env`: "NAME=value" strings added to the realm's environment (HOME, for a history file).
  Terminal(const Realm& realm, std::vector<std::string> argv,
           const std::vector<std::string>& extra_env = {}) {
    winsize size{};
    size.ws_row = 24;
    size.ws_col = 100;
    int slave = -1;
    REQUIRE(::openpty(&master_, &slave, nullptr, nullptr, &size) == 0);
    REQUIRE(::tcgetattr(slave, &initial_) == 0);
    std::vector<std::string> env;
    for (const auto& [key, value] : realm.environment())
      if (value) env.push_back(key + "=" + *value);
    env.emplace_back("TERM=xterm");
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> c_env, c_argv;
    for (auto& e : env) c_env.push_back(e.data());
    c_env.push_back(nullptr);
    for (auto& a : argv) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(master_);
      if (::login_tty(slave) != 0) ::_exit(126);
      ::execve(c_argv[0], c_argv.data(), c_env.data());
      ::_exit(127);
    }
    ::close(slave);
  }
  ~Terminal() {
    if (pid_ > 0 && exit_code_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(master_);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Waits until `text` shows after what the last expect() matched (false
  // after 10 s: the test then fails and shows the transcript).
  bool expect(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      if (auto at = transcript_.find(text, from_); at != std::string::npos) {
        from_ = at + text.size();
        return true;
      }
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return false;
    }
  }
  void type(const std::string& keys) {
    REQUIRE(::write(master_, keys.data(), keys.size()) == ssize_t(keys.size()));
  }
  // The terminal's mode now (the line discipline's, as the tool left it).
  termios mode() const {
    termios t{};
    ::tcgetattr(master_, &t);
    return t;
  }
  const termios& initial_mode() const { return initial_; }
  // Exit status (128+N for signal N) once the tool ends; reads what it still prints.
  int wait() {
    while (read_some(10000)) {
    }
    int status = 0;
    for (int tries = 0; ::waitpid(pid_, &status, WNOHANG) == 0; ++tries) {
      if (tries == 1000) ::kill(pid_, SIGKILL);  // 10 s and still running: it waits for input
      ::usleep(10000);
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }
  pid_t pid() const { return pid_; }
  const std::string& transcript() const { return transcript_; }
  // What showed after the last expect() match.
  std::string rest() const { return transcript_.substr(from_); }

 private:
  bool read_some(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO: the tool closed the terminal
    transcript_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int master_ = -1;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  termios initial_{};
  std::string transcript_;
  std::size_t from_ = 0;
};

bool raw_mode(const termios& t) { return (t.c_lflag & (ICANON | ECHO | ISIG)) == 0; }

// The mode the terminal had before the tool started, flag for flag.
bool same_mode(const termios& a, const termios& b) {
  return a.c_lflag == b.c_lflag && a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag &&
         a.c_cc[VMIN] == b.c_cc[VMIN] && a.c_cc[VTIME] == b.c_cc[VTIME];
}

std::vector<std::string> kadmin_argv(const Realm& realm) {
  return {krbkit_tool("kadmin"), "-p", "admin/admin", "-w", realm.password("admin")};
}

}  // namespace

TEST_CASE("kadmin on a terminal: the typed line is edited, recalled, dropped; the terminal mode comes back") {
  Realm& realm = Realm::shared();
  const std::string prompt = "kadmin:  ";
  auto principal_line = [&](const std::string& who) { return "Principal: " + realm.principal(who) + "\r\n"; };
  Terminal t(realm, kadmin_argv(realm));
  REQUIRE_MESSAGE(t.expect(prompt), t.transcript());
  CHECK(raw_mode(t.mode()));

  struct Step {
    std::string what;
    std::string keys;
    std::string user;  // whose getprinc must have run
  };
  const std::vector<Step> steps = {
      {"Backspace", "getprinc alicX" + kBackspace + "e\r", "alice"},
      {"Left, then typing in the middle", "getprinc bb" + kLeft + "o\r", "bob"},
      {"Ctrl-A, Ctrl-E", "etprinc car\x01g\x05ol\r", "carol"},
      // Left twice from the end lands before "ve"; Backspace takes the whole "ä" (2 bytes).
      {"Backspace over a 2-byte character", "getprinc d\xc3\xa4ve" + kLeft + kLeft + kBackspace + "a\r",
       "dave"},
      // Six code points left is before "é"; Delete takes all of it.
      {"Left and Delete across a 2-byte character",
       "getprinc \xc3\xa9"
       "alice" +
           kLeft + kLeft + kLeft + kLeft + kLeft + kLeft + kDelete + "\r",
       "alice"},
      // History: alice, bob, carol, dave, alice. Up twice: "getprinc dave".
      {"Up recalls", kUp + kUp + "\r", "dave"},
      // Now ..., dave, alice, dave: Ctrl-P three times, Ctrl-N once: "getprinc alice"; Ctrl-W cuts "alice".
      {"Ctrl-P, Ctrl-N, Ctrl-W",
       "\x10\x10\x10\x0e\x17"
       "bob\r",
       "bob"},
      {"Ctrl-U cuts before the cursor, Ctrl-K after",
       "junk getprinc carol junk" + kCtrlLeft +
           "\x0b\x01\x1b"
           "f\x15\r",
       "carol"},
      {"Ctrl-C drops the line", "delprinc -force alice\x03getprinc alice\r", "alice"},
  };
  for (const auto& step : steps) {
    CAPTURE(step.what);
    t.type(step.keys);
    CHECK_MESSAGE(t.expect(principal_line(step.user)), t.rest());
    REQUIRE_MESSAGE(t.expect(prompt), t.transcript());
  }
  CHECK(t.transcript().find("^C") != std::string::npos);
  // Nothing else ran: no mangled name reached kadmind, no request failed, the dropped delprinc did not run.
  CHECK(t.transcript().find("while retrieving") == std::string::npos);
  CHECK(t.transcript().find("Unknown request") == std::string::npos);
  CHECK(t.transcript().find("deleted") == std::string::npos);
  CHECK(realm.kadmin_local("getprinc alice\n").out.find("Principal: " + realm.principal("alice")) !=
        std::string::npos);

  t.type("\x04");  // Ctrl-D on an empty line: the end, as at EOF
  CHECK(t.wait() == 0);
  CHECK(same_mode(t.mode(), t.initial_mode()));
}

TEST_CASE("kadmin on a terminal: a line typed with editing keys is recalled as it ran, not as it was typed") {
  Realm& realm = Realm::shared();
  // Without -w: the password is asked for on the terminal first, without echo.
  Terminal t(realm, {krbkit_tool("kadmin"), "-p", "admin/admin"});
  REQUIRE(t.expect("Password for " + realm.principal("admin/admin") + ": "));
  REQUIRE((t.mode().c_lflag & ECHO) == 0);
  t.type(realm.password("admin") + "\r");
  REQUIRE_MESSAGE(t.expect("kadmin:  "), t.transcript());
  CHECK(t.transcript().find(realm.password("admin")) == std::string::npos);
  t.type("getprinc bobX" + kBackspace + "\r");
  REQUIRE(t.expect("Principal: " + realm.principal("bob")));
  REQUIRE(t.expect("kadmin:  "));
  // Up, then edit the recalled line: Home, Ctrl-F past "getprinc ", cut "bob" with Ctrl-K.
  t.type(kUp + kHome + std::string(9, '\x06') +
         "\x0b"
         "carol\r");
  CHECK_MESSAGE(t.expect("Principal: " + realm.principal("carol")), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  // The history holds both lines as entered; the edit did not change the first.
  t.type(kUp + kUp + "\r");
  CHECK_MESSAGE(t.expect("Principal: " + realm.principal("bob")), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  t.type("quit\r");
  CHECK(t.wait() == 0);
  CHECK(same_mode(t.mode(), t.initial_mode()));
}

TEST_CASE(
    "kadmin on a terminal: password prompts (Ctrl-C there too) and confirmations between edited lines") {
  Realm& realm = Realm::shared();
  const std::string user = "le-user-" + std::to_string(::getpid());
  const std::string name = realm.principal(user);
  Terminal t(realm, kadmin_argv(realm));
  REQUIRE(t.expect("kadmin:  "));
  // The password prompts read the terminal without echo, after the editor gave it back.
  t.type("addprinc " + user + "X" + kBackspace + "\r");
  REQUIRE_MESSAGE(t.expect("Enter password for principal \"" + name + "\": "), t.transcript());
  CHECK_FALSE(raw_mode(t.mode()));
  t.type("le-secret-1\r");
  REQUIRE(t.expect("Re-enter password for principal \"" + name + "\": "));
  t.type("le-secret-1\r");
  CHECK_MESSAGE(t.expect("Principal \"" + name + "\" created."), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  CHECK(t.transcript().find("le-secret-1") == std::string::npos);
  CHECK(realm.run({"kinit", "-c", realm.fresh_ccache(), name}, {}, "le-secret-1\n").ok());
  // A confirmation is answered on the terminal too; Up then finds the request, not the answer.
  t.type("delprinc " + user + "\r");
  REQUIRE(t.expect("(yes/no): "));
  t.type("yes\r");
  CHECK_MESSAGE(t.expect("Principal \"" + name + "\" deleted."), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  t.type(kUp + "\r");  // delprinc again: the principal is gone now
  REQUIRE(t.expect("(yes/no): "));
  t.type("yes\r");
  CHECK_MESSAGE(t.expect(" does not exist"), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  // Ctrl-C at a password prompt: the read ends, the request fails, the prompt comes back (MIT: "Password
  // read interrupted"); nothing is created.
  t.type("addprinc " + user + "\r");
  REQUIRE(t.expect("Enter password for principal \"" + name + "\": "));
  REQUIRE((t.mode().c_lflag & ECHO) == 0);
  t.type("half-typ\x03");
  CHECK_MESSAGE(t.expect("while reading password for \"" + name + "\"."), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  CHECK(realm.kadmin_local("getprinc " + user + "\n").out.find("Principal: " + name) == std::string::npos);
  t.type("\x04");
  CHECK(t.wait() == 1);  // requests failed: kadmin's exit 1
  CHECK(same_mode(t.mode(), t.initial_mode()));
}

TEST_CASE("kadmin: ended by a signal at the prompt or a password prompt, the terminal is back in its mode") {
  Realm& realm = Realm::shared();
  struct Place {
    std::string keys, shown;  // what is typed, and what shows once kadmin reads the terminal there
    bool raw;                 // the editor's raw mode, else a password read without echo
  };
  const std::vector<Place> places = {{"getprinc al", "getprinc al", true},  // half a line
                                     {"cpw bob\r", "Enter password for principal \"", false}};
  for (const auto& place : places) {
    for (int sig : {SIGTERM, SIGHUP}) {
      CAPTURE(place.keys);
      CAPTURE(sig);
      Terminal t(realm, kadmin_argv(realm));
      REQUIRE(t.expect("kadmin:  "));
      t.type(place.keys);
      REQUIRE(t.expect(place.shown));
      REQUIRE((t.mode().c_lflag & ECHO) == 0);
      REQUIRE(raw_mode(t.mode()) == place.raw);
      ::kill(t.pid(), sig);
      CHECK(t.wait() == 128 + sig);
      CHECK(same_mode(t.mode(), t.initial_mode()));
    }
  }
}

TEST_CASE("kadmin: SIGINT at the prompt drops the line as Ctrl-C does (MIT's ss library prompts again)") {
  Realm& realm = Realm::shared();
  Terminal t(realm, kadmin_argv(realm));
  REQUIRE(t.expect("kadmin:  "));
  t.type("delprinc -force bob");
  REQUIRE(t.expect("delprinc -force bob"));
  ::kill(t.pid(), SIGINT);
  REQUIRE_MESSAGE(t.expect("^C\r\n"), t.transcript());
  REQUIRE(t.expect("kadmin:  "));
  CHECK(raw_mode(t.mode()));
  t.type("getprinc bob\r");  // a fresh line: nothing of the dropped one is left
  CHECK_MESSAGE(t.expect("Principal: " + realm.principal("bob") + "\r\n"), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  t.type("\x04");
  CHECK(t.wait() == 0);
  CHECK(same_mode(t.mode(), t.initial_mode()));
  CHECK(t.transcript().find("deleted") == std::string::npos);
}

TEST_CASE("ktutil on a terminal: edited lines run, Up recalls, Ctrl-D ends with the mode restored") {
  Realm& realm = Realm::shared();
  const std::string keytab = realm.host_keytab();
  const std::string host = realm.host_principal();
  Terminal t(realm, {krbkit_tool("ktutil")});
  REQUIRE(t.expect("ktutil:  "));
  CHECK(raw_mode(t.mode()));
  // A path typed with a mistake put right in the middle of it.
  const std::string typo = keytab.substr(0, keytab.size() - 3) + "X" + keytab.substr(keytab.size() - 3);
  t.type("rkt " + typo + kLeft + kLeft + kLeft + kBackspace + "\r");
  REQUIRE(t.expect("ktutil:  "));
  t.type("l -e\r");
  CHECK_MESSAGE(t.expect(host + " (aes256-cts-hmac-sha1-96)"), t.rest());
  REQUIRE(t.expect("ktutil:  "));
  // Up twice: the rkt line again; the keytab is read a second time, so its entries show twice.
  t.type(kUp + kUp + "\r");
  REQUIRE(t.expect("ktutil:  "));
  t.type("l --json\r");
  REQUIRE(t.expect("\"entries\""));
  REQUIRE(t.expect("ktutil:  "));
  CHECK(t.transcript().find("while reading keytab") == std::string::npos);
  // The keytab was read twice: each of its entries is listed twice, in order.
  const std::string& shown = t.transcript();
  const auto json_at = shown.rfind("{\r\n  \"schema\"");  // the document's first member (krbkit-json(7))
  const auto doc = nlohmann::json::parse(shown.substr(json_at, shown.rfind("ktutil:  ") - json_at));
  const auto& entries = doc.at("entries").get_ref<const nlohmann::json::array_t&>();
  auto kt = krbkit::keytab::read_keytab(keytab);
  REQUIRE(kt.ok());
  REQUIRE(entries.size() == 2 * kt->entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& want = kt->entries[i % kt->entries.size()];
    CHECK(entries[i].at("slot").get<std::int64_t>() == static_cast<std::int64_t>(i + 1));
    CHECK(entries[i].at("principal").get<std::string>() == krbkit::unparse_principal(want.principal));
    CHECK(entries[i].at("kvno").get<std::int64_t>() == want.kvno);
  }
  t.type("\x04");
  CHECK(t.wait() == 0);
  CHECK(same_mode(t.mode(), t.initial_mode()));
}

TEST_CASE("ktutil on a terminal: the password is read without echo, Ctrl-C there ends only the request") {
  Realm& realm = Realm::shared();
  const std::string alice = realm.principal("alice");
  const std::string addent = "addent -password -p " + alice + " -k 1 -e aes256-cts-hmac-sha1-96\r";
  const std::string kt = realm.fresh_path("tty.keytab");
  Terminal t(realm, {krbkit_tool("ktutil")});
  REQUIRE(t.expect("ktutil:  "));
  t.type(addent);
  REQUIRE(t.expect("Password for " + alice + ": "));
  REQUIRE((t.mode().c_lflag & ECHO) == 0);
  t.type("half-typ\x03");
  CHECK_MESSAGE(t.expect("while adding new entry"), t.rest());
  REQUIRE(t.expect("ktutil:  "));
  t.type(kUp + "\r");  // the addent line again, this time with the whole password
  REQUIRE(t.expect("Password for " + alice + ": "));
  t.type(realm.password("alice") + "\r");
  REQUIRE(t.expect("ktutil:  "));
  t.type("wkt " + kt + "\r");
  REQUIRE(t.expect("\n"));  // Enter: wkt runs (printing nothing), then the next prompt
  REQUIRE(t.expect("ktutil:  "));
  t.type("\x04");
  CHECK_MESSAGE(t.wait() == 0, t.transcript());
  CHECK(same_mode(t.mode(), t.initial_mode()));
  CHECK(t.transcript().find(realm.password("alice")) == std::string::npos);
  CHECK(t.transcript().find("half-typ") == std::string::npos);
  // One entry, from the whole password: MIT's kinit gets a TGT with it.
  auto listed = realm.run({krbkit_tool("ktutil")}, {}, "rkt " + kt + "\nl\nq\n");
  CHECK(listed.out.find("   1    1 ") != std::string::npos);
  CHECK(listed.out.find("   2 ") == std::string::npos);
  auto kinit = realm.run({"/usr/bin/kinit", "-k", "-t", kt, "-c", realm.fresh_ccache(), alice});
  CHECK_MESSAGE(kinit.ok(), kinit.err);
}

TEST_CASE("ktutil with standard input not a terminal: no editing, no escape sequences, as before") {
  Realm& realm = Realm::shared();
  auto r = realm.run({krbkit_tool("ktutil")}, {}, "rkt " + realm.host_keytab() + "\nl\nq\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.out.find("ktutil:  rkt " + realm.host_keytab() + "\n") != std::string::npos);  // echoed, as MIT's
}

TEST_CASE(
    "ktutil on a terminal without a loadable libedit: one line says editing is off, the requests still run") {
  // libedit is dlopen()ed at the first prompt; a broken one first on the
  // library path (an empty file under its soname) cannot be loaded.
  Realm& realm = Realm::shared();
  const std::string libs = realm.fresh_path("libs");
  REQUIRE(::mkdir(libs.c_str(), 0700) == 0);
  std::ofstream(libs + "/libedit.so.2").close();
  Terminal t(realm, {krbkit_tool("ktutil")}, {"LD_LIBRARY_PATH=" + libs});
  REQUIRE_MESSAGE(t.expect("ktutil: line editing is off: "), t.transcript());
  CHECK(t.rest().find("libedit.so.2") != std::string::npos);
  REQUIRE(t.expect("ktutil:  "));
  CHECK_FALSE(raw_mode(t.mode()));  // the terminal's own line editing, as from a script
  t.type("rkt " + realm.host_keytab() + "\r");
  REQUIRE(t.expect("ktutil:  "));
  t.type("l\r");
  CHECK_MESSAGE(t.expect(realm.host_principal()), t.transcript());
  REQUIRE(t.expect("ktutil:  "));
  t.type("q\r");
  CHECK(t.wait() == 0);
  CHECK(same_mode(t.mode(), t.initial_mode()));
}

namespace {

// A fresh home directory for the history files, as "HOME=dir".
std::string fresh_home(Realm& realm) {
  const std::string home = realm.fresh_path("home");
  REQUIRE(::mkdir(home.c_str(), 0700) == 0);
  return home;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE(
    "ktutil on a terminal: lines go to ~/.krbkit_ktutil_history (0600); a new session recalls them with Up") {
  Realm& realm = Realm::shared();
  const std::string home = fresh_home(realm);
  const std::string history = home + "/.krbkit_ktutil_history";
  {
    Terminal t(realm, {krbkit_tool("ktutil")}, {"HOME=" + home});
    REQUIRE(t.expect("ktutil:  "));
    t.type("rkt " + realm.host_keytab() + "\r");
    REQUIRE(t.expect("ktutil:  "));
    t.type("clear\r");
    REQUIRE(t.expect("ktutil:  "));
    t.type("\x04");
    CHECK(t.wait() == 0);
  }
  struct stat st {};
  REQUIRE(::stat(history.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  const std::string saved = file_text(history);
  CHECK(saved.find(realm.host_keytab()) != std::string::npos);
  CHECK(saved.find("clear") != std::string::npos);

  // A new session: Up twice is the rkt line of the last one, then l lists what it read.
  Terminal t(realm, {krbkit_tool("ktutil")}, {"HOME=" + home});
  REQUIRE(t.expect("ktutil:  "));
  t.type(kUp + kUp + "\r");
  REQUIRE(t.expect("ktutil:  "));
  t.type("l\r");
  CHECK_MESSAGE(t.expect(realm.host_principal()), t.rest());
  REQUIRE(t.expect("ktutil:  "));
  t.type("\x04");
  CHECK(t.wait() == 0);
  CHECK(t.transcript().find("while reading keytab") == std::string::npos);
  CHECK(same_mode(t.mode(), t.initial_mode()));
}

TEST_CASE(
    "kadmin on a terminal: Ctrl-R finds an earlier line, which runs; the history file is kadmin's own") {
  Realm& realm = Realm::shared();
  const std::string home = fresh_home(realm);
  Terminal t(realm, kadmin_argv(realm), {"HOME=" + home});
  REQUIRE(t.expect("kadmin:  "));
  t.type("getprinc bob\r");
  REQUIRE(t.expect("Principal: " + realm.principal("bob")));
  REQUIRE(t.expect("kadmin:  "));
  t.type("getprinc carol\r");
  REQUIRE(t.expect("Principal: " + realm.principal("carol")));
  REQUIRE(t.expect("kadmin:  "));
  // Ctrl-R and "bo": the bob line, found backwards past carol's; Enter runs it.
  t.type(
      "\x12"
      "bo");
  REQUIRE_MESSAGE(t.expect("getprinc bob"), t.rest());
  t.type("\r");
  CHECK_MESSAGE(t.expect("Principal: " + realm.principal("bob")), t.rest());
  REQUIRE(t.expect("kadmin:  "));
  t.type("\x04");
  CHECK(t.wait() == 0);
  CHECK(same_mode(t.mode(), t.initial_mode()));
  const std::string saved = file_text(home + "/.krbkit_kadmin_history");
  CHECK(saved.find("carol") != std::string::npos);
  CHECK(::access((home + "/.krbkit_ktutil_history").c_str(), F_OK) != 0);
}

TEST_CASE("ktutil on a terminal: Tab completes a request name (twice lists the candidates) and an option") {
  Realm& realm = Realm::shared();
  Terminal t(realm, {krbkit_tool("ktutil")});
  REQUIRE(t.expect("ktutil:  "));
  // "rk" and Tab: "rkt " (the only request starting so), then the path.
  t.type("rk\t" + realm.host_keytab() + "\r");
  REQUIRE(t.expect("ktutil:  "));
  // "li" and Tab: "list" (what list and list_requests share); Tab again lists both.
  t.type("li\t\t");
  CHECK_MESSAGE(t.expect("list  list_requests"), t.rest());
  REQUIRE(t.expect("ktutil:  list"));
  t.type(" -e\r");  // the line is "list -e"
  CHECK_MESSAGE(t.expect(realm.host_principal() + " (aes256-cts-hmac-sha1-96)"), t.rest());
  REQUIRE(t.expect("ktutil:  "));
  // After the request name, a word started with '-' completes to an option: "--js" to "--json".
  t.type("l --js\t\r");
  CHECK_MESSAGE(t.expect("\"entries\""), t.rest());
  REQUIRE(t.expect("ktutil:  "));
  t.type("\x04");
  CHECK(t.wait() == 0);
  CHECK(t.transcript().find("Unknown request") == std::string::npos);
  CHECK(t.transcript().find("usage:") == std::string::npos);
}
