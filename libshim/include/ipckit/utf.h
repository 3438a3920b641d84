// SPDX-License-Identifier: Apache-2.0
//
// UTF-8 <-> UTF-16: parcels carry String16 (descriptors, interface
// tokens) and programs print and read UTF-8.
#pragma once

#include <string>
#include <string_view>

#include "ipckit/result.h"

namespace ipckit {

// Invalid UTF-8 (cut short, overlong, surrogates, past U+10FFFF) is
// refused with EINVAL; the message names the byte offset.
Result<std::u16string> Utf8ToUtf16(std::string_view text);
// Unpaired surrogates become U+FFFD.
std::string Utf16ToUtf8(std::u16string_view text);

}  // namespace ipckit
