// SPDX-License-Identifier: Apache-2.0
//
// Host tests of Parcel and MessageParcel: the wire layout IPC Kit code
// expects, round trips, refusal of malformed data, capacity, objects, file
// descriptors and shared memory. No kernel module needed.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <ipckit/ashmem.h>
#include <ipckit/message_parcel.h>
#include <linux/ipckit.h>

// Internal: the RPC trailers the library strips and appends.
#include "../src/rpc_trailer.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

namespace {

using ipckit::Ashmem;
using ipckit::MakeSptr;
using ipckit::MessageParcel;
using ipckit::Parcel;
using ipckit::Parcelable;
using ipckit::RefBase;
using ipckit::sptr;

// The parcel's bytes, for layout checks.
std::vector<uint8_t> Bytes(const Parcel& p) {
    const auto* d = reinterpret_cast<const uint8_t*>(p.GetData());
    return d ? std::vector<uint8_t>(d, d + p.GetDataSize()) : std::vector<uint8_t>{};
}

int32_t Int32At(const Parcel& p, std::size_t offset) {
    int32_t v = 0;
    std::memcpy(&v, reinterpret_cast<const uint8_t*>(p.GetData()) + offset, sizeof(v));
    return v;
}

std::vector<uint8_t> Pattern(std::size_t size) {
    std::vector<uint8_t> v(size);
    for (std::size_t i = 0; i < size; ++i)
        v[i] = static_cast<uint8_t>((i * 131u + (i >> 8)) & 0xff);
    return v;
}

// Closes on scope exit, so a failing ASSERT does not leak descriptors.
struct Fd {
    int fd = -1;
    explicit Fd(int f = -1) : fd(f) {}
    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

class Point : public Parcelable {
public:
    Point(int32_t x, int32_t y) : x_(x), y_(y) {}
    bool Marshalling(Parcel& parcel) const override {
        return parcel.WriteInt32(x_) && parcel.WriteInt32(y_);
    }
    static Point* Unmarshalling(Parcel& parcel) {
        int32_t x = 0;
        int32_t y = 0;
        if (!parcel.ReadInt32(x) || !parcel.ReadInt32(y))
            return nullptr;
        return new Point(x, y);
    }
    int32_t x_;
    int32_t y_;
};

// Writes something, then gives up: WriteParcelable must undo it.
class HalfWritten : public Parcelable {
public:
    bool Marshalling(Parcel& parcel) const override {
        parcel.WriteInt64(42);
        return false;
    }
};

class Tracked : public RefBase {
public:
    explicit Tracked(bool* destroyed) : destroyed_(destroyed) {}
    ~Tracked() override { *destroyed_ = true; }

private:
    bool* destroyed_;
};

// --- layout ------------------------------------------------------------------

TEST(ParcelLayout, SmallTypesTakeAnInt32Slot) {
    Parcel p;
    ASSERT_TRUE(p.WriteBool(true));
    ASSERT_TRUE(p.WriteInt8(-1));
    EXPECT_EQ(8u, p.GetDataSize());
    EXPECT_EQ(1, Int32At(p, 0));
    EXPECT_EQ(-1, Int32At(p, 4));
    ASSERT_TRUE(p.WriteInt16(-2));
    ASSERT_TRUE(p.WriteUint8(0xff));
    ASSERT_TRUE(p.WriteUint16(0xffff));
    EXPECT_EQ(20u, p.GetDataSize());
    EXPECT_EQ(-2, Int32At(p, 8));
    EXPECT_EQ(0xff, Int32At(p, 12));
    EXPECT_EQ(0xffff, Int32At(p, 16));
}

TEST(ParcelLayout, EightByteValuesAreOnlyFourAligned) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(7));
    ASSERT_TRUE(p.WriteInt64(0x1122334455667788LL));
    ASSERT_TRUE(p.WriteDouble(1.5));
    ASSERT_TRUE(p.WritePointer(0xdeadbeef));
    ASSERT_TRUE(p.WriteFloat(2.5f));
    EXPECT_EQ(4u + 8 + 8 + 8 + 4, p.GetDataSize());
    EXPECT_EQ(0x55667788, Int32At(p, 4));  // little-endian, no gap after the int32
    EXPECT_EQ(0x11223344, Int32At(p, 8));
}

TEST(ParcelLayout, StringIsLengthBytesNulPadding) {
    Parcel p;
    ASSERT_TRUE(p.WriteString("ab"));
    EXPECT_EQ((std::vector<uint8_t>{2, 0, 0, 0, 'a', 'b', 0, 0}), Bytes(p));
    ASSERT_TRUE(p.WriteString(""));
    EXPECT_EQ(16u, p.GetDataSize());  // 0 length, then a NUL padded to 4
    EXPECT_EQ(0, Int32At(p, 8));
    ASSERT_TRUE(p.WriteString("abc"));  // 3 bytes + NUL fill one slot exactly
    EXPECT_EQ(24u, p.GetDataSize());
}

TEST(ParcelLayout, String16IsUnitsThenUtf16AndNul) {
    Parcel p;
    ASSERT_TRUE(p.WriteString16(u"ab"));
    EXPECT_EQ((std::vector<uint8_t>{2, 0, 0, 0, 'a', 0, 'b', 0, 0, 0, 0, 0}), Bytes(p));
    ASSERT_TRUE(p.WriteString16(u"abc"));  // 4 units with the NUL: 8 bytes
    EXPECT_EQ(12u + 4 + 8, p.GetDataSize());
}

TEST(ParcelLayout, BufferIsPaddedWithZeroesAndHasNoLength) {
    Parcel p;
    const uint8_t data[5] = {1, 2, 3, 4, 5};
    ASSERT_TRUE(p.WriteBuffer(data, sizeof(data)));
    EXPECT_EQ((std::vector<uint8_t>{1, 2, 3, 4, 5, 0, 0, 0}), Bytes(p));
    ASSERT_TRUE(p.WriteUnpadBuffer(data, 1));
    EXPECT_EQ(12u, p.GetDataSize());  // padded too, so later values stay aligned
    EXPECT_FALSE(p.WriteBuffer(nullptr, 4));
    EXPECT_FALSE(p.WriteBuffer(data, 0));
    EXPECT_EQ(12u, p.GetDataSize());
}

TEST(ParcelLayout, PaddingIsZeroedOverOldData) {
    Parcel p;
    ASSERT_TRUE(p.WriteString("abcdefg"));
    ASSERT_TRUE(p.RewindWrite(0));
    ASSERT_TRUE(p.WriteString("a"));  // its padding lands where "cd" was
    EXPECT_EQ((std::vector<uint8_t>{1, 0, 0, 0, 'a', 0, 0, 0}), Bytes(p));
}

TEST(ParcelLayout, VectorIsCountThenElements) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt8Vector({1, -1, 3}));
    EXPECT_EQ(4u + 3 * 4, p.GetDataSize());
    EXPECT_EQ(3, Int32At(p, 0));
    EXPECT_EQ(-1, Int32At(p, 8));
    ASSERT_TRUE(p.WriteBoolVector({true, false}));
    EXPECT_EQ(16u + 4 + 2 * 4, p.GetDataSize());
    ASSERT_TRUE(p.WriteStringVector({"ab", ""}));
    EXPECT_EQ(28u + 4 + 8 + 8, p.GetDataSize());
}

// --- round trips -------------------------------------------------------------

TEST(ParcelRoundTrip, ScalarsAtTheirExtremes) {
    Parcel p;
    ASSERT_TRUE(p.WriteBool(true));
    ASSERT_TRUE(p.WriteBool(false));
    ASSERT_TRUE(p.WriteInt8(INT8_MIN));
    ASSERT_TRUE(p.WriteInt8(INT8_MAX));
    ASSERT_TRUE(p.WriteInt16(INT16_MIN));
    ASSERT_TRUE(p.WriteInt16(INT16_MAX));
    ASSERT_TRUE(p.WriteInt32(INT32_MIN));
    ASSERT_TRUE(p.WriteInt32(INT32_MAX));
    ASSERT_TRUE(p.WriteInt64(INT64_MIN));
    ASSERT_TRUE(p.WriteInt64(INT64_MAX));
    ASSERT_TRUE(p.WriteUint8(UINT8_MAX));
    ASSERT_TRUE(p.WriteUint16(UINT16_MAX));
    ASSERT_TRUE(p.WriteUint32(UINT32_MAX));
    ASSERT_TRUE(p.WriteUint64(UINT64_MAX));
    ASSERT_TRUE(p.WriteFloat(-std::numeric_limits<float>::max()));
    ASSERT_TRUE(p.WriteDouble(std::numeric_limits<double>::denorm_min()));
    ASSERT_TRUE(p.WritePointer(UINTPTR_MAX));

    EXPECT_TRUE(p.ReadBool());
    EXPECT_FALSE(p.ReadBool());
    EXPECT_EQ(INT8_MIN, p.ReadInt8());
    EXPECT_EQ(INT8_MAX, p.ReadInt8());
    EXPECT_EQ(INT16_MIN, p.ReadInt16());
    EXPECT_EQ(INT16_MAX, p.ReadInt16());
    EXPECT_EQ(INT32_MIN, p.ReadInt32());
    EXPECT_EQ(INT32_MAX, p.ReadInt32());
    EXPECT_EQ(INT64_MIN, p.ReadInt64());
    EXPECT_EQ(INT64_MAX, p.ReadInt64());
    EXPECT_EQ(UINT8_MAX, p.ReadUint8());
    EXPECT_EQ(UINT16_MAX, p.ReadUint16());
    EXPECT_EQ(UINT32_MAX, p.ReadUint32());
    EXPECT_EQ(UINT64_MAX, p.ReadUint64());
    EXPECT_EQ(-std::numeric_limits<float>::max(), p.ReadFloat());
    EXPECT_EQ(std::numeric_limits<double>::denorm_min(), p.ReadDouble());
    EXPECT_EQ(UINTPTR_MAX, p.ReadPointer());
    EXPECT_EQ(0u, p.GetReadableBytes());
}

TEST(ParcelRoundTrip, TypedReadsGiveTheSameValues) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt8(-5));
    ASSERT_TRUE(p.WriteUint16(40000));
    ASSERT_TRUE(p.WriteInt64(-1));
    ASSERT_TRUE(p.WriteBool(true));
    int8_t i8 = 0;
    uint16_t u16 = 0;
    int64_t i64 = 0;
    bool b = false;
    ASSERT_TRUE(p.ReadInt8(i8));
    ASSERT_TRUE(p.ReadUint16(u16));
    ASSERT_TRUE(p.ReadInt64(i64));
    ASSERT_TRUE(p.ReadBool(b));
    EXPECT_EQ(-5, i8);
    EXPECT_EQ(40000, u16);
    EXPECT_EQ(-1, i64);
    EXPECT_TRUE(b);
}

TEST(ParcelRoundTrip, NaNPayloadBitsSurvive) {
    const uint32_t fbits = 0x7fa12345;  // a signalling NaN with a payload
    const uint64_t dbits = 0xfff0000000abcdefULL;
    float f;
    double d;
    std::memcpy(&f, &fbits, sizeof(f));
    std::memcpy(&d, &dbits, sizeof(d));
    Parcel p;
    ASSERT_TRUE(p.WriteFloat(f));
    ASSERT_TRUE(p.WriteDouble(d));
    float rf = 0;
    double rd = 0;
    ASSERT_TRUE(p.ReadFloat(rf));
    ASSERT_TRUE(p.ReadDouble(rd));
    uint32_t rfbits;
    uint64_t rdbits;
    std::memcpy(&rfbits, &rf, sizeof(rf));
    std::memcpy(&rdbits, &rd, sizeof(rd));
    EXPECT_EQ(fbits, rfbits);
    EXPECT_EQ(dbits, rdbits);
}

TEST(ParcelRoundTrip, Strings) {
    const std::string utf8 = "h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x98\x80";
    const std::string withNul("a\0b", 3);
    const std::u16string surrogates = u"x\U0001F600y";  // one pair in the middle
    ASSERT_EQ(4u, surrogates.size());
    Parcel p;
    ASSERT_TRUE(p.WriteString(""));
    ASSERT_TRUE(p.WriteString(utf8));
    ASSERT_TRUE(p.WriteString(withNul));
    ASSERT_TRUE(p.WriteString16(u""));
    ASSERT_TRUE(p.WriteString16(surrogates));
    ASSERT_TRUE(p.WriteString(std::string(1000, 'z')));

    EXPECT_EQ("", p.ReadString());
    EXPECT_EQ(utf8, p.ReadString());
    std::string s;
    ASSERT_TRUE(p.ReadString(s));
    EXPECT_EQ(withNul, s);
    std::u16string s16 = u"junk";
    ASSERT_TRUE(p.ReadString16(s16));
    EXPECT_EQ(u"", s16);
    EXPECT_EQ(surrogates, p.ReadString16());
    EXPECT_EQ(std::string(1000, 'z'), p.ReadString());
    EXPECT_EQ(0u, p.GetReadableBytes());
}

TEST(ParcelRoundTrip, CStringPointsIntoTheData) {
    Parcel p;
    ASSERT_TRUE(p.WriteCString("hello"));
    ASSERT_TRUE(p.WriteCString(""));
    EXPECT_FALSE(p.WriteCString(nullptr));
    EXPECT_EQ(4u + 8 + 4 + 4, p.GetDataSize());
    const char* a = p.ReadCString();
    ASSERT_NE(nullptr, a);
    EXPECT_STREQ("hello", a);
    EXPECT_EQ(reinterpret_cast<const char*>(p.GetData()) + 4, a);
    const char* b = p.ReadCString();
    ASSERT_NE(nullptr, b);
    EXPECT_STREQ("", b);
    EXPECT_EQ(nullptr, p.ReadCString());
}

TEST(ParcelRoundTrip, Buffers) {
    const auto data = Pattern(13);
    Parcel p;
    ASSERT_TRUE(p.WriteBuffer(data.data(), data.size()));
    ASSERT_TRUE(p.WriteUnpadBuffer(data.data(), 3));
    ASSERT_TRUE(p.WriteInt32(99));
    const uint8_t* r = p.ReadBuffer(13);
    ASSERT_NE(nullptr, r);
    EXPECT_EQ(0, std::memcmp(data.data(), r, 13));
    const uint8_t* u = p.ReadUnpadBuffer(3);
    ASSERT_NE(nullptr, u);
    EXPECT_EQ(0, std::memcmp(data.data(), u, 3));
    EXPECT_EQ(99, p.ReadInt32());  // the padding was skipped on both sides
    EXPECT_EQ(nullptr, p.ReadBuffer(0));
}

TEST(ParcelRoundTrip, VectorsOfEveryType) {
    const std::vector<bool> vb{true, false, true};
    const std::vector<int8_t> v8{INT8_MIN, 0, INT8_MAX};
    const std::vector<int16_t> v16{INT16_MIN, -1, INT16_MAX};
    const std::vector<int32_t> v32{INT32_MIN, 0, INT32_MAX};
    const std::vector<int64_t> v64{INT64_MIN, 1, INT64_MAX};
    const std::vector<uint8_t> vu8{0, 0x80, 0xff};
    const std::vector<uint16_t> vu16{0, 0x8000, 0xffff};
    const std::vector<uint32_t> vu32{0, UINT32_MAX};
    const std::vector<uint64_t> vu64{UINT64_MAX, 0};
    const std::vector<float> vf{-0.0f, 1e-30f, std::numeric_limits<float>::infinity()};
    const std::vector<double> vd{3.141592653589793, -1e300};
    const std::vector<std::string> vs{"", "a", "\xe2\x82\xac", std::string(17, 'q')};
    const std::vector<std::u16string> vs16{u"", u"\U0001F600", u"abc"};

    Parcel p;
    ASSERT_TRUE(p.WriteBoolVector(vb));
    ASSERT_TRUE(p.WriteInt8Vector(v8));
    ASSERT_TRUE(p.WriteInt16Vector(v16));
    ASSERT_TRUE(p.WriteInt32Vector(v32));
    ASSERT_TRUE(p.WriteInt64Vector(v64));
    ASSERT_TRUE(p.WriteUInt8Vector(vu8));
    ASSERT_TRUE(p.WriteUInt16Vector(vu16));
    ASSERT_TRUE(p.WriteUInt32Vector(vu32));
    ASSERT_TRUE(p.WriteUInt64Vector(vu64));
    ASSERT_TRUE(p.WriteFloatVector(vf));
    ASSERT_TRUE(p.WriteDoubleVector(vd));
    ASSERT_TRUE(p.WriteStringVector(vs));
    ASSERT_TRUE(p.WriteString16Vector(vs16));
    ASSERT_TRUE(p.WriteInt32Vector({}));

    std::vector<bool> rb;
    std::vector<int8_t> r8;
    std::vector<int16_t> r16;
    std::vector<int32_t> r32;
    std::vector<int64_t> r64;
    std::vector<uint8_t> ru8;
    std::vector<uint16_t> ru16;
    std::vector<uint32_t> ru32;
    std::vector<uint64_t> ru64;
    std::vector<float> rf;
    std::vector<double> rd;
    std::vector<std::string> rs;
    std::vector<std::u16string> rs16;
    std::vector<int32_t> empty{1, 2};
    ASSERT_TRUE(p.ReadBoolVector(&rb));
    ASSERT_TRUE(p.ReadInt8Vector(&r8));
    ASSERT_TRUE(p.ReadInt16Vector(&r16));
    ASSERT_TRUE(p.ReadInt32Vector(&r32));
    ASSERT_TRUE(p.ReadInt64Vector(&r64));
    ASSERT_TRUE(p.ReadUInt8Vector(&ru8));
    ASSERT_TRUE(p.ReadUInt16Vector(&ru16));
    ASSERT_TRUE(p.ReadUInt32Vector(&ru32));
    ASSERT_TRUE(p.ReadUInt64Vector(&ru64));
    ASSERT_TRUE(p.ReadFloatVector(&rf));
    ASSERT_TRUE(p.ReadDoubleVector(&rd));
    ASSERT_TRUE(p.ReadStringVector(&rs));
    ASSERT_TRUE(p.ReadString16Vector(&rs16));
    ASSERT_TRUE(p.ReadInt32Vector(&empty));
    EXPECT_EQ(vb, rb);
    EXPECT_EQ(v8, r8);
    EXPECT_EQ(v16, r16);
    EXPECT_EQ(v32, r32);
    EXPECT_EQ(v64, r64);
    EXPECT_EQ(vu8, ru8);
    EXPECT_EQ(vu16, ru16);
    EXPECT_EQ(vu32, ru32);
    EXPECT_EQ(vu64, ru64);
    EXPECT_EQ(vf, rf);
    EXPECT_TRUE(std::signbit(rf[0]));
    EXPECT_EQ(vd, rd);
    EXPECT_EQ(vs, rs);
    EXPECT_EQ(vs16, rs16);
    EXPECT_TRUE(empty.empty());
    EXPECT_EQ(0u, p.GetReadableBytes());
    EXPECT_FALSE(p.ReadInt32Vector(nullptr));
}

TEST(ParcelRoundTrip, Parcelable) {
    Parcel p;
    const sptr<Point> point = MakeSptr<Point>(-3, 77);
    ASSERT_TRUE(p.WriteParcelable(nullptr));
    ASSERT_TRUE(p.WriteParcelable(point.GetRefPtr()));
    EXPECT_EQ(4u + 4 + 8, p.GetDataSize());
    EXPECT_EQ(0, Int32At(p, 0));
    EXPECT_EQ(1, Int32At(p, 4));

    EXPECT_EQ(nullptr, p.ReadParcelable<Point>());
    sptr<Point> back = p.ReadParcelable<Point>();
    ASSERT_TRUE(back);
    EXPECT_EQ(-3, back->x_);
    EXPECT_EQ(77, back->y_);
    EXPECT_EQ(1, back->GetSptrRefCount());
    EXPECT_EQ(nullptr, p.ReadParcelable<Point>());  // nothing left
}

TEST(ParcelRoundTrip, FailedMarshallingIsUndone) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(5));
    const sptr<HalfWritten> half = MakeSptr<HalfWritten>();
    EXPECT_FALSE(p.WriteParcelable(half.GetRefPtr()));
    EXPECT_EQ(4u, p.GetDataSize());
    EXPECT_EQ(4u, p.GetWritePosition());
    ASSERT_TRUE(p.WriteInt32(6));
    EXPECT_EQ(5, p.ReadInt32());
    EXPECT_EQ(6, p.ReadInt32());
}

// --- failures ----------------------------------------------------------------

TEST(ParcelRead, PastTheEndFailsAndKeepsThePosition) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(1));
    ASSERT_TRUE(p.WriteInt32(2));
    EXPECT_EQ(1, p.ReadInt32());
    // 4 bytes left: an int64 does not fit.
    int64_t v = 123;
    EXPECT_FALSE(p.ReadInt64(v));
    EXPECT_EQ(123, v);  // untouched
    EXPECT_EQ(0, p.ReadInt64());
    EXPECT_EQ(0.0, p.ReadDouble());
    EXPECT_EQ(0u, p.ReadPointer());
    EXPECT_EQ(4u, p.GetReadPosition());
    EXPECT_EQ(2, p.ReadInt32());
    EXPECT_EQ(0, p.ReadInt32());
    EXPECT_FALSE(p.ReadBool());
    EXPECT_EQ("", p.ReadString());
    EXPECT_EQ(u"", p.ReadString16());
    EXPECT_EQ(nullptr, p.ReadBuffer(1));
    EXPECT_EQ(nullptr, p.ReadUnpadBuffer(1));
    EXPECT_EQ(8u, p.GetReadPosition());

    Parcel empty;
    EXPECT_EQ(0, empty.ReadInt32());
    EXPECT_EQ(nullptr, empty.ReadCString());
    std::vector<int32_t> v32;
    EXPECT_FALSE(empty.ReadInt32Vector(&v32));
}

TEST(ParcelRead, NegativeStringLengthIsRefused) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(-1));  // IPC Kit's null string
    ASSERT_TRUE(p.WriteInt32(0));
    std::string s = "keep";
    EXPECT_FALSE(p.ReadString(s));
    EXPECT_EQ("keep", s);
    EXPECT_EQ(0u, p.GetReadPosition());
    EXPECT_EQ(nullptr, p.ReadCString());
    std::u16string s16 = u"keep";
    EXPECT_FALSE(p.ReadString16(s16));
    EXPECT_EQ(u"keep", s16);
    ASSERT_TRUE(p.RewindWrite(0));
    ASSERT_TRUE(p.WriteInt32(INT32_MIN));
    ASSERT_TRUE(p.WriteInt32(0));
    EXPECT_EQ(u"", p.ReadString16());
    EXPECT_EQ(0u, p.GetReadPosition());
}

TEST(ParcelRead, StringLongerThanTheDataIsRefused) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(8));  // claims 8 bytes + NUL; only 8 follow
    ASSERT_TRUE(p.WriteUint64(0x4141414141414141ULL));
    EXPECT_EQ("", p.ReadString());
    EXPECT_EQ(0u, p.GetReadPosition());
    ASSERT_TRUE(p.RewindWrite(0));
    ASSERT_TRUE(p.WriteInt32(INT32_MAX));  // would overflow a careless length + 1
    ASSERT_TRUE(p.WriteInt32(0));
    EXPECT_EQ(nullptr, p.ReadCString());
    EXPECT_EQ(u"", p.ReadString16());
    EXPECT_EQ(0u, p.GetReadPosition());
}

TEST(ParcelRead, StringWithoutNulIsRefused) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(4));
    const char text[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};  // no NUL at [4]
    ASSERT_TRUE(p.WriteBuffer(text, sizeof(text)));
    std::string s;
    EXPECT_FALSE(p.ReadString(s));
    EXPECT_EQ(nullptr, p.ReadCString());
    EXPECT_EQ(0u, p.GetReadPosition());

    Parcel q;
    ASSERT_TRUE(q.WriteInt32(1));
    const char16_t units[2] = {u'a', u'b'};  // no 16-bit NUL at [1]
    ASSERT_TRUE(q.WriteBuffer(units, sizeof(units)));
    std::u16string s16;
    EXPECT_FALSE(q.ReadString16(s16));
    EXPECT_EQ(0u, q.GetReadPosition());
}

TEST(ParcelRead, HugeVectorCountFailsFast) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(0x7fffffff));
    ASSERT_TRUE(p.WriteInt64(1));
    ASSERT_TRUE(p.WriteInt64(2));
    // Reserving 0x7fffffff elements would throw or take gigabytes.
    std::vector<int64_t> v64{9};
    EXPECT_FALSE(p.ReadInt64Vector(&v64));
    EXPECT_EQ(std::vector<int64_t>{9}, v64);
    std::vector<std::string> vs;
    EXPECT_FALSE(p.ReadStringVector(&vs));
    std::vector<std::u16string> vs16;
    EXPECT_FALSE(p.ReadString16Vector(&vs16));
    std::vector<bool> vb;
    EXPECT_FALSE(p.ReadBoolVector(&vb));
    EXPECT_EQ(0u, p.GetReadPosition());

    Parcel q;  // one element short
    ASSERT_TRUE(q.WriteInt32(3));
    ASSERT_TRUE(q.WriteInt32(1));
    ASSERT_TRUE(q.WriteInt32(2));
    std::vector<int32_t> v32;
    EXPECT_FALSE(q.ReadInt32Vector(&v32));
    EXPECT_EQ(0u, q.GetReadPosition());
    Parcel r;
    ASSERT_TRUE(r.WriteInt32(-1));
    EXPECT_FALSE(r.ReadInt32Vector(&v32));
}

TEST(ParcelRead, BadElementFailsTheWholeVector) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(2));
    ASSERT_TRUE(p.WriteString("fine"));
    ASSERT_TRUE(p.WriteInt32(-7));  // second element: negative length
    ASSERT_TRUE(p.WriteInt32(0));
    std::vector<std::string> vs{"old"};
    EXPECT_FALSE(p.ReadStringVector(&vs));
    EXPECT_EQ(std::vector<std::string>{"old"}, vs);
    EXPECT_EQ(0u, p.GetReadPosition());
}

// --- capacity and positions --------------------------------------------------

TEST(ParcelCapacity, WritesStopAtTheMaxCapacity) {
    Parcel p;
    EXPECT_EQ(Parcel::kDefaultMaxCapacity, p.GetMaxCapacity());
    const auto big = Pattern(Parcel::kDefaultMaxCapacity - 8);
    ASSERT_TRUE(p.WriteBuffer(big.data(), big.size()));
    ASSERT_TRUE(p.WriteInt32(1));
    EXPECT_LE(p.GetDataCapacity(), Parcel::kDefaultMaxCapacity);
    EXPECT_FALSE(p.WriteInt64(2));  // 4 bytes left
    EXPECT_FALSE(p.WriteString("abc"));
    EXPECT_FALSE(p.WriteInt32Vector({1, 2}));
    const std::size_t size = p.GetDataSize();
    ASSERT_TRUE(p.WriteInt32(3));  // exactly fills it
    EXPECT_EQ(Parcel::kDefaultMaxCapacity, p.GetDataSize());
    EXPECT_FALSE(p.WriteBool(true));
    EXPECT_EQ(size + 4, p.GetDataSize());
    EXPECT_EQ(0u, p.GetWritableBytes());

    ASSERT_TRUE(p.SetMaxCapacity(Parcel::kDefaultMaxCapacity * 2));
    EXPECT_TRUE(p.WriteInt64(2));
    EXPECT_TRUE(p.WriteString("abc"));
    EXPECT_FALSE(p.SetMaxCapacity(16));  // below the data
    EXPECT_EQ(Parcel::kDefaultMaxCapacity * 2, p.GetMaxCapacity());
    // The data survived the growth.
    const uint8_t* back = p.ReadBuffer(big.size());
    ASSERT_NE(nullptr, back);
    EXPECT_EQ(0, std::memcmp(big.data(), back, big.size()));
}

TEST(ParcelCapacity, TooLargeSingleWriteChangesNothing) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(1));
    const std::vector<int32_t> tooMany(Parcel::kDefaultMaxCapacity / 4, 7);
    EXPECT_FALSE(p.WriteInt32Vector(tooMany));
    EXPECT_FALSE(p.WriteString(std::string(Parcel::kDefaultMaxCapacity, 'x')));
    EXPECT_FALSE(p.WriteStringVector({std::string(110000, 'a'), std::string(110000, 'b')}));
    EXPECT_EQ(4u, p.GetDataSize());
    EXPECT_EQ(4u, p.GetWritePosition());
    EXPECT_EQ(1, p.ReadInt32());
    EXPECT_EQ(0u, p.GetReadableBytes());
}

TEST(ParcelCapacity, LoweredMaxCapacityApplies) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt64(1));
    ASSERT_TRUE(p.SetMaxCapacity(12));
    EXPECT_LE(p.GetDataCapacity(), 12u);
    EXPECT_EQ(12u - 8, p.GetWritableBytes());
    EXPECT_TRUE(p.WriteInt32(2));
    EXPECT_FALSE(p.WriteInt32(3));
    EXPECT_EQ(1, p.ReadInt64());
    EXPECT_EQ(2, p.ReadInt32());
}

TEST(ParcelCapacity, SetDataCapacityAndSize) {
    Parcel p;
    ASSERT_TRUE(p.SetDataCapacity(64));
    EXPECT_EQ(64u, p.GetDataCapacity());
    EXPECT_EQ(64u, p.GetWritableBytes());
    EXPECT_FALSE(p.SetDataCapacity(Parcel::kDefaultMaxCapacity + 1));
    ASSERT_TRUE(p.WriteInt32(1));
    ASSERT_TRUE(p.WriteInt32(2));
    EXPECT_FALSE(p.SetDataCapacity(4));  // below the data
    EXPECT_FALSE(p.SetDataSize(65));
    // Shrinking the data cuts the tail for reads and writes.
    ASSERT_TRUE(p.SetDataSize(4));
    EXPECT_EQ(4u, p.GetWritePosition());
    EXPECT_EQ(1, p.ReadInt32());
    EXPECT_EQ(0, p.ReadInt32());
    // Growing exposes the buffer's bytes: what was written, then zeroes,
    // never uninitialised memory.
    ASSERT_TRUE(p.SetDataSize(16));
    EXPECT_EQ(12u, p.GetReadableBytes());
    EXPECT_EQ(2, p.ReadInt32());
    EXPECT_EQ(0, p.ReadInt32());
    EXPECT_EQ(0, p.ReadInt32());
    EXPECT_EQ(0u, p.GetReadableBytes());
}

TEST(ParcelPosition, RewindReadAndWrite) {
    Parcel p;
    ASSERT_TRUE(p.WriteInt32(10));
    ASSERT_TRUE(p.WriteInt32(20));
    ASSERT_TRUE(p.WriteInt32(30));
    EXPECT_EQ(12u, p.GetReadableBytes());
    EXPECT_EQ(10, p.ReadInt32());
    EXPECT_EQ(20, p.ReadInt32());
    EXPECT_FALSE(p.RewindRead(13));
    EXPECT_EQ(8u, p.GetReadPosition());
    ASSERT_TRUE(p.RewindRead(4));
    EXPECT_EQ(20, p.ReadInt32());
    ASSERT_TRUE(p.RewindRead(12));
    EXPECT_EQ(0u, p.GetReadableBytes());

    EXPECT_FALSE(p.RewindWrite(16));  // past the data
    EXPECT_FALSE(p.RewindWrite(6));   // unaligned
    ASSERT_TRUE(p.RewindWrite(4));
    EXPECT_EQ(4u, p.GetWritePosition());
    EXPECT_EQ(4u, p.GetDataSize());
    EXPECT_EQ(4u, p.GetReadPosition());  // pulled back with the data
    ASSERT_TRUE(p.WriteInt32(99));
    EXPECT_EQ(8u, p.GetDataSize());
    EXPECT_EQ(p.GetDataCapacity() - 8, p.GetWritableBytes());
    ASSERT_TRUE(p.RewindRead(0));
    EXPECT_EQ(10, p.ReadInt32());
    EXPECT_EQ(99, p.ReadInt32());

    p.SkipBytes(100);  // clamped to the data
    EXPECT_EQ(8u, p.GetReadPosition());
    ASSERT_TRUE(p.RewindRead(0));
    p.SkipBytes(4);
    EXPECT_EQ(99, p.ReadInt32());
}

TEST(ParcelPosition, FlushBufferEmptiesEverything) {
    Parcel p;
    ASSERT_TRUE(p.WriteString("x"));
    p.FlushBuffer();
    EXPECT_EQ(0u, p.GetDataSize());
    EXPECT_EQ(0u, p.GetReadPosition());
    EXPECT_EQ(0u, p.GetWritePosition());
    EXPECT_EQ(0, p.ReadInt32());
    ASSERT_TRUE(p.WriteInt32(4));
    EXPECT_EQ(4, p.ReadInt32());
}

// --- interface token ---------------------------------------------------------

TEST(MessageParcelToken, RoundTripAndLayout) {
    MessageParcel p;
    ASSERT_TRUE(p.WriteInterfaceToken(u"OHOS.ISystemAbilityManager"));
    ASSERT_TRUE(p.WriteInt32(5));
    EXPECT_EQ(0x100, Int32At(p, 0));  // strict-mode policy, as IPC Kit
    EXPECT_EQ(0, Int32At(p, 4));      // work source
    EXPECT_EQ(26, Int32At(p, 8));     // String16 length in units
    EXPECT_EQ(8u + 4 + 56 + 4, p.GetDataSize());  // 27 units padded to 56 bytes
    EXPECT_EQ(u"OHOS.ISystemAbilityManager", p.ReadInterfaceToken());
    EXPECT_EQ(5, p.ReadInt32());

    MessageParcel q;
    ASSERT_TRUE(q.WriteInt32(0x100));
    ASSERT_TRUE(q.WriteInt32(0));  // no string follows
    EXPECT_EQ(u"", q.ReadInterfaceToken());
    EXPECT_EQ(0u, q.GetReadPosition());
}

// --- objects and references --------------------------------------------------

flat_binder_object FdObject(int fd) {
    flat_binder_object obj{};
    obj.hdr.type = BINDER_TYPE_FD;
    obj.handle = static_cast<__u32>(fd);
    return obj;
}

TEST(ParcelObjects, OnlyRecordedOffsetsAreObjects) {
    Parcel p;
    flat_binder_object obj{};
    obj.hdr.type = BINDER_TYPE_BINDER;
    obj.binder = 0x1234;
    ASSERT_TRUE(p.WriteInt32(1));
    ASSERT_TRUE(p.WriteFlatObject(&obj, sizeof(obj)));
    ASSERT_TRUE(p.WriteBuffer(&obj, sizeof(obj)));  // same bytes, not an object
    ASSERT_TRUE(p.WriteFlatObject(&obj, sizeof(obj)));
    EXPECT_EQ((std::vector<uint64_t>{4, 52}), p.GetObjectOffsets());
    EXPECT_FALSE(p.WriteFlatObject(&obj, 4));  // smaller than an object
    EXPECT_FALSE(p.WriteFlatObject(nullptr, sizeof(obj)));

    EXPECT_EQ(nullptr, p.ReadFlatObject(sizeof(obj)));  // at 0: plain data
    EXPECT_EQ(0u, p.GetReadPosition());
    EXPECT_EQ(1, p.ReadInt32());
    const void* o = p.ReadFlatObject(sizeof(obj));
    ASSERT_NE(nullptr, o);
    EXPECT_EQ(28u, p.GetReadPosition());
    EXPECT_EQ(0, std::memcmp(&obj, o, sizeof(obj)));
    EXPECT_EQ(nullptr, p.ReadFlatObject(sizeof(obj)));
    EXPECT_EQ(28u, p.GetReadPosition());
    p.SkipBytes(sizeof(obj));
    EXPECT_NE(nullptr, p.ReadFlatObject(sizeof(obj)));

    // Rewinding the write over an object forgets it.
    ASSERT_TRUE(p.RewindWrite(60));
    EXPECT_EQ(std::vector<uint64_t>{4}, p.GetObjectOffsets());
    ASSERT_TRUE(p.RewindWrite(8));
    EXPECT_TRUE(p.GetObjectOffsets().empty());
}

TEST(ParcelObjects, HeldObjectLivesUntilFlush) {
    bool destroyed = false;
    Parcel p;
    {
        sptr<RefBase> obj = MakeSptr<Tracked>(&destroyed);
        p.HoldObject(obj);
        p.HoldObject(nullptr);
    }
    EXPECT_FALSE(destroyed);
    p.FlushBuffer();
    EXPECT_TRUE(destroyed);

    destroyed = false;
    {
        Parcel q;
        q.HoldObject(MakeSptr<Tracked>(&destroyed));
        EXPECT_FALSE(destroyed);
    }
    EXPECT_TRUE(destroyed);
}

TEST(ParcelReference, ReadsExternalDataAndReleasesOnce) {
    Parcel src;
    ASSERT_TRUE(src.WriteInt32(7));
    ASSERT_TRUE(src.WriteString("ref"));
    const auto bytes = Bytes(src);

    int releases = 0;
    {
        Parcel p;
        ASSERT_TRUE(p.WriteInt32(1));  // dropped by SetDataReference
        ASSERT_TRUE(p.SetDataReference(bytes.data(), bytes.size(), nullptr, 0,
                                       [&releases] { ++releases; }));
        EXPECT_EQ(bytes.data(), reinterpret_cast<const uint8_t*>(p.GetData()));
        EXPECT_EQ(bytes.size(), p.GetDataSize());
        EXPECT_EQ(0u, p.GetReadPosition());
        EXPECT_EQ(0u, p.GetWritableBytes());
        EXPECT_EQ(7, p.ReadInt32());
        EXPECT_EQ("ref", p.ReadString());
        // Read-only: every kind of change is refused.
        EXPECT_FALSE(p.WriteInt32(1));
        EXPECT_FALSE(p.RewindWrite(0));
        EXPECT_FALSE(p.SetDataCapacity(64));
        EXPECT_FALSE(p.SetDataSize(0));
        EXPECT_EQ(bytes, Bytes(p));
        EXPECT_EQ(0, releases);
    }
    EXPECT_EQ(1, releases);  // destructor

    int first = 0;
    int second = 0;
    Parcel p;
    ASSERT_TRUE(p.SetDataReference(bytes.data(), bytes.size(), nullptr, 0, [&first] { ++first; }));
    ASSERT_TRUE(p.SetDataReference(bytes.data(), 4, nullptr, 0, [&second] { ++second; }));
    EXPECT_EQ(1, first);
    EXPECT_EQ(0, second);
    EXPECT_EQ(7, p.ReadInt32());
    EXPECT_EQ(0, p.ReadInt32());
    p.FlushBuffer();
    EXPECT_EQ(1, second);
    p.FlushBuffer();
    EXPECT_EQ(1, second);
    ASSERT_TRUE(p.WriteInt32(3));  // writable again once emptied
    EXPECT_EQ(1, first);
}

TEST(ParcelReference, ObjectsAtTheGivenOffsets) {
    Parcel src;
    ASSERT_TRUE(src.WriteInt32(1));
    const auto obj = FdObject(1234);
    ASSERT_TRUE(src.WriteFlatObject(&obj, sizeof(obj)));
    ASSERT_TRUE(src.WriteFlatObject(&obj, sizeof(obj)));
    const auto bytes = Bytes(src);
    const std::vector<uint64_t> offsets = src.GetObjectOffsets();
    int releases = 0;
    Parcel p;
    ASSERT_TRUE(p.SetDataReference(bytes.data(), bytes.size(), offsets.data(), offsets.size(),
                                   [&releases] { ++releases; }));
    EXPECT_EQ(offsets, p.GetObjectOffsets());
    EXPECT_EQ(nullptr, p.ReadFlatObject(sizeof(obj)));
    p.SkipBytes(4);
    EXPECT_NE(nullptr, p.ReadFlatObject(sizeof(obj)));
    EXPECT_NE(nullptr, p.ReadFlatObject(sizeof(obj)));
    EXPECT_EQ(0u, p.GetReadableBytes());
}

TEST(ParcelReference, BadOffsetsAreRefusedAndReleased) {
    std::vector<uint8_t> data(64);
    const std::vector<std::vector<uint64_t>> bad{
        {48},           // 48 + 24 > 64
        {41},           // not 4-aligned
        {24, 0},        // descending
        {0, 12},        // overlapping
        {0xfffffffffffffffcULL},  // wraps when added to
    };
    for (const auto& offsets : bad) {
        int releases = 0;
        Parcel p;
        ASSERT_TRUE(p.WriteInt32(5));
        EXPECT_FALSE(p.SetDataReference(data.data(), data.size(), offsets.data(),
                                        offsets.size(), [&releases] { ++releases; }))
            << offsets[0];
        EXPECT_EQ(1, releases);  // right away, not leaked
        EXPECT_EQ(0u, p.GetDataSize());
        EXPECT_TRUE(p.GetObjectOffsets().empty());
        p.FlushBuffer();
        EXPECT_EQ(1, releases);
    }
    int releases = 0;
    Parcel p;
    const uint64_t ok[] = {4, 28};
    EXPECT_TRUE(p.SetDataReference(data.data(), data.size(), ok, 2, [&releases] { ++releases; }));
    EXPECT_FALSE(p.SetDataReference(nullptr, 8, nullptr, 0, [&releases] { ++releases; }));
    EXPECT_EQ(2, releases);  // the old reference, then the refused one
    EXPECT_FALSE(p.SetDataReference(data.data(), 64, nullptr, 1, nullptr));
    EXPECT_TRUE(p.SetDataReference(nullptr, 0, nullptr, 0, nullptr));
}

// --- file descriptors ----------------------------------------------------------

TEST(MessageParcelFd, PipeTravelsAsADup) {
    int fds[2];
    ASSERT_EQ(0, ::pipe2(fds, O_CLOEXEC | O_NONBLOCK));
    Fd readEnd(fds[0]);
    Fd writeEnd(fds[1]);

    MessageParcel p;
    ASSERT_TRUE(p.WriteInt32(11));
    ASSERT_TRUE(p.WriteFileDescriptor(writeEnd.fd));
    ASSERT_TRUE(p.WriteInt32(22));
    EXPECT_EQ(4u + sizeof(flat_binder_object) + 4, p.GetDataSize());
    ASSERT_EQ(std::vector<uint64_t>{4}, p.GetObjectOffsets());
    flat_binder_object obj;
    std::memcpy(&obj, reinterpret_cast<const uint8_t*>(p.GetData()) + 4, sizeof(obj));
    EXPECT_EQ(static_cast<__u32>(BINDER_TYPE_FD), obj.hdr.type);
    EXPECT_NE(static_cast<__u32>(writeEnd.fd), obj.handle);  // the parcel's own dup
    EXPECT_EQ(0u, obj.cookie);

    EXPECT_EQ(11, p.ReadInt32());
    Fd got(p.ReadFileDescriptor());
    ASSERT_GE(got.fd, 0);
    EXPECT_NE(writeEnd.fd, got.fd);
    EXPECT_NE(static_cast<int>(obj.handle), got.fd);
    EXPECT_TRUE(::fcntl(got.fd, F_GETFD) & FD_CLOEXEC);
    EXPECT_EQ(22, p.ReadInt32());

    ASSERT_EQ(3, ::write(got.fd, "abc", 3));
    char buf[8] = {};
    ASSERT_EQ(3, ::read(readEnd.fd, buf, sizeof(buf)));
    EXPECT_STREQ("abc", buf);
}

TEST(MessageParcelFd, ParcelOwnsItsDupUntilFlushed) {
    int fds[2];
    ASSERT_EQ(0, ::pipe2(fds, O_CLOEXEC | O_NONBLOCK));
    Fd readEnd(fds[0]);
    MessageParcel p;
    ASSERT_TRUE(p.WriteFileDescriptor(fds[1]));
    ::close(fds[1]);
    char c;
    // The parcel's copy keeps the write end open: no EOF yet.
    EXPECT_EQ(-1, ::read(readEnd.fd, &c, 1));
    EXPECT_EQ(EAGAIN, errno);
    p.FlushBuffer();
    EXPECT_EQ(0, ::read(readEnd.fd, &c, 1));  // EOF: the dup was closed
}

TEST(MessageParcelFd, RefusesWhatIsNotAnFdObject) {
    MessageParcel p;
    EXPECT_FALSE(p.WriteFileDescriptor(-1));
    EXPECT_EQ(0u, p.GetDataSize());
    const auto fake = FdObject(0);
    ASSERT_TRUE(p.WriteBuffer(&fake, sizeof(fake)));  // looks like one, is not
    flat_binder_object binder{};
    binder.hdr.type = BINDER_TYPE_BINDER;
    ASSERT_TRUE(p.WriteFlatObject(&binder, sizeof(binder)));
    EXPECT_EQ(-1, p.ReadFileDescriptor());
    EXPECT_EQ(0u, p.GetReadPosition());
    p.SkipBytes(sizeof(fake));
    EXPECT_EQ(-1, p.ReadFileDescriptor());  // an object, of the wrong type
    EXPECT_EQ(sizeof(fake), p.GetReadPosition());
    EXPECT_EQ(-1, p.ReadFileDescriptor());
}

// --- raw data and ashmem -------------------------------------------------------

void RawRoundTrip(std::size_t size, bool inlined) {
    SCOPED_TRACE(size);
    const auto data = Pattern(size);
    MessageParcel p;
    ASSERT_TRUE(p.WriteRawData(data.data(), size));
    ASSERT_TRUE(p.WriteInt32(-9));
    EXPECT_EQ(size, p.GetRawDataSize());
    EXPECT_EQ(static_cast<int32_t>(size), Int32At(p, 0));
    if (inlined) {
        EXPECT_EQ(4 + ((size + 3) & ~std::size_t{3}) + 4, p.GetDataSize());
        EXPECT_TRUE(p.GetObjectOffsets().empty());
    } else {
        EXPECT_EQ(4 + sizeof(flat_binder_object) + 4, p.GetDataSize());
        EXPECT_EQ(std::vector<uint64_t>{4}, p.GetObjectOffsets());
        // rpcd tells raw data's memfd from other fds by this cookie.
        flat_binder_object fbo;
        std::memcpy(&fbo, reinterpret_cast<const uint8_t*>(p.GetData()) + 4, sizeof(fbo));
        EXPECT_EQ(static_cast<uint32_t>(BINDER_TYPE_FD), fbo.hdr.type);
        EXPECT_EQ(ipckit::detail::RPC_RAW_DATA_COOKIE, fbo.cookie);
    }
    // Wrong sizes fail without moving.
    EXPECT_EQ(nullptr, p.ReadRawData(size - 1));
    EXPECT_EQ(nullptr, p.ReadRawData(size + 1));
    EXPECT_EQ(0u, p.GetReadPosition());

    const void* back = p.ReadRawData(size);
    ASSERT_NE(nullptr, back);
    EXPECT_EQ(0, std::memcmp(data.data(), back, size));
    EXPECT_EQ(-9, p.ReadInt32());
    // Read again: both pointers stay valid while the parcel lives.
    ASSERT_TRUE(p.RewindRead(0));
    const void* again = p.ReadRawData(size);
    ASSERT_NE(nullptr, again);
    EXPECT_EQ(0, std::memcmp(data.data(), back, size));
    EXPECT_EQ(0, std::memcmp(data.data(), again, size));
}

TEST(MessageParcelRaw, RoundTripInline) {
    RawRoundTrip(1, true);
    RawRoundTrip(MessageParcel::kMaxRawDataInline, true);
}

TEST(MessageParcelRaw, RoundTripThroughAshmem) {
    RawRoundTrip(MessageParcel::kMaxRawDataInline + 1, false);
    RawRoundTrip(16 * 1024 * 1024, false);
}

TEST(MessageParcelRaw, RefusesEmptyNullAndOversized) {
    MessageParcel p;
    const uint8_t byte = 1;
    EXPECT_FALSE(p.WriteRawData(&byte, 0));
    EXPECT_FALSE(p.WriteRawData(nullptr, 1));
    EXPECT_FALSE(p.WriteRawData(&byte, MessageParcel::kMaxRawDataSize + 1));
    EXPECT_EQ(0u, p.GetDataSize());
    EXPECT_EQ(0u, p.GetRawDataSize());
    ASSERT_TRUE(p.WriteInt32(0));
    EXPECT_EQ(nullptr, p.ReadRawData(0));
    EXPECT_EQ(0u, p.GetReadPosition());
}

TEST(MessageParcelRaw, SentRegionIsSealedReadOnly) {
    const auto data = Pattern(MessageParcel::kMaxRawDataInline + 100);
    MessageParcel p;
    ASSERT_TRUE(p.WriteRawData(data.data(), data.size()));
    p.SkipBytes(4);
    Fd fd(p.ReadFileDescriptor());
    ASSERT_GE(fd.fd, 0);
    const int seals = ::fcntl(fd.fd, F_GET_SEALS);
    ASSERT_GE(seals, 0);
    EXPECT_TRUE(seals & F_SEAL_SHRINK);
    EXPECT_TRUE(seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE));
    EXPECT_EQ(-1, ::write(fd.fd, "x", 1));
    EXPECT_EQ(MAP_FAILED, ::mmap(nullptr, data.size(), PROT_READ | PROT_WRITE, MAP_SHARED,
                                 fd.fd, 0));
}

TEST(MessageParcelRaw, UnsealedOrShortRegionIsRefused) {
    const std::size_t size = MessageParcel::kMaxRawDataInline + 4;
    // A writable, shrinkable memfd: the sender could change or truncate it.
    Fd memfd(::memfd_create("unsealed", MFD_CLOEXEC));
    ASSERT_GE(memfd.fd, 0);
    ASSERT_EQ(0, ::ftruncate(memfd.fd, size));
    MessageParcel p;
    ASSERT_TRUE(p.WriteInt32(static_cast<int32_t>(size)));
    ASSERT_TRUE(p.WriteFileDescriptor(memfd.fd));
    EXPECT_EQ(nullptr, p.ReadRawData(size));
    EXPECT_EQ(0u, p.GetReadPosition());

    // Sealed against shrinking but still writable: it could change while
    // the receiver parses it.
    sptr<Ashmem> writable = Ashmem::CreateAshmem("writable", static_cast<int32_t>(size));
    ASSERT_TRUE(writable);
    MessageParcel w;
    ASSERT_TRUE(w.WriteInt32(static_cast<int32_t>(size)));
    ASSERT_TRUE(w.WriteFileDescriptor(writable->GetAshmemFd()));
    EXPECT_EQ(nullptr, w.ReadRawData(size));
    EXPECT_EQ(0u, w.GetReadPosition());
    ASSERT_TRUE(writable->SetProtection(PROT_READ));
    ASSERT_TRUE(w.RewindRead(0));
    EXPECT_NE(nullptr, w.ReadRawData(size));  // the same region, now sealed

    // Sealed, but smaller than the size claimed.
    sptr<Ashmem> small = Ashmem::CreateAshmem("small", 4096);
    ASSERT_TRUE(small);
    ASSERT_TRUE(small->SetProtection(PROT_READ));
    MessageParcel q;
    ASSERT_TRUE(q.WriteInt32(static_cast<int32_t>(size)));
    ASSERT_TRUE(q.WriteFileDescriptor(small->GetAshmemFd()));
    EXPECT_EQ(nullptr, q.ReadRawData(size));
    EXPECT_EQ(0u, q.GetReadPosition());
}

TEST(MessageParcelAshmem, PassesThroughAParcel) {
    const auto data = Pattern(10000);
    sptr<Ashmem> region = Ashmem::CreateAshmem("pass", static_cast<int32_t>(data.size()));
    ASSERT_TRUE(region);
    ASSERT_TRUE(region->MapReadAndWriteAshmem());
    ASSERT_TRUE(region->WriteToAshmem(data.data(), static_cast<int32_t>(data.size()), 0));

    MessageParcel p;
    ASSERT_TRUE(p.WriteAshmem(region));
    ASSERT_TRUE(p.WriteInt32(8));
    EXPECT_EQ(sizeof(flat_binder_object) + 4 + 4, p.GetDataSize());
    EXPECT_FALSE(p.WriteAshmem(nullptr));

    sptr<Ashmem> got = p.ReadAshmem();
    ASSERT_TRUE(got);
    EXPECT_EQ(8, p.ReadInt32());
    EXPECT_EQ(region->GetAshmemSize(), got->GetAshmemSize());
    EXPECT_NE(region->GetAshmemFd(), got->GetAshmemFd());
    ASSERT_TRUE(got->MapReadOnlyAshmem());
    const void* mine = got->ReadFromAshmem(static_cast<int32_t>(data.size()), 0);
    ASSERT_NE(nullptr, mine);
    EXPECT_EQ(0, std::memcmp(data.data(), mine, data.size()));
    // Same memory, not a copy: a later write shows through.
    const uint8_t marker = 0x5a;
    ASSERT_TRUE(region->WriteToAshmem(&marker, 1, 0));
    EXPECT_EQ(marker, *static_cast<const uint8_t*>(mine));

    // Survives the parcel: the received Ashmem owns its own descriptor.
    p.FlushBuffer();
    EXPECT_EQ(region->GetAshmemSize(), got->GetAshmemSize());
    EXPECT_NE(nullptr, got->ReadFromAshmem(1, 0));
}

TEST(MessageParcelAshmem, BadSizesAreRefused) {
    sptr<Ashmem> region = Ashmem::CreateAshmem("sizes", 4096);
    ASSERT_TRUE(region);
    for (int32_t claimed : {0, -1, 4097}) {
        MessageParcel p;
        ASSERT_TRUE(p.WriteFileDescriptor(region->GetAshmemFd()));
        ASSERT_TRUE(p.WriteInt32(claimed));
        EXPECT_FALSE(p.ReadAshmem()) << claimed;
        EXPECT_EQ(0u, p.GetReadPosition());
    }
    MessageParcel p;
    ASSERT_TRUE(p.WriteInt32(4096));
    EXPECT_FALSE(p.ReadAshmem());  // no fd object at all
    EXPECT_EQ(0u, p.GetReadPosition());
}

TEST(MessageParcelAshmem, ShrinkableRegionIsRefused) {
    // Not sealed: the sender could truncate it under our mapping (SIGBUS).
    Fd memfd(::memfd_create("shrinkable", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    ASSERT_GE(memfd.fd, 0);
    ASSERT_EQ(0, ::ftruncate(memfd.fd, 4096));
    MessageParcel p;
    ASSERT_TRUE(p.WriteFileDescriptor(memfd.fd));
    ASSERT_TRUE(p.WriteInt32(4096));
    EXPECT_FALSE(p.ReadAshmem());
    EXPECT_EQ(0u, p.GetReadPosition());
    ASSERT_EQ(0, ::fcntl(memfd.fd, F_ADD_SEALS, F_SEAL_SHRINK));
    EXPECT_TRUE(p.ReadAshmem());  // the same region, now sealed
}

// --- RPC trailers (rpc_protocol.h) -----------------------------------------------

using ipckit::detail::RpcForwardTrailer;

RpcForwardTrailer MakeTrailer(const char* networkId, uint32_t code = 7) {
    RpcForwardTrailer t{};
    t.code = code;
    t.flags = 0;
    std::memcpy(t.networkId, networkId, std::min(std::strlen(networkId), sizeof(t.networkId)));
    t.remotePid = 1234;
    t.remoteUid = 1000;
    t.magic = ipckit::detail::RPC_FORWARD_MAGIC;
    return t;
}

TEST(Parcel, ShrinkDataSizeKeepsObjectsBelow) {
    MessageParcel p;
    ASSERT_TRUE(p.WriteInt32(1));
    ASSERT_TRUE(p.WriteFileDescriptor(0));
    ASSERT_TRUE(p.WriteInt32(2));
    const std::size_t all = p.GetDataSize();
    EXPECT_FALSE(p.ShrinkDataSize(all + 4));
    EXPECT_FALSE(p.ShrinkDataSize(8));  // would cut the fd object in two
    EXPECT_EQ(all, p.GetDataSize());
    ASSERT_TRUE(p.ShrinkDataSize(all - 4));
    EXPECT_EQ(all - 4, p.GetDataSize());
    EXPECT_EQ(1u, p.GetObjectOffsets().size());
    EXPECT_EQ(1, p.ReadInt32());
    Fd fd(p.ReadFileDescriptor());
    EXPECT_GE(fd.fd, 0);
    EXPECT_EQ(0u, p.GetReadableBytes());
}

TEST(Parcel, ShrinkDataSizeWorksOnExternalData) {
    std::vector<int32_t> words = {5, 6, 7, 8};
    bool released = false;
    Parcel p;
    ASSERT_TRUE(p.SetDataReference(words.data(), words.size() * 4, nullptr, 0,
                                   [&] { released = true; }));
    ASSERT_TRUE(p.ShrinkDataSize(8));
    EXPECT_EQ(5, p.ReadInt32());
    EXPECT_EQ(6, p.ReadInt32());
    int32_t v = 0;
    EXPECT_FALSE(p.ReadInt32(v));
    EXPECT_FALSE(p.WriteInt32(1));  // still read-only
    p.FlushBuffer();
    EXPECT_TRUE(released);
}

TEST(RpcTrailer, ForwardTrailerIsStrippedAndRead) {
    MessageParcel p;
    ASSERT_TRUE(p.WriteInt32(42));
    ASSERT_TRUE(p.WriteString16(u"payload"));
    const std::size_t userSize = p.GetDataSize();
    RpcForwardTrailer t = MakeTrailer("0123456789abcdef", 99);
    ASSERT_TRUE(p.WriteBuffer(&t, sizeof(t)));

    RpcForwardTrailer got{};
    std::string id, why;
    ASSERT_EQ(ipckit::ERR_NONE, ipckit::detail::StripForwardTrailer(p, got, id, why)) << why;
    EXPECT_EQ(userSize, p.GetDataSize());
    EXPECT_EQ("0123456789abcdef", id);
    EXPECT_EQ(99u, got.code);
    EXPECT_EQ(1234, got.remotePid);
    EXPECT_EQ(1000u, got.remoteUid);
    EXPECT_EQ(42, p.ReadInt32());
    EXPECT_EQ(u"payload", p.ReadString16());
    EXPECT_EQ(0u, p.GetReadableBytes());
}

TEST(RpcTrailer, BadForwardTrailersAreRefusedAndLeaveTheData) {
    const std::string longest(64, 'a');
    struct Case {
        const char* what;
        RpcForwardTrailer t;
    };
    std::vector<Case> cases;
    cases.push_back({"bad magic", MakeTrailer("ab")});
    cases.back().t.magic = 0;
    cases.push_back({"empty id", MakeTrailer("")});
    cases.push_back({"upper case", MakeTrailer("ABCDEF")});
    cases.push_back({"not hex", MakeTrailer("01g3")});
    cases.push_back({"65 chars", MakeTrailer("")});
    std::memset(cases.back().t.networkId, 'a', 65);
    cases.push_back({"no NUL", MakeTrailer("")});
    std::memset(cases.back().t.networkId, 'a', sizeof(cases.back().t.networkId));
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        MessageParcel p;
        ASSERT_TRUE(p.WriteInt32(1));
        ASSERT_TRUE(p.WriteBuffer(&c.t, sizeof(c.t)));
        const std::size_t size = p.GetDataSize();
        RpcForwardTrailer got{};
        std::string id, why;
        EXPECT_EQ(ipckit::IPC_STUB_INVALID_DATA_ERR,
                  ipckit::detail::StripForwardTrailer(p, got, id, why));
        EXPECT_FALSE(why.empty());
        EXPECT_EQ(size, p.GetDataSize());
    }
    // The longest id is fine.
    MessageParcel p;
    RpcForwardTrailer t = MakeTrailer(longest.c_str());
    ASSERT_TRUE(p.WriteBuffer(&t, sizeof(t)));
    RpcForwardTrailer got{};
    std::string id, why;
    EXPECT_EQ(ipckit::ERR_NONE, ipckit::detail::StripForwardTrailer(p, got, id, why)) << why;
    EXPECT_EQ(longest, id);
    EXPECT_EQ(0u, p.GetDataSize());
    // Too short for a trailer at all.
    MessageParcel shortData;
    ASSERT_TRUE(shortData.WriteInt32(1));
    EXPECT_EQ(ipckit::IPC_STUB_INVALID_DATA_ERR,
              ipckit::detail::StripForwardTrailer(shortData, got, id, why));
}

TEST(RpcTrailer, ObjectInTheTrailerIsRefused) {
    // An fd object where the trailer should be: stripping would cut it.
    MessageParcel p;
    ASSERT_TRUE(p.WriteInt32(1));
    RpcForwardTrailer t = MakeTrailer("ab");
    std::vector<uint8_t> head(sizeof(t) - sizeof(flat_binder_object));
    std::memcpy(head.data(), &t, head.size());
    ASSERT_TRUE(p.WriteBuffer(head.data(), head.size()));
    ASSERT_TRUE(p.WriteFileDescriptor(0));
    // Overwrite the object's bytes so the trailer itself is valid.
    auto* end = reinterpret_cast<uint8_t*>(p.GetData()) + p.GetDataSize() - sizeof(t);
    std::memcpy(end, &t, sizeof(t));
    RpcForwardTrailer got{};
    std::string id, why;
    EXPECT_EQ(ipckit::IPC_STUB_INVALID_DATA_ERR,
              ipckit::detail::StripForwardTrailer(p, got, id, why));
    EXPECT_NE(std::string::npos, why.find("object")) << why;
}

TEST(RpcTrailer, TimedTrailerAppendsAndRewinds) {
    MessageParcel p;
    ASSERT_TRUE(p.WriteInt32(3));
    const std::size_t size = p.GetDataSize();
    ASSERT_TRUE(ipckit::detail::AppendTimedTrailer(p, 12, 30));
    ASSERT_EQ(size + sizeof(ipckit::detail::RpcTimedTrailer), p.GetDataSize());
    ipckit::detail::RpcTimedTrailer t{};
    std::memcpy(&t, reinterpret_cast<const uint8_t*>(p.GetData()) + size, sizeof(t));
    EXPECT_EQ(12u, t.code);
    EXPECT_EQ(30, t.waitTime);
    EXPECT_EQ(ipckit::detail::RPC_TIMED_MAGIC, t.magic);
    ASSERT_TRUE(p.RewindWrite(size));
    EXPECT_EQ(size, p.GetDataSize());
    EXPECT_EQ(3, p.ReadInt32());
}

TEST(RpcErrors, EveryRpcCodeHasItsOwnWords) {
    const std::string unknown = ipckit::ErrorString(-12345);
    for (int code : {ipckit::RPC_ERR_FD_NOT_ALLOWED, ipckit::RPC_ERR_PROXY_NOT_TRANSFERABLE,
                     ipckit::RPC_ERR_NOT_DISTRIBUTED, ipckit::RPC_ERR_NO_SYSTEM_ABILITY,
                     ipckit::RPC_ERR_NOT_RUNNING, ipckit::RPC_ERR_CALLER_NOT_AUTHORIZED}) {
        SCOPED_TRACE(code);
        EXPECT_NE(unknown, ipckit::ErrorString(code));
    }
    EXPECT_NE(std::string::npos,
              std::string(ipckit::ErrorString(ipckit::RPC_ERR_NOT_RUNNING)).find("rpcd"));
}

}  // namespace
