// SPDX-License-Identifier: Apache-2.0
//
// Umbrella header of libipckit, the IPC Kit C++ API over ipckit's driver
// (or the kernel's binder).
#pragma once

#include "ipckit/ashmem.h"
#include "ipckit/binder_driver.h"
#include "ipckit/ipc_errors.h"
#include "ipckit/ipc_object_proxy.h"
#include "ipckit/ipc_object_stub.h"
#include "ipckit/ipc_skeleton.h"
#include "ipckit/iremote_broker.h"
#include "ipckit/iremote_object.h"
#include "ipckit/message_option.h"
#include "ipckit/message_parcel.h"
#include "ipckit/refbase.h"
#include "ipckit/result.h"
#include "ipckit/unique_fd.h"
#include "ipckit/uring.h"
#include "ipckit/utf.h"
