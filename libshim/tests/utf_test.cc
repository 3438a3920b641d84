// SPDX-License-Identifier: Apache-2.0
//
// UTF-8 <-> UTF-16 conversion (ipckit/utf.h).
#include "ipckit/utf.h"

#include <gtest/gtest.h>

namespace ipckit {
namespace {

std::string Why(const Result<std::u16string>& r)
{
    return r ? std::string() : r.error().message;
}

TEST(Utf, ConvertsBothWaysAndRefusesInvalidUtf8)
{
    const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // a é € 😀
    auto u16 = Utf8ToUtf16(text);
    ASSERT_TRUE(u16) << Why(u16);
    EXPECT_EQ(u"a\u00e9\u20ac\U0001F600", *u16);
    EXPECT_EQ(5u, u16->size());  // the emoji is a surrogate pair
    EXPECT_EQ(text, Utf16ToUtf8(*u16));
    EXPECT_EQ(u"", Utf8ToUtf16("").value());

    EXPECT_EQ("invalid UTF-8 at byte 1", Why(Utf8ToUtf16("a\xc3")));  // cut short
    EXPECT_FALSE(Utf8ToUtf16("\xc0\x80"));                            // overlong NUL
    EXPECT_FALSE(Utf8ToUtf16("\xed\xa0\x80"));                        // a surrogate
    EXPECT_FALSE(Utf8ToUtf16("\xf4\x90\x80\x80"));                    // past U+10FFFF
    EXPECT_FALSE(Utf8ToUtf16("\x80"));
    EXPECT_EQ("x\xef\xbf\xbdy", Utf16ToUtf8(u"x\xd800y"));  // lone surrogate
}

}  // namespace
}  // namespace ipckit
