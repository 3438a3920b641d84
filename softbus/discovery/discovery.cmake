# SPDX-License-Identifier: Apache-2.0
#
# CoAP discovery: the JSON payload (discovery_payload), the CoAP message
# (coap_message, libcoap as the codec) and the UDP socket that sends and
# hears announcements (coap_discovery). Included by softbus/CMakeLists.txt.
add_library(softbus_discovery STATIC
    ${SOFTBUS_DIR}/discovery/discovery_payload.cc
    ${SOFTBUS_DIR}/discovery/coap_message.cc
    ${SOFTBUS_DIR}/discovery/coap_discovery.cc)
target_include_directories(softbus_discovery PUBLIC ${SOFTBUS_DIR})
# libcoap's headers from pkg-config; its code from the static archive.
target_include_directories(softbus_discovery PRIVATE ${COAP_INCLUDE_DIRS})
target_link_libraries(softbus_discovery PUBLIC nlohmann_json::nlohmann_json ${COAP_STATIC_LIB}
    ipckit_static)

add_executable(softbus_discovery_test ${SOFTBUS_DIR}/tests/discovery_test.cc)
target_include_directories(softbus_discovery_test PRIVATE ${COAP_INCLUDE_DIRS})
target_link_libraries(softbus_discovery_test PRIVATE softbus_discovery GTest::gtest_main)
# The prefix lets `ctest -R discovery` pick them all.
gtest_discover_tests(softbus_discovery_test TEST_PREFIX "discovery.")
