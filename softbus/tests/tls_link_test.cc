// SPDX-License-Identifier: Apache-2.0
//
// TlsLink over socketpairs (filled in next).
#include "link/tls_link.h"
