// SPDX-License-Identifier: Apache-2.0
//
// The group secret file and the per-pair key (group_secret.h).
#include "link/group_secret.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <ipckit/unique_fd.h>

namespace ipckit::softbus {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kPairSalt[] = "ipckit-softbus-v1";

std::string ToHex(const uint8_t* data, std::size_t size)
{
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; i++) {
        out += kHex[data[i] >> 4];
        out += kHex[data[i] & 15];
    }
    return out;
}

int HexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string_view Trim(std::string_view s)
{
    while (!s.empty() && std::strchr(" \t\r\n", s.front()))
        s.remove_prefix(1);
    while (!s.empty() && std::strchr(" \t\r\n", s.back()))
        s.remove_suffix(1);
    return s;
}

// `what` names the source in messages ("group secret /x/group.key").
Result<GroupSecret> ParseHex(std::string_view text, const std::string& what)
{
    text = Trim(text);
    GroupSecret secret;
    if (text.size() != secret.bytes.size() * 2)
        return Error{EINVAL, what + " is not 64 hex digits (it has " +
                                 std::to_string(text.size()) + " characters)"};
    for (std::size_t i = 0; i < secret.bytes.size(); i++) {
        int hi = HexValue(text[2 * i]), lo = HexValue(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(secret.bytes.data(), secret.bytes.size());
            return Error{EINVAL, what + " is not hex (a character other than 0-9a-f at " +
                                     std::to_string(2 * i + (hi < 0 ? 1 : 2)) + ")"};
        }
        secret.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return secret;
}

std::string ModeText(mode_t mode)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// mkdir -p with 0700 for what it creates; existing directories are left
// as they are.
Status MakeDirs(const std::string& dir)
{
    if (dir.empty())
        return Ok{};
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return Error{ENOTDIR, dir + " is not a directory"};
        return Ok{};
    }
    std::size_t slash = dir.find_last_of('/');
    if (slash != std::string::npos && slash > 0) {
        Status parent = MakeDirs(dir.substr(0, slash));
        if (!parent)
            return parent;
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return Error{errno, "cannot create " + dir + ": " + std::strerror(errno)};
    return Ok{};
}

// Atomically: a temporary file in the same directory, fsync, rename.
// Without force, link() instead of rename() so a file that appeared
// meanwhile is not replaced either.
Status WriteSecretFile(const std::string& path, const GroupSecret& secret, bool force)
{
    std::size_t slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
    Status made = MakeDirs(dir);
    if (!made)
        return made;
    if (!force && ::access(path.c_str(), F_OK) == 0)
        return Error{EEXIST, "group secret " + path + " already exists"};

    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    ::unlink(tmp.c_str());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd.valid())
        return Error{errno, "cannot create " + tmp + ": " + std::strerror(errno)};
    std::string text = ToHex(secret.bytes.data(), secret.bytes.size()) + "\n";
    bool written = ::fchmod(fd.get(), 0600) == 0 &&
                   ::write(fd.get(), text.data(), text.size()) ==
                       static_cast<ssize_t>(text.size()) &&
                   ::fsync(fd.get()) == 0;
    int err = errno;
    OPENSSL_cleanse(text.data(), text.size());
    if (!written) {
        ::unlink(tmp.c_str());
        return Error{err, "cannot write " + tmp + ": " + std::strerror(err)};
    }
    fd.reset();
    int rc = force ? ::rename(tmp.c_str(), path.c_str()) : ::link(tmp.c_str(), path.c_str());
    err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0) {
        if (err == EEXIST)
            return Error{EEXIST, "group secret " + path + " already exists"};
        return Error{err, "cannot write " + path + ": " + std::strerror(err)};
    }
    return Ok{};
}

struct KdfDeleter {
    void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
    void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};

}  // namespace

std::string GroupSecret::Fingerprint() const
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr))
        std::abort();  // SHA-256 of 32 bytes cannot fail but on a broken library
    return ToHex(digest, 8);
}

Result<GroupSecret> LoadGroupSecret(const std::string& path)
{
    const std::string what = "group secret " + path;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT)
            return Error{ENOENT, "no group secret (run `ipckit bind`): " + path +
                                     " does not exist"};
        return Error{errno, "cannot read " + what + ": " + std::strerror(errno)};
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return Error{errno, "cannot stat " + what + ": " + std::strerror(errno)};
    if (!S_ISREG(st.st_mode))
        return Error{EINVAL, what + " is not a regular file"};
    if (st.st_uid != ::geteuid())
        return Error{EPERM, what + " is owned by uid " + std::to_string(st.st_uid) +
                                ", not by us (uid " + std::to_string(::geteuid()) +
                                "): chown it"};
    // Any access beyond the owner's lets another user read or replace
    // the group's secret.
    const char* who = (st.st_mode & 0004) ? "readable by others"
                      : (st.st_mode & 0002) ? "writable by others"
                      : (st.st_mode & 0040) ? "readable by its group"
                      : (st.st_mode & 0020) ? "writable by its group"
                      : (st.st_mode & 0011) ? "executable by group or others"
                                            : nullptr;
    if (who)
        return Error{EPERM, what + " is " + who + " (mode " + ModeText(st.st_mode) +
                                "): chmod 600 it"};

    char buf[256];
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0)
        return Error{errno, "cannot read " + what + ": " + std::strerror(errno)};
    auto secret = ParseHex(std::string_view(buf, static_cast<std::size_t>(n)), what);
    OPENSSL_cleanse(buf, sizeof buf);
    return secret;
}

Result<GroupSecret> CreateGroupSecret(const std::string& path, bool force)
{
    GroupSecret secret;
    if (RAND_bytes(secret.bytes.data(), static_cast<int>(secret.bytes.size())) != 1)
        return Error{EIO, "cannot make a group secret: the random generator failed"};
    Status written = WriteSecretFile(path, secret, force);
    if (!written) {
        OPENSSL_cleanse(secret.bytes.data(), secret.bytes.size());
        return written.error();
    }
    return secret;
}

Result<GroupSecret> ImportGroupSecret(const std::string& path, const std::string& hex,
                                      bool force)
{
    auto secret = ParseHex(hex, "the imported group secret");
    if (!secret)
        return secret;
    // Importing the secret that is already there is no conflict.
    if (!force) {
        auto existing = LoadGroupSecret(path);
        if (existing && existing->bytes == secret->bytes)
            return secret;
    }
    Status written = WriteSecretFile(path, *secret, force);
    if (!written)
        return written.error();
    return secret;
}

std::array<uint8_t, 32> DerivePairKey(const GroupSecret& secret, const std::string& idA,
                                      const std::string& idB)
{
    const std::string& lo = idA < idB ? idA : idB;
    const std::string& hi = idA < idB ? idB : idA;
    std::string info = lo + hi;

    std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                          const_cast<uint8_t*>(secret.bytes.data()),
                                          secret.bytes.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(kPairSalt),
                                          sizeof kPairSalt - 1),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
        OSSL_PARAM_construct_end(),
    };
    std::array<uint8_t, 32> key{};
    // Only a broken or FIPS-restricted library fails here; a zero key
    // must never be used, so stop rather than return one.
    if (!ctx || EVP_KDF_derive(ctx.get(), key.data(), key.size(), params) != 1)
        std::abort();
    return key;
}

bool IsNetworkId(std::string_view s)
{
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

}  // namespace ipckit::softbus
