# SPDX-License-Identifier: Apache-2.0
#
# Host tests of the RPC packet codec (no kernel, no soft bus needed).
add_executable(rpc_packet_test ${RPC_DIR}/tests/packet_test.cc)
target_link_libraries(rpc_packet_test PRIVATE rpc_wire GTest::gmock GTest::gtest_main)
# The prefix lets `ctest -R rpc.` pick them all.
gtest_discover_tests(rpc_packet_test TEST_PREFIX rpc.)
