# Two Debian packages from one build (cpack -G DEB in the build directory):
#   uml-agent   the static agent for guest images: /sbin/uml-agent, the default
#               /etc/uml-agent/config.json (a conffile), the init scripts.
#   uml-bridge  the host side: /usr/bin/uml-bridge, the uml@.service template unit.
# The rules below belong to those components only and are EXCLUDE_FROM_ALL, so a plain
# `cmake --install` keeps installing under its prefix as before (README).
set(UMLA_PKG_DIR ${CMAKE_SOURCE_DIR}/packaging)
set(UMLA_MAINTAINER "uml-agent maintainers <maintainers@users.noreply.r-seed-60ca91dd.example>")

# Man pages from the programs' own --help, and the Debian changelog, at build time.
set(UMLA_MAN_DIR ${CMAKE_BINARY_DIR}/packaging)
add_custom_command(OUTPUT ${UMLA_MAN_DIR}/uml-agent.8.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UMLA_MAN_DIR}
  COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/make-manpage.sh $<TARGET_FILE:uml-agent> uml-agent 8
          "fix up a User-Mode Linux guest at boot and report readiness" ${UMLA_MAN_DIR}/uml-agent.8.gz
  DEPENDS uml-agent ${CMAKE_SOURCE_DIR}/cmake/make-manpage.sh VERBATIM)
add_custom_command(OUTPUT ${UMLA_MAN_DIR}/uml-bridge.1.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${UMLA_MAN_DIR}
  COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/make-manpage.sh $<TARGET_FILE:uml-bridge> uml-bridge 1
          "start User-Mode Linux guests and wait until they are ready" ${UMLA_MAN_DIR}/uml-bridge.1.gz
          --subcommands
  DEPENDS uml-bridge ${CMAKE_SOURCE_DIR}/cmake/make-manpage.sh VERBATIM)
foreach(pkg uml-agent uml-bridge)
  file(MAKE_DIRECTORY ${UMLA_MAN_DIR}/${pkg})
  set(PKG ${pkg})
  set(VERSION ${PROJECT_VERSION})
  configure_file(${UMLA_PKG_DIR}/changelog.in ${UMLA_MAN_DIR}/${pkg}/changelog @ONLY)
  add_custom_command(OUTPUT ${UMLA_MAN_DIR}/${pkg}/changelog.gz
    COMMAND gzip -9n -c ${UMLA_MAN_DIR}/${pkg}/changelog > ${UMLA_MAN_DIR}/${pkg}/changelog.gz
    DEPENDS ${UMLA_MAN_DIR}/${pkg}/changelog VERBATIM)
endforeach()
add_custom_target(umla_package_docs ALL DEPENDS
  ${UMLA_MAN_DIR}/uml-agent.8.gz ${UMLA_MAN_DIR}/uml-bridge.1.gz
  ${UMLA_MAN_DIR}/uml-agent/changelog.gz ${UMLA_MAN_DIR}/uml-bridge/changelog.gz)

# uml-agent: guests are not merged-/usr as a rule, so the agent goes to /sbin itself.
install(TARGETS uml-agent RUNTIME DESTINATION /sbin COMPONENT uml-agent EXCLUDE_FROM_ALL)
install(FILES ${CMAKE_SOURCE_DIR}/initscripts/config.json DESTINATION /etc/uml-agent
        COMPONENT uml-agent EXCLUDE_FROM_ALL)
if(EXISTS ${CMAKE_SOURCE_DIR}/initscripts)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/initscripts/ DESTINATION share/uml-agent/initscripts
          USE_SOURCE_PERMISSIONS COMPONENT uml-agent EXCLUDE_FROM_ALL)
endif()
install(FILES ${UMLA_MAN_DIR}/uml-agent.8.gz DESTINATION share/man/man8
        COMPONENT uml-agent EXCLUDE_FROM_ALL)
install(FILES ${UMLA_PKG_DIR}/uml-agent/lintian-overrides DESTINATION share/lintian/overrides
        RENAME uml-agent COMPONENT uml-agent EXCLUDE_FROM_ALL)

# uml-bridge
install(TARGETS uml-bridge RUNTIME DESTINATION bin COMPONENT uml-bridge EXCLUDE_FROM_ALL)
install(FILES ${UMLA_PKG_DIR}/systemd/uml@.service DESTINATION /lib/systemd/system
        COMPONENT uml-bridge EXCLUDE_FROM_ALL)
install(FILES ${UMLA_PKG_DIR}/systemd/web.env ${UMLA_PKG_DIR}/systemd/web-check.service
        DESTINATION share/doc/uml-bridge/examples COMPONENT uml-bridge EXCLUDE_FROM_ALL)
install(PROGRAMS ${CMAKE_SOURCE_DIR}/examples/three-guests.sh
        DESTINATION share/doc/uml-bridge/examples COMPONENT uml-bridge EXCLUDE_FROM_ALL)
install(FILES ${UMLA_MAN_DIR}/uml-bridge.1.gz DESTINATION share/man/man1
        COMPONENT uml-bridge EXCLUDE_FROM_ALL)

foreach(pkg uml-agent uml-bridge)
  install(FILES ${UMLA_PKG_DIR}/copyright ${UMLA_MAN_DIR}/${pkg}/changelog.gz
          DESTINATION share/doc/${pkg} COMPONENT ${pkg} EXCLUDE_FROM_ALL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME uml-agent)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "uml-agent")
set(CPACK_PACKAGE_CONTACT ${UMLA_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL uml-agent uml-bridge)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${UMLA_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/uml-agent")

set(CPACK_DEBIAN_UML-AGENT_PACKAGE_NAME uml-agent)
set(CPACK_COMPONENT_UML-AGENT_DESCRIPTION
  "guest agent for User-Mode Linux guests: boot fixups and readiness\n\
uml-agent is one statically linked program for the root filesystem of a\n\
User-Mode Linux guest. At boot it fixes up what old images get wrong and\n\
reports each step and then its readiness over a dedicated console line to\n\
uml-bridge on the host. Install it into guest images, not on the host.")
# Static: no shared-library dependencies at all.
set(CPACK_DEBIAN_UML-AGENT_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_UML-AGENT_PACKAGE_CONTROL_EXTRA ${UMLA_PKG_DIR}/uml-agent/conffiles)

set(CPACK_DEBIAN_UML-BRIDGE_PACKAGE_NAME uml-bridge)
set(CPACK_COMPONENT_UML-BRIDGE_DESCRIPTION
  "start User-Mode Linux guests and wait until they are ready\n\
uml-bridge is the host side of uml-agent. It starts a User-Mode Linux\n\
guest with the agent's console line wired to itself, checks the host first\n\
(ubd files, e2fsck of the root image, room for guest memory), and exits\n\
once the guest reports ready, with a status scripts can trust. It supports\n\
systemd Type=notify units (uml@.service) and copy-on-write root layers.")
set(CPACK_DEBIAN_UML-BRIDGE_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_UML-BRIDGE_PACKAGE_DEPENDS "e2fsprogs")
set(CPACK_DEBIAN_UML-BRIDGE_PACKAGE_RECOMMENDS "user-mode-linux, uml-utilities")
include(CPack)
