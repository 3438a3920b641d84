// SPDX-License-Identifier: Apache-2.0
//
// The parcel reader target's script: one byte per operation (modulo
// kOpCount), some followed by their arguments. Shared with make_seeds.
#pragma once

#include <cstdint>

// The operations a script picks from, one byte each (modulo kOpCount).
enum Op : uint8_t {
    kBool, kInt8, kInt16, kInt32, kInt64, kUint8, kUint16, kUint32, kUint64, kFloat,
    kDouble, kPointer, kInt32Value, kInt64Value, kBoolValue,
    kString, kStringValue, kString16, kString16Value, kCString,
    kBuffer, kUnpadBuffer,
    kBoolVector, kInt8Vector, kInt16Vector, kInt32Vector, kInt64Vector, kUInt8Vector,
    kUInt16Vector, kUInt32Vector, kUInt64Vector, kFloatVector, kDoubleVector,
    kStringVector, kString16Vector,
    kParcelable, kRemoteObject, kFileDescriptor, kInterfaceToken, kRawData, kAshmem,
    kFlatObject, kRewindRead, kSkipBytes, kWrite,
    kOpCount
};
