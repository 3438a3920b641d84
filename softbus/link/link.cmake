# SPDX-License-Identifier: Apache-2.0
#
# link/: the group secret and TLS 1.3 links with per-pair PSKs, and their
# host tests (loopback only: socketpairs, no network).
add_library(softbus_link STATIC
    ${SOFTBUS_DIR}/link/group_secret.cc
    ${SOFTBUS_DIR}/link/tls_link.cc)
target_include_directories(softbus_link PUBLIC ${SOFTBUS_DIR})
# Static OpenSSL (OPENSSL_USE_STATIC_LIBS): its targets bring libdl and
# threads, both inside glibc's libc.a since 2.34.
target_link_libraries(softbus_link PUBLIC OpenSSL::SSL OpenSSL::Crypto ipckit_static)

foreach(t tls_link_test group_secret_test)
    add_executable(${t} ${SOFTBUS_DIR}/tests/${t}.cc)
    target_link_libraries(${t} PRIVATE softbus_link GTest::gtest_main Threads::Threads)
    gtest_discover_tests(${t})
endforeach()
