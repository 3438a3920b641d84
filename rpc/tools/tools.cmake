# rpctest: cross-device RPC's test service, test client and benchmark for
# the two-device lane (scripts/vm/pair-a.sh). Static, like every binary
# that runs in the VM; it reads rpcd's contract (libshim/src/rpc_protocol.h)
# and shares sbtest's command line, payloads and statistics
# (softbus/tools/tool_common.h).
add_executable(rpctest ${RPC_DIR}/tools/rpctest.cc)
target_include_directories(rpctest PRIVATE ${RPC_DIR}/../libshim/src ${RPC_DIR}/../softbus/tools)
target_link_libraries(rpctest PRIVATE rpc_wire ipckit_static Threads::Threads)
target_link_options(rpctest PRIVATE -static)
