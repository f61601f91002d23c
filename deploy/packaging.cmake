# Debian packages of pingan: install() rules and the CPack DEB configuration. Included
# by the top-level CMakeLists.txt. In a build directory, `cpack -G DEB` (or
# deploy/build-packages.sh from anywhere) makes three packages:
#
#   pingand       /usr/sbin/pingand, pingand.service, /etc/pingan/pingand.yaml
#                 (conffile), state in /var/lib/pingan (made by postinst, 0750 pingan)
#   pingan-agent  /usr/bin/pingan-agent, pingan-agent.service, /etc/pingan/agent.yaml
#                 (conffile), spool in /var/lib/pingan-agent
#   pinganctl     /usr/bin/pinganctl
#
# plus -dbgsym .ddeb packages with their debug symbols. Shared-library dependencies
# come from dpkg-shlibdeps; the rest are listed below with the reason. The maintainer
# scripts are in deploy/debian/<package>/, the units in deploy/systemd/.
# `make install` with these rules also writes to /etc: they are meant for packaging.

set(PINGAN_DEB_RELEASE "1" CACHE STRING "Debian revision of the packages (the part after -)")
set(PINGAN_DEB_MAINTAINER "pingan maintainers <pingan@localhost>"
    CACHE STRING "Maintainer field of the Debian packages")

set(_pkg_src ${CMAKE_CURRENT_LIST_DIR})
set(_pkg_gen ${CMAKE_BINARY_DIR}/packaging)

# /etc/pingan/pingand.yaml is deploy/pingand.example.yaml (every key explained) with
# data_dir set to the package's state directory. Failing here beats shipping a file
# that silently keeps the relative default.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_pkg_src}/pingand.example.yaml)
file(READ ${_pkg_src}/pingand.example.yaml _pingand_yaml)
set(_data_dir_line "data_dir: \"pingan-data\"")
string(FIND "${_pingand_yaml}" "${_data_dir_line}" _at)
if(_at EQUAL -1)
  message(FATAL_ERROR "packaging: deploy/pingand.example.yaml has no line '${_data_dir_line}' "
                      "to point at /var/lib/pingan; update deploy/packaging.cmake")
endif()
string(REPLACE "${_data_dir_line}" "data_dir: \"/var/lib/pingan\"" _pingand_yaml
               "${_pingand_yaml}")
file(CONFIGURE OUTPUT ${_pkg_gen}/pingand.yaml @ONLY CONTENT
"# /etc/pingan/pingand.yaml: pingand's configuration, read by pingand.service.
# Installed by the pingand package as a conffile: your changes survive upgrades (dpkg
# asks when a new version changes the packaged file too). Check a change with
#   pingand --config /etc/pingan/pingand.yaml --check-config
# then `systemctl restart pingand` (school keys alone: `systemctl reload pingand`).
#
# What follows is pingand's commented sample (the embedded default that
# `pingand --print-default-config` prints) with one change: data_dir is /var/lib/pingan.
#
@_pingand_yaml@")

# --- pingand ------------------------------------------------------------------------
install(TARGETS pingand RUNTIME DESTINATION sbin COMPONENT daemon)
install(FILES ${_pkg_gen}/pingand.yaml DESTINATION /etc/pingan COMPONENT daemon)
install(FILES ${_pkg_src}/systemd/pingand.service DESTINATION /lib/systemd/system
        COMPONENT daemon)
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md ${PROJECT_SOURCE_DIR}/docs/security.md
        ${PROJECT_SOURCE_DIR}/docs/architecture.md ${_pkg_src}/pingand.example.yaml
        DESTINATION share/doc/pingand COMPONENT daemon)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/daemon/config/examples/ DESTINATION share/doc/pingand/examples
        COMPONENT daemon)

# --- pingan-agent -------------------------------------------------------------------
install(TARGETS pingan-agent RUNTIME DESTINATION bin COMPONENT agent)
install(FILES ${_pkg_src}/agent.example.yaml DESTINATION /etc/pingan RENAME agent.yaml
        COMPONENT agent)
install(FILES ${_pkg_src}/systemd/pingan-agent.service DESTINATION /lib/systemd/system
        COMPONENT agent)
install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md ${_pkg_src}/agent.example.yaml
        DESTINATION share/doc/pingan-agent COMPONENT agent)

# --- pinganctl ----------------------------------------------------------------------
install(TARGETS pinganctl RUNTIME DESTINATION bin COMPONENT ctl)
# The load generator is an operator's tool for measuring a daemon, like pinganctl.
install(TARGETS pingan-loadgen RUNTIME DESTINATION bin COMPONENT ctl)
install(FILES ${PROJECT_SOURCE_DIR}/docs/pinganctl.md DESTINATION share/doc/pinganctl
        COMPONENT ctl)

# --- CPack ----------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pingan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${PINGAN_DEB_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL daemon agent ctl)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE ${PINGAN_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Stripped binaries in the packages, their symbols in <name>-dbgsym .ddeb files for
# reading a core dump of the duty room's daemon.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)

set(_debian ${_pkg_src}/debian)
set(CPACK_DEBIAN_DAEMON_PACKAGE_NAME pingand)
# adduser: postinst makes the pingan user. procps: /bin/kill, the unit's ExecReload.
# tzdata: date/tz reads /usr/share/zoneinfo for every calendar's time zone.
set(CPACK_DEBIAN_DAEMON_PACKAGE_DEPENDS "adduser, procps, tzdata")
# ca-certificates: HTTPS to SMS gateways and webhooks; pinganctl: bootstrap of the
# first user and token over the control socket.
set(CPACK_DEBIAN_DAEMON_PACKAGE_RECOMMENDS "ca-certificates, pinganctl")
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_EXTRA
    ${_debian}/pingand/postinst ${_debian}/pingand/prerm ${_debian}/pingand/postrm
    ${_debian}/pingand/conffiles)
set(CPACK_DEBIAN_DAEMON_DESCRIPTION
    "school safety check-ins: the bureau's daemon
pingand receives the daily all-clear, incident and monthly reports of schools over
ZeroMQ with CURVE encryption, keeps the ledger of who owed what by when, turns
silence at a deadline into alerts and escalates them (SMS gateway, e-mail,
webhook) until a person on duty acknowledges. It serves the duty console and the
HTTP API. Runs as pingand.service under the pingan user; state in /var/lib/pingan.")

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME pingan-agent)
# adduser: postinst makes the pingan user. tzdata: "today" in the school's zone.
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
    ${_debian}/pingan-agent/postinst ${_debian}/pingan-agent/prerm
    ${_debian}/pingan-agent/postrm ${_debian}/pingan-agent/conffiles)
set(CPACK_DEBIAN_AGENT_DESCRIPTION
    "school safety check-ins: the school's reporting agent
pingan-agent sends a school's all-clear, incident and monthly reports to the
bureau's pingand. Every report is written to a local spool first and resent until
the daemon acknowledges it as stored. pingan-agent.service keeps the spool
flowing; it never reports anything by itself.")

set(CPACK_DEBIAN_CTL_PACKAGE_NAME pinganctl)
# ca-certificates: pinganctl --url https://... verifies the daemon's certificate.
set(CPACK_DEBIAN_CTL_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_CTL_DESCRIPTION
    "school safety check-ins: the operator's command line
pinganctl drives a running pingand over its HTTP API with a token, or over the
local control socket on the daemon's machine: missing reports, alerts, users,
tokens, school keys, imports and exports.")

include(CPack)
