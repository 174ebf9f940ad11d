# The Debian packages (see CMakeLists.txt here). The `krbkit` package's files
# are installed only by CPack (component deb_tools, left out of a plain
# `cmake --install`): the tools under their krbkit- names, which the
# maintainer scripts register as alternatives for the plain names.
set(deb_dir ${CMAKE_CURRENT_BINARY_DIR}/deb)
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc)
set(man1_dir ${CMAKE_INSTALL_MANDIR}/man1)
file(MAKE_DIRECTORY ${deb_dir}/bash)

function(deb_install_gzipped source destination name)  # gzip -9n, as Debian wants
  set(gz ${deb_dir}/${name}.gz)
  add_custom_command(OUTPUT ${gz} COMMAND gzip -9nc ${source} > ${gz} DEPENDS ${source} VERBATIM)
  set_property(GLOBAL APPEND PROPERTY KRBKIT_DEB_GZIPPED ${gz})
  install(FILES ${gz} DESTINATION ${destination} COMPONENT deb_tools EXCLUDE_FROM_ALL)
endfunction()

# install(PROGRAMS) copies as they are; the package's copies lose their debug
# information (it stays in the build tree), as install(TARGETS) strips.
function(deb_install_stripped target destination name)
  install(PROGRAMS $<TARGET_FILE:${target}> DESTINATION ${destination} RENAME ${name}
          COMPONENT deb_tools EXCLUDE_FROM_ALL)
  install(CODE "execute_process(COMMAND ${CMAKE_STRIP} --strip-unneeded
                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${destination}/${name}\" COMMAND_ERROR_IS_FATAL ANY)"
          COMPONENT deb_tools EXCLUDE_FROM_ALL)
endfunction()

# krbkit's own commands (KRBKIT_OWN_COMMANDS: kcc, kdiag), which MIT and Heimdal do
# not have, go in under their plain names, outside the alternatives.
foreach(cmd ${KRBKIT_OWN_COMMANDS})
  deb_install_stripped(${cmd} ${CMAKE_INSTALL_BINDIR} ${cmd})
  deb_install_gzipped(${PROJECT_SOURCE_DIR}/man/${cmd}.1 ${man1_dir} ${cmd}.1)
  install(FILES ${PROJECT_SOURCE_DIR}/completions/bash/${cmd}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT deb_tools EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/completions/zsh/_${cmd}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT deb_tools EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/completions/fish/${cmd}.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT deb_tools EXCLUDE_FROM_ALL)
endforeach()
set(alternative_commands ${KRBKIT_COMMANDS})
list(REMOVE_ITEM alternative_commands ${KRBKIT_OWN_COMMANDS})
foreach(cmd ${alternative_commands})
  deb_install_stripped(${cmd} ${CMAKE_INSTALL_BINDIR} krbkit-${cmd})
  deb_install_gzipped(${PROJECT_SOURCE_DIR}/man/${cmd}.1 ${man1_dir} krbkit-${cmd}.1)
  # Completions under the plain names (what people type); each also serves
  # the krbkit- name: bash and zsh files name both, fish gets a wrapper.
  install(FILES ${PROJECT_SOURCE_DIR}/completions/bash/${cmd}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT deb_tools EXCLUDE_FROM_ALL)
  file(CREATE_LINK ${cmd} ${deb_dir}/bash/krbkit-${cmd} SYMBOLIC)
  install(FILES ${deb_dir}/bash/krbkit-${cmd}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT deb_tools EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/completions/zsh/_${cmd}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT deb_tools EXCLUDE_FROM_ALL)
  file(WRITE ${deb_dir}/fish/krbkit-${cmd}.fish "complete -c krbkit-${cmd} --wraps ${cmd}\n")
  install(FILES ${PROJECT_SOURCE_DIR}/completions/fish/${cmd}.fish ${deb_dir}/fish/krbkit-${cmd}.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT deb_tools EXCLUDE_FROM_ALL)
endforeach()
deb_install_stripped(krbkit-klist-decode ${CMAKE_INSTALL_LIBEXECDIR}/krbkit krbkit-klist-decode)
# krbkit-json(7) and the schemas it describes, beside the man pages.
deb_install_gzipped(${PROJECT_SOURCE_DIR}/man/krbkit-json.7 ${CMAKE_INSTALL_MANDIR}/man7 krbkit-json.7)
file(GLOB deb_json_schemas CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/json/*.schema.json)
install(FILES ${deb_json_schemas} DESTINATION ${CMAKE_INSTALL_DATADIR}/krbkit/json COMPONENT deb_tools
        EXCLUDE_FROM_ALL)

# Every package carries its copyright and Debian changelog.
deb_install_gzipped(${CMAKE_CURRENT_SOURCE_DIR}/debian/changelog ${doc_dir}/krbkit changelog.Debian)
foreach(package krbkit libkrbkit0 libkrbkit-dev)
  if(package STREQUAL "krbkit")
    set(component deb_tools)
  elseif(package STREQUAL "libkrbkit0")
    set(component library)
  else()
    set(component dev)
  endif()
  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/debian/copyright DESTINATION ${doc_dir}/${package}
          COMPONENT ${component} EXCLUDE_FROM_ALL)
  install(FILES ${deb_dir}/changelog.Debian.gz DESTINATION ${doc_dir}/${package}
          COMPONENT ${component} EXCLUDE_FROM_ALL)
endforeach()
get_property(gzipped GLOBAL PROPERTY KRBKIT_DEB_GZIPPED)
add_custom_target(krbkit_deb_files ALL DEPENDS ${gzipped})

# Maintainer scripts: the command list filled in.
string(REPLACE ";" " " KRBKIT_DEB_COMMANDS "${alternative_commands}")
set(maintainer_scripts)
foreach(script preinst postinst prerm postrm)
  configure_file(debian/${script}.in ${deb_dir}/${script} @ONLY)
  list(APPEND maintainer_scripts ${deb_dir}/${script})
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME krbkit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "krbkit developers <krbkit@krbkit.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL deb_tools library dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)  # the debug information stays in the build tree
set(deb_version "${PROJECT_VERSION}-1")

set(CPACK_DEBIAN_DEB_TOOLS_PACKAGE_NAME krbkit)
set(CPACK_DEBIAN_DEB_TOOLS_PACKAGE_SECTION net)
# kadmin and ktutil dlopen() libedit for their prompts (shlibdeps cannot see it).
set(CPACK_DEBIAN_DEB_TOOLS_PACKAGE_DEPENDS libedit2)
set(CPACK_DEBIAN_DEB_TOOLS_PACKAGE_CONTROL_EXTRA "${maintainer_scripts}")
set(CPACK_COMPONENT_DEB_TOOLS_DESCRIPTION
    "Kerberos client tools in place of MIT's or Heimdal's\nkinit, klist, kdestroy, kswitch, kvno, kpasswd, kadmin and ktutil, installed\nas krbkit-<command> and chosen with update-alternatives beside MIT's and\nHeimdal's tools; caches and keytabs are shared with both. Also kcc, which\ncopies tickets between caches and to and from KRB-CRED (.kirbi) files, and\nkdiag, which finds what is wrong between a host and its realm's servers.")
set(CPACK_DEBIAN_LIBRARY_PACKAGE_NAME libkrbkit0)
set(CPACK_DEBIAN_LIBRARY_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIBRARY_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/debian/triggers)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # shlibs file and ldconfig trigger of libkrbkit0
set(CPACK_COMPONENT_LIBRARY_DESCRIPTION
    "Kerberos 5 client library of krbkit\nThe AS, TGS, kpasswd and kadmin exchanges, credential caches and keytabs\nthat the krbkit tools are built on.")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libkrbkit-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libkrbkit0 (= ${deb_version}), libfmt-dev, nlohmann-json3-dev")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Kerberos 5 client library of krbkit: development files\nHeaders, krbkit.pc for pkg-config and the CMake package for\nfind_package(krbkit).")
include(CPack)
