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
target_include_directories(softbus_daemon PUBLIC ${SOFTBUS_DIR} PRIVATE ${SOFTBUS_DIR}/../libshim/src)
target_link_libraries(softbus_daemon PUBLIC softbus_wire softbus_discovery softbus_link
    ipckit_static Threads::Threads)

add_executable(softbusd daemon/main.cc)
target_link_libraries(softbusd PRIVATE softbus_daemon)
target_include_directories(softbusd PRIVATE ${SOFTBUS_DIR}/../libshim/src)
target_link_options(softbusd PRIVATE -static)

# The daemon's core on the host: two and three daemons on 127.0.0.1 in one
# process, clients on their channels (libshim/src/softbus_client.h).
add_executable(softbus_daemon_test tests/daemon_test.cc)
target_include_directories(softbus_daemon_test PRIVATE ${SOFTBUS_DIR}/../libshim/src)
target_link_libraries(softbus_daemon_test PRIVATE softbus_daemon GTest::gtest_main)
gtest_discover_tests(softbus_daemon_test TEST_PREFIX softbus. PROPERTIES TIMEOUT 300)
