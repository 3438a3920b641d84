# sbtest: the soft bus's test and benchmark client for the two-device lane
# (scripts/vm/pair-a.sh). Static, like every binary that runs in the VM.
add_executable(sbtest ${SOFTBUS_DIR}/tools/sbtest.cc)
target_link_libraries(sbtest PRIVATE ipckit_static Threads::Threads)
target_link_options(sbtest PRIVATE -static)
