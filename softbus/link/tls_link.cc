// SPDX-License-Identifier: Apache-2.0
//
// TLS 1.3 with per-pair external PSKs over a non-blocking socket
// (tls_link.h has the design).
#include "link/tls_link.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace ipckit::softbus {
namespace {

constexpr const char* kSuite = "TLS_AES_128_GCM_SHA256";
constexpr unsigned char kSuiteId[2] = {0x13, 0x01};  // TLS_AES_128_GCM_SHA256
constexpr const char* kGroups = "X25519:P-256";

// Everything in this thread's OpenSSL error queue, emptied.
struct SslErrors {
    std::vector<unsigned long> codes;
    std::string text;  // "error:0A000129:SSL routines::binder does not verify; ..."
};

SslErrors DrainErrors()
{
    SslErrors errors;
    unsigned long code;
    while ((code = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!errors.text.empty())
            errors.text += "; ";
        errors.text += buf;
        errors.codes.push_back(code);
    }
    return errors;
}

bool HasSslReason(const SslErrors& errors, int reason)
{
    for (unsigned long code : errors.codes)
        if (ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == reason)
            return true;
    return false;
}

// The client refuses every certificate: a server that shows one instead
// of taking our PSK is not a device of the group.
int RefuseCertificate(int /*preverifyOk*/, X509_STORE_CTX* /*store*/)
{
    return 0;
}

struct SessionDeleter {
    void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};

// An SSL_SESSION that carries the pair key as the external PSK.
SSL_SESSION* MakePskSession(SSL* ssl, std::array<uint8_t, 32>& key)
{
    const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, kSuiteId);
    std::unique_ptr<SSL_SESSION, SessionDeleter> session(SSL_SESSION_new());
    bool ok = cipher && session &&
              SSL_SESSION_set1_master_key(session.get(), key.data(), key.size()) == 1 &&
              SSL_SESSION_set_cipher(session.get(), cipher) == 1 &&
              SSL_SESSION_set_protocol_version(session.get(), TLS1_3_VERSION) == 1;
    OPENSSL_cleanse(key.data(), key.size());
    return ok ? session.release() : nullptr;
}

}  // namespace

// OpenSSL's PSK callbacks; the link is the SSL's app data.
struct TlsLinkCallbacks {
    // Client: offer "ipckit1:<our id>" with K(us, the device we dial).
    static int UseSession(SSL* ssl, const EVP_MD* md, const unsigned char** id,
                          size_t* idlen, SSL_SESSION** sess)
    {
        *sess = nullptr;
        auto* link = static_cast<TlsLink*>(SSL_get_app_data(ssl));
        if (!link || !link->haveSecret_)
            return 0;
        // After a HelloRetryRequest OpenSSL asks again with the suite's
        // hash; ours is always SHA-256, anything else gets no PSK.
        if (md && EVP_MD_get_type(md) != NID_sha256)
            return 1;
        std::array<uint8_t, 32> key = DerivePairKey(link->secret_, link->localId_, link->peerId_);
        SSL_SESSION* session = MakePskSession(ssl, key);
        if (!session) {
            link->callbackError_ = "cannot set up the PSK session";
            return 0;
        }
        *sess = session;  // OpenSSL frees it
        *id = reinterpret_cast<const unsigned char*>(link->identity_.data());
        *idlen = link->identity_.size();
        return 1;
    }

    // Server: a well-formed identity gets K(that id, our id); anything
    // else gets no PSK, and without one (no certificate either) the
    // handshake fails with handshake_failure.
    static int FindSession(SSL* ssl, const unsigned char* identity, size_t identityLen,
                           SSL_SESSION** sess)
    {
        *sess = nullptr;
        auto* link = static_cast<TlsLink*>(SSL_get_app_data(ssl));
        if (!link || !link->haveSecret_)
            return 0;
        std::string_view text(reinterpret_cast<const char*>(identity), identityLen);
        std::string_view prefix(kPskIdentityPrefix);
        if (text.substr(0, prefix.size()) != prefix || !IsNetworkId(text.substr(prefix.size()))) {
            // The identity itself is not shown: it is the peer's bytes.
            link->callbackError_ = "the peer sent a malformed PSK identity (" +
                                   std::to_string(identityLen) +
                                   " bytes; expected \"ipckit1:\" and a networkId of 64 "
                                   "lowercase hex digits)";
            return 1;
        }
        std::string peer(text.substr(prefix.size()));
        if (peer == link->localId_) {
            link->callbackError_ = "the peer claims our own networkId " + peer.substr(0, 8) + "…";
            return 1;
        }
        link->peerId_ = peer;
        std::array<uint8_t, 32> key = DerivePairKey(link->secret_, peer, link->localId_);
        SSL_SESSION* session = MakePskSession(ssl, key);
        if (!session) {
            link->callbackError_ = "cannot set up the PSK session";
            return 0;
        }
        *sess = session;  // OpenSSL frees it
        return 1;
    }
};

void TlsLink::SslCtxDeleter::operator()(ssl_ctx_st* ctx) const
{
    SSL_CTX_free(ctx);
}

void TlsLink::SslDeleter::operator()(ssl_st* ssl) const
{
    SSL_free(ssl);
}

TlsLink::~TlsLink()
{
    ForgetSecret();
}

Result<std::unique_ptr<TlsLink>> TlsLink::Create(UniqueFd fd, Role role,
                                                 const std::string& localNetworkId,
                                                 const std::string& peerNetworkId,
                                                 SecretProvider secret,
                                                 std::string peerAddress)
{
    const std::string where = "TLS link with " + peerAddress + ": ";
    if (!fd.valid())
        return Error{EBADF, where + "no socket"};
    if (!IsNetworkId(localNetworkId))
        return Error{EINVAL, where + "our networkId is not 64 lowercase hex digits"};
    if (role == Role::Client) {
        if (!IsNetworkId(peerNetworkId))
            return Error{EINVAL, where + "the peer's networkId is not 64 lowercase hex digits"};
        if (peerNetworkId == localNetworkId)
            return Error{EINVAL, where + "the peer's networkId is our own"};
    }
    if (!secret)
        return Error{EINVAL, where + "no group secret provider"};

    std::unique_ptr<TlsLink> link(new TlsLink());
    link->fd_ = std::move(fd);
    link->role_ = role;
    link->localId_ = localNetworkId;
    link->peerId_ = role == Role::Client ? peerNetworkId : "";
    link->address_ = std::move(peerAddress);
    link->identity_ = role == Role::Client ? kPskIdentityPrefix + localNetworkId : "";

    // Read now, for this link alone: a rebind applies to the next link.
    auto loaded = secret();
    if (!loaded)
        return Error{loaded.error().code, where + loaded.error().message};
    link->secret_ = *loaded;
    link->haveSecret_ = true;
    OPENSSL_cleanse(loaded->bytes.data(), loaded->bytes.size());

    ERR_clear_error();
    link->ctx_.reset(SSL_CTX_new(TLS_method()));
    SSL_CTX* ctx = link->ctx_.get();
    bool ok = ctx && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1 &&
              SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 &&
              SSL_CTX_set_ciphersuites(ctx, kSuite) == 1 &&
              SSL_CTX_set1_groups_list(ctx, kGroups) == 1 &&
              SSL_CTX_set_num_tickets(ctx, 0) == 1 &&
              SSL_CTX_set_max_early_data(ctx, 0) == 1;
    if (ok) {
        // psk_dhe_ke only: never allow the key exchange without ECDHE.
        SSL_CTX_clear_options(ctx, SSL_OP_ALLOW_NO_DHE_KEX);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        if (role == Role::Client) {
            SSL_CTX_set_psk_use_session_callback(ctx, TlsLinkCallbacks::UseSession);
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, RefuseCertificate);
        } else {
            SSL_CTX_set_psk_find_session_callback(ctx, TlsLinkCallbacks::FindSession);
        }
        link->ssl_.reset(SSL_new(ctx));
        SSL* ssl = link->ssl_.get();
        ok = ssl && SSL_set_app_data(ssl, link.get()) == 1 &&
             SSL_set_fd(ssl, link->fd_.get()) == 1;
        if (ok) {
            if (role == Role::Client)
                SSL_set_connect_state(ssl);
            else
                SSL_set_accept_state(ssl);
        }
    }
    if (!ok) {
        SslErrors errors = DrainErrors();
        return Error{EIO, where + "cannot set up TLS (OpenSSL: " + errors.text + ")"};
    }
    return link;
}

std::string TlsLink::PeerName() const
{
    std::string name = address_;
    if (!peerId_.empty())
        name += " (device " + peerId_.substr(0, 8) + "…)";
    return name;
}

void TlsLink::ForgetSecret()
{
    OPENSSL_cleanse(secret_.bytes.data(), secret_.bytes.size());
    haveSecret_ = false;
}

TlsIo TlsLink::Fail(const std::string& message)
{
    failed_ = true;
    error_ = message;
    ForgetSecret();
    return TlsIo::Error;
}

namespace {

// Why a handshake or a read failed, in words, from OpenSSL's reasons.
std::string Explain(const SslErrors& errors, int sslError, bool client, bool handshake,
                    int savedErrno)
{
    const char* mismatch =
        client ? "the peer's key does not match ours — it holds a different group secret, "
                 "or it is not the device we meant to reach"
               : "the peer's key does not match ours — it holds a different group secret "
                 "(or it meant to reach another device)";
    // A server whose binder check fails answers with an alert: OpenSSL
    // 3.0 sends illegal_parameter, RFC 8446 says decrypt_error. From our
    // own kind of server, during the handshake, either means the binder.
    if (HasSslReason(errors, SSL_R_BINDER_DOES_NOT_VERIFY) ||
        HasSslReason(errors, SSL_R_TLSV1_ALERT_DECRYPT_ERROR) ||
        (client && handshake && HasSslReason(errors, SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER)))
        return mismatch;
    if (HasSslReason(errors, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE))
        return "the peer refused the handshake (it did not accept our PSK identity; is it an "
               "ipckit soft bus device of this version?)";
    if (HasSslReason(errors, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION) ||
        HasSslReason(errors, SSL_R_UNSUPPORTED_PROTOCOL) ||
        HasSslReason(errors, SSL_R_WRONG_VERSION_NUMBER))
        return "the peer does not speak TLS 1.3";
    if (HasSslReason(errors, SSL_R_CERTIFICATE_VERIFY_FAILED))
        return "the peer showed a certificate instead of taking our PSK: it is not a device of "
               "the group";
    if (!client && (HasSslReason(errors, SSL_R_NO_SHARED_CIPHER) ||
                    HasSslReason(errors, SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM)))
        return "the peer offered no PSK (it is not an ipckit soft bus device of this version)";
    // A peer that refuses before TLS (softbusd without a secret) closes
    // with our ClientHello unread: a reset rather than an EOF.
    bool hungUp = sslError == SSL_ERROR_SYSCALL &&
                  (savedErrno == 0 ||
                   (handshake && (savedErrno == ECONNRESET || savedErrno == EPIPE)));
    if (HasSslReason(errors, SSL_R_UNEXPECTED_EOF_WHILE_READING) || hungUp)
        return handshake ? "the peer closed the connection during the handshake (it may have no "
                           "group secret, or refused us)"
                         : "the peer closed the connection without a TLS close_notify";
    if (sslError == SSL_ERROR_SYSCALL)
        return std::strerror(savedErrno);
    if (!errors.codes.empty()) {
        const char* reason = ERR_reason_error_string(errors.codes.front());
        return std::string("TLS error: ") + (reason ? reason : "unknown");
    }
    return "TLS error " + std::to_string(sslError);
}

}  // namespace

TlsIo TlsLink::HandshakeFailed(int sslError)
{
    int savedErrno = errno;
    SslErrors errors = DrainErrors();
    std::string why = !callbackError_.empty()
                          ? callbackError_
                          : Explain(errors, sslError, role_ == Role::Client, true, savedErrno);
    std::string message = "TLS handshake with " + PeerName() + " failed: " + why;
    if (!errors.text.empty())
        message += " (OpenSSL: " + errors.text + ")";
    return Fail(message);
}

TlsIo TlsLink::IoFailed(const char* op, int sslError)
{
    int savedErrno = errno;
    SslErrors errors = DrainErrors();
    if (sslError == SSL_ERROR_ZERO_RETURN)
        return TlsIo::Closed;
    std::string why = Explain(errors, sslError, role_ == Role::Client, false, savedErrno);
    std::string message = "TLS link with " + PeerName() + ": " + op + " failed: " + why;
    if (!errors.text.empty())
        message += " (OpenSSL: " + errors.text + ")";
    return Fail(message);
}

TlsIo TlsLink::Handshake()
{
    if (failed_)
        return TlsIo::Error;
    if (done_)
        return TlsIo::Done;
    ERR_clear_error();
    errno = 0;
    SSL* ssl = ssl_.get();
    int rc = SSL_do_handshake(ssl);
    if (rc == 1) {
        // Belt and braces: only a TLS 1.3 handshake on our PSK with ECDHE
        // is a link of the group.
        if (SSL_version(ssl) != TLS1_3_VERSION)
            return Fail("TLS handshake with " + PeerName() + " failed: not TLS 1.3");
        if (!SSL_session_reused(ssl))
            return Fail("TLS handshake with " + PeerName() +
                        " failed: the peer did not authenticate with the group's key");
        if (SSL_get_negotiated_group(ssl) == 0)
            return Fail("TLS handshake with " + PeerName() +
                        " failed: no ECDHE key exchange (psk_ke without DHE is refused)");
        done_ = true;
        ForgetSecret();
        return TlsIo::Done;
    }
    int err = SSL_get_error(ssl, rc);
    if (err == SSL_ERROR_WANT_READ)
        return TlsIo::WantRead;
    if (err == SSL_ERROR_WANT_WRITE)
        return TlsIo::WantWrite;
    return HandshakeFailed(err);
}

TlsIo TlsLink::Read(uint8_t* buf, size_t cap, size_t* got)
{
    *got = 0;
    if (failed_)
        return TlsIo::Error;
    if (!done_)  // SSL_read would run the handshake without our checks
        return Fail("TLS link with " + PeerName() + ": read before the handshake finished");
    ERR_clear_error();
    errno = 0;
    if (SSL_read_ex(ssl_.get(), buf, cap, got) == 1)
        return TlsIo::Done;
    int err = SSL_get_error(ssl_.get(), 0);
    if (err == SSL_ERROR_WANT_READ)
        return TlsIo::WantRead;
    if (err == SSL_ERROR_WANT_WRITE)
        return TlsIo::WantWrite;
    return IoFailed("read", err);
}

TlsIo TlsLink::Write(const uint8_t* buf, size_t len, size_t* put)
{
    *put = 0;
    if (failed_)
        return TlsIo::Error;
    if (!done_)
        return Fail("TLS link with " + PeerName() + ": write before the handshake finished");
    ERR_clear_error();
    errno = 0;
    if (SSL_write_ex(ssl_.get(), buf, len, put) == 1)
        return TlsIo::Done;
    int err = SSL_get_error(ssl_.get(), 0);
    if (err == SSL_ERROR_WANT_READ)
        return TlsIo::WantRead;
    if (err == SSL_ERROR_WANT_WRITE)
        return TlsIo::WantWrite;
    return IoFailed("write", err);
}

bool TlsLink::Pending() const
{
    return ssl_ && SSL_pending(ssl_.get()) > 0;
}

std::string TlsLink::Describe() const
{
    if (!done_)
        return failed_ ? "failed" : "handshaking";
    SSL* ssl = ssl_.get();
    std::string text = SSL_get_version(ssl);
    text += " ";
    text += SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
    int group = static_cast<int>(SSL_get_negotiated_group(ssl));
    const char* name = group ? SSL_group_to_name(ssl, group) : nullptr;
    text += group ? std::string(", ECDHE ") + (name ? name : std::to_string(group).c_str())
                  : std::string(", no ECDHE");
    text += SSL_session_reused(ssl) ? ", PSK" : ", no PSK";
    return text;
}

void TlsLink::Shutdown()
{
    if (!ssl_ || !done_ || failed_)
        return;
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
}

}  // namespace ipckit::softbus
