# SPDX-License-Identifier: Apache-2.0
#
# softbusd (static: the VM's initramfs has no libc).
add_library(softbus_daemon STATIC
    daemon/channels.cc
    daemon/daemon.cc
    daemon/identity.cc
    daemon/links.cc
    daemon/log.cc
    daemon/service.cc
    daemon/sessions.cc)
target_include_directories(softbus_daemon PUBLIC ${SOFTBUS_DIR})
target_link_libraries(softbus_daemon PUBLIC softbus_wire softbus_discovery softbus_link
    ipckit_static Threads::Threads)

add_executable(softbusd daemon/main.cc)
target_link_libraries(softbusd PRIVATE softbus_daemon)
target_link_options(softbusd PRIVATE -static)
