// SPDX-License-Identifier: Apache-2.0
//
// Umbrella header of libipckit, the IPC Kit C++ API over ipckit's driver.
#pragma once

#include "ipckit/binder_driver.h"
#include "ipckit/result.h"
#include "ipckit/unique_fd.h"
