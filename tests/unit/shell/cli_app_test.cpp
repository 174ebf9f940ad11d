// cli::App: the tools' CLI::App, which checks a new option's names itself
// (CLI11's own check is n^2 copies) and must refuse what CLI11 refuses.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/cli.hpp"

using krbkit::cli::App;

TEST_CASE("cli::App refuses an option name already taken, as CLI::App does") {
  for (bool ours : {true, false}) {
    CAPTURE(ours);
    App app{"test"};
    CLI::App plain{"test"};
    CLI::App& base = ours ? static_cast<CLI::App&>(app) : plain;
    bool a = false, b = false;
    std::string value;
    auto add = [&](auto&& adder) { return ours ? adder(app) : adder(plain); };
    add([&](auto& x) { return x.add_flag("-a,--all", a, "all"); });
    add([&](auto& x) { return x.add_option("--value", value, "a value"); });
    CHECK_THROWS_AS(add([&](auto& x) { return x.add_flag("-a", b, "again"); }), CLI::OptionAlreadyAdded);
    CHECK_THROWS_AS(add([&](auto& x) { return x.add_flag("-b,--all", b, "again"); }),
                    CLI::OptionAlreadyAdded);
    CHECK_THROWS_AS(add([&](auto& x) { return x.add_option("--value", value, "again"); }),
                    CLI::OptionAlreadyAdded);
    CHECK_THROWS_AS(add([&](auto& x) { return x.add_flag("-h", b, "help is taken"); }),
                    CLI::OptionAlreadyAdded);
    CHECK_THROWS_AS(add([&](auto& x) { return x.add_flag("positional", b, "no"); }),
                    CLI::IncorrectConstruction);
    // What was refused was not added; what was added parses.
    CHECK(base.get_options().size() == 3);  // --help, -a, --value
    add([&](auto& x) { return x.add_flag("-b", b, "b"); });
    std::vector<std::string> args{"--all", "-b", "v",
                                  "--value"};  // "--value v -b --all", reversed as CLI11 wants
    base.parse(args);
    CHECK(a);
    CHECK(b);
    CHECK(value == "v");
  }
}

TEST_CASE("cli::App lists the options in the order they were added") {
  App app{"test"};
  bool x = false, y = false;
  int n = 0;
  app.add_flag("-x", x, "first");
  app.add_option_function<int>(
      "--number", [&n](int v) { n = v; }, "second");
  app.add_flag_callback(
      "-y", [&y] { y = true; }, "third");
  std::vector<std::string> names;
  for (const auto* option : app.get_options()) names.push_back(option->get_name());
  CHECK(names == std::vector<std::string>{"--help", "-x", "--number", "-y"});
  const std::string help = app.help();
  CHECK(help.find("-x") < help.find("--number"));
  CHECK(help.find("--number") < help.find("-y"));
}
