// SPDX-License-Identifier: Apache-2.0
//
// The roles of ipckit-shim-bench, each a process of its own (the
// coordinator starts the others by exec of itself, with IPCKIT_DEVICE set).
#pragma once

namespace shimbench {

// The stub, as the context manager of IPCKIT_DEVICE (bench_server.cc).
int ServerMain();
// The measurements on IPCKIT_DEVICE, as the coordinator asks for them on
// stdin; the samples go to stdout (bench_client.cc).
int ClientMain();

}  // namespace shimbench
