// SPDX-License-Identifier: Apache-2.0
//
// TlsLink: one device-to-device link, TLS 1.3 over a connected,
// non-blocking TCP socket, authenticated by the group secret alone.
//
// Trust model
//   Every device of a group holds the same 32-byte group secret
//   (group_secret.h). A link between devices A and B uses the pair key
//     K(A,B) = HKDF-SHA256(secret, salt "ipckit-softbus-v1",
//                          info min(idA,idB) || max(idA,idB))
//   (ids: the 64-hex networkIds) as a TLS 1.3 external PSK. Only holders
//   of the secret can compute it, and it differs for every pair.
//
// Handshake
//   - TLS 1.3 only (min = max = TLS1_3_VERSION), one suite:
//     TLS_AES_128_GCM_SHA256; groups x25519, then P-256.
//   - PSK identity: "ipckit1:" + the client's networkId.
//   - The client derives K(client, expected peer): a server that is not
//     the device we dialled, or holds another secret, fails the binder.
//   - The server checks the identity (the prefix and 64 lowercase hex,
//     not its own id) and derives K(client id, own id).
//   - psk_dhe_ke only: the server is never given SSL_OP_ALLOW_NO_DHE_KEX,
//     so every link runs ECDHE as well (forward secrecy), even when the
//     client offers psk_ke.
//   - No certificates and no fallback: the server has none (no PSK, no
//     handshake); the client refuses any certificate and checks the PSK
//     was used. No session tickets, no resumption, no early data.
//   - The secret is read through SecretProvider for every new link.
//
// Failures name the peer and say why, e.g.
//   "TLS handshake with 10.76.0.2 (device 1a2b3c4d…) failed: the peer's key
//    does not match ours — it holds a different group secret (OpenSSL: …)"
// OpenSSL's error queue is drained into the message on every failure and
// cleared before every call, so nothing carries over between links. No
// key material is ever put into a message.
//
// The object is not thread-safe; use one link from one thread at a time.
// The process must ignore SIGPIPE (the socket is written with write(2)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <ipckit/result.h>
#include <ipckit/unique_fd.h>

#include "link/group_secret.h"

struct ssl_st;
struct ssl_ctx_st;

namespace ipckit::softbus {

using SecretProvider = std::function<Result<GroupSecret>()>;

// What a call did: Done (finished / moved bytes), WantRead / WantWrite
// (poll the fd for that and call again), Closed (the peer's close_notify),
// Error (the link is unusable; error() says why).
enum class TlsIo { Done, WantRead, WantWrite, Closed, Error };

// "the PSK identity prefix": the client's identity is this + its networkId.
inline constexpr const char* kPskIdentityPrefix = "ipckit1:";

class TlsLink {
public:
    enum class Role { Client, Server };

    // fd: connected and non-blocking; owned by the link from now on.
    // Client: peerNetworkId = the device we dial. Server: "" (learned
    // from the PSK identity). The secret is read here (a missing one fails
    // at once: "no group secret (run `ipckit bind`)"). peerAddress only
    // goes into messages.
    static Result<std::unique_ptr<TlsLink>> Create(UniqueFd fd, Role role,
                                                   const std::string& localNetworkId,
                                                   const std::string& peerNetworkId,
                                                   SecretProvider secret,
                                                   std::string peerAddress);
    ~TlsLink();
    TlsLink(const TlsLink&) = delete;
    TlsLink& operator=(const TlsLink&) = delete;

    // Call until Done; on Error see error(). Done again once done.
    TlsIo Handshake();
    // Done with *got > 0; Closed on the peer's clean close.
    TlsIo Read(uint8_t* buf, size_t cap, size_t* got);
    // Done with 0 < *put <= len: partial writes happen (pass the rest,
    // from any address, next time).
    TlsIo Write(const uint8_t* buf, size_t len, size_t* put);
    // Decrypted bytes are buffered: Read again before polling.
    bool Pending() const;

    int fd() const { return fd_.get(); }
    // Client: whom we dialled; server: the client's id once its identity
    // was read ("" before).
    const std::string& peerNetworkId() const { return peerId_; }
    const std::string& error() const { return error_; }
    // "TLSv1.3 TLS_AES_128_GCM_SHA256, ECDHE x25519, PSK" once done.
    std::string Describe() const;
    // Best-effort close_notify; the fd stays open until destruction.
    void Shutdown();

private:
    TlsLink() = default;
    friend struct TlsLinkCallbacks;  // OpenSSL's PSK callbacks (tls_link.cc)
    TlsIo Fail(const std::string& why);
    TlsIo HandshakeFailed(int sslError);
    TlsIo IoFailed(const char* op, int sslError);
    std::string PeerName() const;
    void ForgetSecret();

    struct SslCtxDeleter {
        void operator()(ssl_ctx_st* ctx) const;
    };
    struct SslDeleter {
        void operator()(ssl_st* ssl) const;
    };

    UniqueFd fd_;  // declared first: closed after the SSL object is freed
    std::unique_ptr<ssl_ctx_st, SslCtxDeleter> ctx_;
    std::unique_ptr<ssl_st, SslDeleter> ssl_;
    Role role_ = Role::Client;
    std::string localId_;
    std::string peerId_;
    std::string address_;
    std::string identity_;  // the client's PSK identity; OpenSSL points at it
    GroupSecret secret_;    // until the handshake is over
    bool haveSecret_ = false;
    bool done_ = false;
    bool failed_ = false;
    std::string callbackError_;  // why a callback refused, preferred in error_
    std::string error_;
};

}  // namespace ipckit::softbus
