# SPDX-License-Identifier: Apache-2.0
#
# rpcd (static: the VM's initramfs has no libc).
add_library(rpc_daemon STATIC
    daemon/forward.cc
    daemon/remote_stub.cc
    daemon/rpcd.cc
    daemon/service.cc
    daemon/worker_pool.cc)
target_include_directories(rpc_daemon PUBLIC ${RPC_DIR} ${RPC_DIR}/../libshim/src)
target_link_libraries(rpc_daemon PUBLIC rpc_wire ipckit_static Threads::Threads)

add_executable(rpcd daemon/main.cc)
target_link_libraries(rpcd PRIVATE rpc_daemon)
target_link_options(rpcd PRIVATE -static)
