#pragma once
// MIT's path token expansion (lib/krb5/os/expand_path.c), used for
// default_ccache_name, default_keytab_name and default_client_keytab_name:
//
//   %{uid}, %{USERID}  real user id          %{euid}      effective user id
//   %{username}        name of the euid      %{TEMP}      $TMPDIR, else /tmp
//   %{null}            empty                 %{LIBDIR} %{BINDIR} %{SBINDIR}  install dirs
//
// Anything else in %{...}, or a %{ without its }, is an error naming the token.

#include <string>
#include <string_view>

#include "krbkit/base/result.hpp"

namespace krbkit {

Result<std::string> expand_path_tokens(std::string_view path);

}  // namespace krbkit
