// SPDX-License-Identifier: Apache-2.0
//
// Errors as values: Result<T> holds either a T or an Error that says what
// went wrong in words, with the errno (or IPC Kit code) behind it.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ipckit {

struct Error {
    int code = 0;         // errno value, or an IPC Kit error code
    std::string message;  // complete sentence fragment for logs and users
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    const T& value() const& { return std::get<T>(v_); }
    const Error& error() const { return std::get<Error>(v_); }

    T* operator->() { return &value(); }
    T& operator*() & { return value(); }

private:
    std::variant<T, Error> v_;
};

// The value of a Result that has nothing to return but success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace ipckit
