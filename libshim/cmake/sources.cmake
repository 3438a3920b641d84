# SPDX-License-Identifier: Apache-2.0
#
# libipckit's sources, in one list: the library build and the host fuzzers
# (fuzz/host, which compile them again with clang's fuzz sanitizers) share it.
set(IPCKIT_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/..)
set(IPCKIT_SOURCES
    ${IPCKIT_SOURCE_DIR}/src/binder_driver.cc
    ${IPCKIT_SOURCE_DIR}/src/refbase.cc
    ${IPCKIT_SOURCE_DIR}/src/ipc_errors.cc
    ${IPCKIT_SOURCE_DIR}/src/message_parcel.cc
    ${IPCKIT_SOURCE_DIR}/src/message_parcel_objects.cc
    ${IPCKIT_SOURCE_DIR}/src/ashmem.cc
    ${IPCKIT_SOURCE_DIR}/src/ipc_object_stub.cc
    ${IPCKIT_SOURCE_DIR}/src/ipc_object_proxy.cc
    ${IPCKIT_SOURCE_DIR}/src/iremote_broker.cc
    ${IPCKIT_SOURCE_DIR}/src/ipc_skeleton.cc
    ${IPCKIT_SOURCE_DIR}/src/ipc_process.cc
    ${IPCKIT_SOURCE_DIR}/src/ipc_thread.cc
    ${IPCKIT_SOURCE_DIR}/src/uring_looper.cc
    ${IPCKIT_SOURCE_DIR}/src/system_ability_manager_proxy.cc
    ${IPCKIT_SOURCE_DIR}/src/system_ability_manager_stub.cc
    ${IPCKIT_SOURCE_DIR}/src/system_ability_manager_remote.cc
    ${IPCKIT_SOURCE_DIR}/src/system_ability_status_change.cc
    ${IPCKIT_SOURCE_DIR}/src/utf.cc
    ${IPCKIT_SOURCE_DIR}/src/softbus_client.cc
    ${IPCKIT_SOURCE_DIR}/../softbus/wire/frame.cc)
# softbus/wire: the frame codec the client shares with softbusd.
# What the sources link (src/uring_looper.cc: liburing); each library built
# from IPCKIT_SOURCES, here and in fuzz/host, links these PUBLIC.
# By name, not path: -luring finds liburing.a for -static links.
find_library(IPCKIT_URING_LIBRARY NAMES uring REQUIRED)
set(IPCKIT_LINK_LIBRARIES uring)
set(IPCKIT_INCLUDE_DIRS ${IPCKIT_SOURCE_DIR}/include ${IPCKIT_SOURCE_DIR}/../uapi
    ${IPCKIT_SOURCE_DIR}/../softbus)
