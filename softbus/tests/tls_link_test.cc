// SPDX-License-Identifier: Apache-2.0
//
// TlsLink over AF_UNIX socketpairs (no network): handshakes with the same
// and with different secrets, the wrong device, malformed identities, a
// client that would skip ECDHE, non-PSK and TLS 1.2 peers, a certificate
// server, bulk data through partial writes, and clean and unclean closes.
// The odd peers are plain OpenSSL (RawPeer) built here.
#include "link/tls_link.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

namespace ipckit::softbus {
namespace {

const bool kSigpipeIgnored = (::signal(SIGPIPE, SIG_IGN), true);

const std::string kIdA(64, 'a');
const std::string kIdB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kIdC(64, 'c');
// Only ever words in messages: nothing here touches a network.
const std::string kAddrA = "127.0.0.1:40001";
const std::string kAddrB = "127.0.0.1:40002";

GroupSecret MakeSecret(uint8_t seed)
{
    GroupSecret s;
    for (std::size_t i = 0; i < s.bytes.size(); i++)
        s.bytes[i] = static_cast<uint8_t>(seed * 31 + i);
    return s;
}

SecretProvider Fixed(const GroupSecret& s)
{
    return [s]() -> Result<GroupSecret> { return s; };
}

std::pair<UniqueFd, UniqueFd> SocketPair()
{
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::unique_ptr<TlsLink> MakeLink(UniqueFd fd, TlsLink::Role role, const std::string& local,
                                  const std::string& peer, SecretProvider secret,
                                  const std::string& address)
{
    auto link = TlsLink::Create(std::move(fd), role, local, peer, std::move(secret), address);
    EXPECT_TRUE(link) << link.error().message;
    return link ? std::move(link).value() : nullptr;
}

bool Finished(TlsIo r)
{
    return r == TlsIo::Done || r == TlsIo::Error || r == TlsIo::Closed;
}

short Events(TlsIo r)
{
    return r == TlsIo::WantWrite ? POLLOUT : POLLIN;
}

struct Outcome {
    TlsIo result = TlsIo::WantRead;
    std::string error;
};

// Runs both handshakes to their end on one thread. A side that fails is
// destroyed at once (its fd closes), as softbusd does, so the other
// never waits for ever.
template <typename A, typename B>
std::pair<Outcome, Outcome> Drive(std::unique_ptr<A>& a, std::unique_ptr<B>& b)
{
    Outcome oa, ob;
    auto step = [](auto& link, Outcome& o) {
        if (!link || Finished(o.result))
            return;
        o.result = link->Handshake();
        if (o.result == TlsIo::Error) {
            o.error = link->error();
            link.reset();
        }
    };
    for (int i = 0; i < 1000 && !(Finished(oa.result) && Finished(ob.result)); i++) {
        step(a, oa);
        step(b, ob);
        std::vector<pollfd> fds;
        if (a && !Finished(oa.result))
            fds.push_back({a->fd(), Events(oa.result), 0});
        if (b && !Finished(ob.result))
            fds.push_back({b->fd(), Events(ob.result), 0});
        if (!fds.empty())
            ::poll(fds.data(), fds.size(), 100);
    }
    return {oa, ob};
}

// A plain OpenSSL peer for what TlsLink itself would never do.
struct RawOptions {
    bool server = false;
    std::string identity;                        // client: the PSK identity offered
    std::optional<std::array<uint8_t, 32>> key;  // client: the PSK (none: no PSK)
    uint64_t options = 0;
    int maxVersion = TLS1_3_VERSION;
    bool certificate = false;  // server: a self-signed certificate, no PSK
};

class RawPeer {
public:
    RawPeer(UniqueFd fd, RawOptions opt) : fd_(std::move(fd)), opt_(std::move(opt))
    {
        ctx_.reset(SSL_CTX_new(TLS_method()));
        SSL_CTX* ctx = ctx_.get();
        SSL_CTX_set_max_proto_version(ctx, opt_.maxVersion);
        SSL_CTX_set_options(ctx, opt_.options);
        if (opt_.key)
            SSL_CTX_set_psk_use_session_callback(ctx, UseSession);
        if (opt_.certificate)
            AddCertificate(ctx);
        ssl_.reset(SSL_new(ctx));
        SSL_set_app_data(ssl_.get(), this);
        SSL_set_fd(ssl_.get(), fd_.get());
        if (opt_.server)
            SSL_set_accept_state(ssl_.get());
        else
            SSL_set_connect_state(ssl_.get());
    }

    TlsIo Handshake()
    {
        ERR_clear_error();
        int rc = SSL_do_handshake(ssl_.get());
        if (rc == 1)
            return TlsIo::Done;
        int err = SSL_get_error(ssl_.get(), rc);
        if (err == SSL_ERROR_WANT_READ)
            return TlsIo::WantRead;
        if (err == SSL_ERROR_WANT_WRITE)
            return TlsIo::WantWrite;
        char buf[256];
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        ERR_clear_error();
        error_ = buf;
        return TlsIo::Error;
    }
    int fd() const { return fd_.get(); }
    SSL* ssl() const { return ssl_.get(); }
    const std::string& error() const { return error_; }

private:
    static int UseSession(SSL* ssl, const EVP_MD*, const unsigned char** id, size_t* idlen,
                          SSL_SESSION** sess)
    {
        auto* self = static_cast<RawPeer*>(SSL_get_app_data(ssl));
        const unsigned char suite[2] = {0x13, 0x01};
        SSL_SESSION* s = SSL_SESSION_new();
        SSL_SESSION_set1_master_key(s, self->opt_.key->data(), self->opt_.key->size());
        SSL_SESSION_set_cipher(s, SSL_CIPHER_find(ssl, suite));
        SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION);
        *sess = s;
        *id = reinterpret_cast<const unsigned char*>(self->opt_.identity.data());
        *idlen = self->opt_.identity.size();
        return 1;
    }

    static void AddCertificate(SSL_CTX* ctx)
    {
        EVP_PKEY* key = EVP_EC_gen("P-256");
        X509* cert = X509_new();
        X509_set_version(cert, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert), 0);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_set_pubkey(cert, key);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("impostor"), -1, -1,
                                   0);
        X509_set_issuer_name(cert, X509_get_subject_name(cert));
        X509_sign(cert, key, EVP_sha256());
        SSL_CTX_use_certificate(ctx, cert);
        SSL_CTX_use_PrivateKey(ctx, key);
        X509_free(cert);
        EVP_PKEY_free(key);
    }

    struct CtxFree {
        void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
    };
    struct SslFree {
        void operator()(SSL* s) const { SSL_free(s); }
    };
    UniqueFd fd_;
    RawOptions opt_;
    std::unique_ptr<SSL_CTX, CtxFree> ctx_;
    std::unique_ptr<SSL, SslFree> ssl_;
    std::string error_;
};

// A client (device A) and a server (device B) on a socketpair.
struct LinkPair {
    std::unique_ptr<TlsLink> client, server;
};

LinkPair Connect(const GroupSecret& clientSecret, const GroupSecret& serverSecret,
                 const std::string& dialled = kIdB)
{
    auto [c, s] = SocketPair();
    LinkPair p;
    p.client = MakeLink(std::move(c), TlsLink::Role::Client, kIdA, dialled, Fixed(clientSecret),
                        kAddrB);
    p.server =
        MakeLink(std::move(s), TlsLink::Role::Server, kIdB, "", Fixed(serverSecret), kAddrA);
    return p;
}

bool Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// Moves `data` from `from` to `to`, both driven from one poll loop; the
// reader reads in small pieces so decrypted bytes stay pending.
std::vector<uint8_t> Transfer(TlsLink& from, TlsLink& to, const std::vector<uint8_t>& data,
                              int* partialWrites)
{
    std::vector<uint8_t> got;
    std::size_t sent = 0;
    uint8_t buf[1000];
    TlsIo w = TlsIo::Done, r = TlsIo::WantRead;
    for (int i = 0; i < 100000 && got.size() < data.size(); i++) {
        if (sent < data.size()) {
            std::size_t chunk = std::min<std::size_t>(1 << 20, data.size() - sent);
            std::size_t put = 0;
            w = from.Write(data.data() + sent, chunk, &put);
            EXPECT_NE(w, TlsIo::Error) << from.error();
            if (w == TlsIo::Error)
                break;
            if (w == TlsIo::Done && put < chunk)
                ++*partialWrites;
            sent += put;
        }
        do {
            std::size_t n = 0;
            r = to.Read(buf, sizeof buf, &n);
            EXPECT_TRUE(r == TlsIo::Done || r == TlsIo::WantRead) << to.error();
            got.insert(got.end(), buf, buf + n);
        } while (r == TlsIo::Done && (to.Pending() || got.size() < data.size()));
        if (r != TlsIo::Done && r != TlsIo::WantRead)
            break;
        pollfd fds[2] = {{to.fd(), POLLIN, 0},
                         {from.fd(), static_cast<short>(sent < data.size() ? POLLOUT : 0), 0}};
        ::poll(fds, 2, 100);
    }
    return got;
}

TEST(TlsLink, SameSecretHandshakesAndCarriesBytesBothWays)
{
    GroupSecret secret = MakeSecret(1);
    LinkPair p = Connect(secret, secret);
    auto [c, s] = Drive(p.client, p.server);
    ASSERT_EQ(c.result, TlsIo::Done) << c.error;
    ASSERT_EQ(s.result, TlsIo::Done) << s.error;
    EXPECT_EQ(p.client->peerNetworkId(), kIdB);
    EXPECT_EQ(p.server->peerNetworkId(), kIdA);
    EXPECT_EQ(p.client->Describe(), "TLSv1.3 TLS_AES_128_GCM_SHA256, ECDHE x25519, PSK");
    EXPECT_EQ(p.server->Describe(), "TLSv1.3 TLS_AES_128_GCM_SHA256, ECDHE x25519, PSK");
    EXPECT_EQ(p.client->Handshake(), TlsIo::Done);  // idempotent

    int partial = 0;
    std::vector<uint8_t> hello{'h', 'e', 'l', 'l', 'o'};
    EXPECT_EQ(Transfer(*p.client, *p.server, hello, &partial), hello);
    std::vector<uint8_t> back{'b', 'a', 'c', 'k'};
    EXPECT_EQ(Transfer(*p.server, *p.client, back, &partial), back);
    EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(TlsLink, FourMiBGoThroughPartialWrites)
{
    GroupSecret secret = MakeSecret(2);
    LinkPair p = Connect(secret, secret);
    auto [c, s] = Drive(p.client, p.server);
    ASSERT_EQ(c.result, TlsIo::Done) << c.error;
    ASSERT_EQ(s.result, TlsIo::Done) << s.error;
    std::vector<uint8_t> data(4u << 20);
    for (std::size_t i = 0; i < data.size(); i++)
        data[i] = static_cast<uint8_t>(i * 7 + (i >> 12));
    int partial = 0;
    EXPECT_EQ(Transfer(*p.client, *p.server, data, &partial), data);
    EXPECT_GT(partial, 0);  // the socket buffer is far smaller than 1 MiB
    partial = 0;
    EXPECT_EQ(Transfer(*p.server, *p.client, data, &partial), data);
    EXPECT_GT(partial, 0);
}

TEST(TlsLink, DifferentSecretsFailOnBothSidesSayingWhy)
{
    LinkPair p = Connect(MakeSecret(1), MakeSecret(2));
    auto [c, s] = Drive(p.client, p.server);
    ASSERT_EQ(s.result, TlsIo::Error);
    EXPECT_TRUE(Contains(s.error, "TLS handshake with " + kAddrA +
                                      " (device aaaaaaaa…) failed: the peer's key does not "
                                      "match ours — it holds a different group secret"))
        << s.error;
    EXPECT_TRUE(Contains(s.error, "(OpenSSL: error:")) << s.error;
    ASSERT_EQ(c.result, TlsIo::Error);
    EXPECT_TRUE(Contains(c.error, "TLS handshake with " + kAddrB +
                                      " (device 01234567…) failed: the peer's key does not "
                                      "match ours — it holds a different group secret"))
        << c.error;
    EXPECT_TRUE(Contains(c.error, "(OpenSSL: error:")) << c.error;
    EXPECT_EQ(ERR_peek_error(), 0u);  // nothing left for the next link
}

TEST(TlsLink, ClientThatMeantAnotherDeviceFails)
{
    GroupSecret secret = MakeSecret(3);
    LinkPair p = Connect(secret, secret, kIdC);  // dials C, B answers
    auto [c, s] = Drive(p.client, p.server);
    ASSERT_EQ(c.result, TlsIo::Error);
    EXPECT_TRUE(Contains(c.error, "(device cccccccc…) failed: the peer's key does not match"))
        << c.error;
    ASSERT_EQ(s.result, TlsIo::Error);
    EXPECT_TRUE(Contains(s.error, "the peer's key does not match ours")) << s.error;
}

std::pair<Outcome, Outcome> RawAgainstServer(RawOptions opt, std::unique_ptr<RawPeer>* keep,
                                             const GroupSecret& secret = MakeSecret(4))
{
    auto [c, s] = SocketPair();
    auto raw = std::make_unique<RawPeer>(std::move(c), std::move(opt));
    auto server = MakeLink(std::move(s), TlsLink::Role::Server, kIdB, "", Fixed(secret), kAddrA);
    auto result = Drive(raw, server);
    if (keep)
        *keep = std::move(raw);
    return result;
}

TEST(TlsLink, MalformedIdentitiesAreRefused)
{
    GroupSecret secret = MakeSecret(4);
    const std::string upper(64, 'A');
    for (std::string identity : {std::string("ipckit1:xyz"), "ipckit1:" + upper,
                                 "ipckit2:" + kIdA, kIdA, "ipckit1:" + kIdA + "0"}) {
        RawOptions opt;
        opt.identity = identity;
        opt.key = DerivePairKey(secret, kIdA, kIdB);
        auto [c, s] = RawAgainstServer(opt, nullptr, secret);
        EXPECT_EQ(c.result, TlsIo::Error) << identity;
        ASSERT_EQ(s.result, TlsIo::Error) << identity;
        EXPECT_TRUE(Contains(s.error, "failed: the peer sent a malformed PSK identity (" +
                                          std::to_string(identity.size()) + " bytes"))
            << s.error;
        EXPECT_FALSE(Contains(s.error, identity)) << "the peer's bytes are not echoed";
    }
}

TEST(TlsLink, OurOwnIdAsTheIdentityIsRefused)
{
    GroupSecret secret = MakeSecret(4);
    RawOptions opt;
    opt.identity = std::string("ipckit1:") + kIdB;
    opt.key = DerivePairKey(secret, kIdB, kIdB);
    auto [c, s] = RawAgainstServer(opt, nullptr, secret);
    EXPECT_EQ(c.result, TlsIo::Error);
    ASSERT_EQ(s.result, TlsIo::Error);
    EXPECT_TRUE(Contains(s.error, "claims our own networkId")) << s.error;
}

TEST(TlsLink, ServerSideWorksWithAPlainOpenSslClient)
{
    GroupSecret secret = MakeSecret(4);
    RawOptions opt;
    opt.identity = std::string("ipckit1:") + kIdA;
    opt.key = DerivePairKey(secret, kIdA, kIdB);
    auto [c, s] = RawAgainstServer(opt, nullptr, secret);
    EXPECT_EQ(c.result, TlsIo::Done) << c.error;
    EXPECT_EQ(s.result, TlsIo::Done) << s.error;
}

TEST(TlsLink, AClientOfferingPskKeStillGetsEcdhe)
{
    // SSL_OP_ALLOW_NO_DHE_KEX makes the client offer psk_ke too; the
    // server must still choose psk_dhe_ke.
    GroupSecret secret = MakeSecret(4);
    RawOptions opt;
    opt.identity = std::string("ipckit1:") + kIdA;
    opt.key = DerivePairKey(secret, kIdA, kIdB);
    opt.options = SSL_OP_ALLOW_NO_DHE_KEX;
    std::unique_ptr<RawPeer> raw;
    auto [c, s] = RawAgainstServer(opt, &raw, secret);
    ASSERT_EQ(c.result, TlsIo::Done) << c.error;
    ASSERT_EQ(s.result, TlsIo::Done) << s.error;
    EXPECT_NE(SSL_get_negotiated_group(raw->ssl()), 0);
    EXPECT_EQ(SSL_session_reused(raw->ssl()), 1);
}

TEST(TlsLink, AClientWithoutPskIsRefused)
{
    RawOptions opt;  // no key: a certificate handshake, which the server cannot do
    auto [c, s] = RawAgainstServer(opt, nullptr);
    EXPECT_EQ(c.result, TlsIo::Error);
    ASSERT_EQ(s.result, TlsIo::Error);
    EXPECT_TRUE(Contains(s.error, "failed: the peer offered no PSK")) << s.error;
}

TEST(TlsLink, ATls12ClientIsRefused)
{
    RawOptions opt;
    opt.maxVersion = TLS1_2_VERSION;
    auto [c, s] = RawAgainstServer(opt, nullptr);
    EXPECT_EQ(c.result, TlsIo::Error);
    ASSERT_EQ(s.result, TlsIo::Error);
    EXPECT_TRUE(Contains(s.error, "failed: the peer does not speak TLS 1.3")) << s.error;
}

TEST(TlsLink, AServerWithACertificateInsteadOfThePskIsRefused)
{
    auto [c, s] = SocketPair();
    RawOptions opt;
    opt.server = true;
    opt.certificate = true;
    auto raw = std::make_unique<RawPeer>(std::move(s), opt);
    auto client =
        MakeLink(std::move(c), TlsLink::Role::Client, kIdA, kIdB, Fixed(MakeSecret(5)), kAddrB);
    auto [oc, os] = Drive(client, raw);
    ASSERT_EQ(oc.result, TlsIo::Error);
    EXPECT_TRUE(Contains(oc.error, "showed a certificate instead of taking our PSK")) << oc.error;
    EXPECT_EQ(os.result, TlsIo::Error);
}

TEST(TlsLink, NoSecretFailsAtCreate)
{
    auto [c, s] = SocketPair();
    SecretProvider missing = [] { return LoadGroupSecret("/nonexistent/ipckit/group.key"); };
    auto link = TlsLink::Create(std::move(c), TlsLink::Role::Client, kIdA, kIdB, missing, kAddrB);
    ASSERT_FALSE(link);
    EXPECT_TRUE(Contains(link.error().message,
                         "TLS link with " + kAddrB + ": no group secret (run `ipckit bind`)"))
        << link.error().message;
}

TEST(TlsLink, APeerThatHangsUpMidHandshakeIsNamed)
{
    // What a softbusd without a secret does: accept, then close.
    auto [c, s] = SocketPair();
    auto client =
        MakeLink(std::move(c), TlsLink::Role::Client, kIdA, kIdB, Fixed(MakeSecret(8)), kAddrB);
    std::unique_ptr<TlsLink> none;
    EXPECT_EQ(client->Handshake(), TlsIo::WantRead);
    s.reset();
    auto [oc, os] = Drive(client, none);
    ASSERT_EQ(oc.result, TlsIo::Error);
    EXPECT_TRUE(Contains(oc.error, "TLS handshake with " + kAddrB +
                                       " (device 01234567…) failed: the peer closed the "
                                       "connection during the handshake"))
        << oc.error;
}

TEST(TlsLink, StaleOpenSslErrorsDoNotSpillIntoALink)
{
    ERR_raise(ERR_LIB_SSL, SSL_R_BINDER_DOES_NOT_VERIFY);  // left by someone else
    GroupSecret secret = MakeSecret(9);
    LinkPair p = Connect(secret, secret);
    auto [c, s] = Drive(p.client, p.server);
    EXPECT_EQ(c.result, TlsIo::Done) << c.error;
    EXPECT_EQ(s.result, TlsIo::Done) << s.error;
    EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(TlsLink, CreateChecksTheIds)
{
    GroupSecret secret = MakeSecret(6);
    for (auto [local, peer, role] :
         {std::tuple{std::string("nope"), kIdB, TlsLink::Role::Client},
          std::tuple{kIdA, std::string(64, 'A'), TlsLink::Role::Client},
          std::tuple{kIdA, kIdA, TlsLink::Role::Client},
          std::tuple{std::string(), std::string(), TlsLink::Role::Server}}) {
        auto [c, s] = SocketPair();
        EXPECT_FALSE(TlsLink::Create(std::move(c), role, local, peer, Fixed(secret), kAddrB));
    }
}

TEST(TlsLink, TheSecretIsReadForEveryLink)
{
    std::string dir = ::testing::TempDir() + "tls_link_XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    std::string clientKey = dir + "/a.key", serverKey = dir + "/b.key";
    ASSERT_TRUE(CreateGroupSecret(serverKey));
    std::ifstream in(serverKey);
    std::string hex;
    in >> hex;
    ASSERT_TRUE(ImportGroupSecret(clientKey, hex));
    SecretProvider clientSecret = [&] { return LoadGroupSecret(clientKey); };
    SecretProvider serverSecret = [&] { return LoadGroupSecret(serverKey); };

    auto link = [&] {
        auto [c, s] = SocketPair();
        auto client =
            MakeLink(std::move(c), TlsLink::Role::Client, kIdA, kIdB, clientSecret, kAddrB);
        auto server = MakeLink(std::move(s), TlsLink::Role::Server, kIdB, "", serverSecret, kAddrA);
        return Drive(client, server);
    };
    auto first = link();
    EXPECT_EQ(first.first.result, TlsIo::Done) << first.first.error;
    EXPECT_EQ(first.second.result, TlsIo::Done) << first.second.error;
    ASSERT_TRUE(CreateGroupSecret(clientKey, true));  // A rebinds to another group
    auto second = link();
    EXPECT_EQ(second.first.result, TlsIo::Error);
    EXPECT_EQ(second.second.result, TlsIo::Error);
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(TlsLink, CleanAndUncleanCloses)
{
    GroupSecret secret = MakeSecret(7);
    LinkPair p = Connect(secret, secret);
    uint8_t buf[16];
    std::size_t n = 0;
    // Not before the handshake: SSL_read would run it unchecked.
    EXPECT_EQ(p.server->Read(buf, sizeof buf, &n), TlsIo::Error);
    p = Connect(secret, secret);
    auto [c, s] = Drive(p.client, p.server);
    ASSERT_EQ(c.result, TlsIo::Done);
    ASSERT_EQ(s.result, TlsIo::Done);
    EXPECT_EQ(p.server->Read(buf, sizeof buf, &n), TlsIo::WantRead);
    p.client->Shutdown();
    EXPECT_EQ(p.server->Read(buf, sizeof buf, &n), TlsIo::Closed);

    p = Connect(secret, secret);
    auto [c2, s2] = Drive(p.client, p.server);
    ASSERT_EQ(c2.result, TlsIo::Done);
    p.client.reset();  // the fd closes without close_notify
    TlsIo r = p.server->Read(buf, sizeof buf, &n);
    ASSERT_EQ(r, TlsIo::Error);
    EXPECT_TRUE(Contains(p.server->error(), "closed the connection without a TLS close_notify"))
        << p.server->error();
    std::size_t put = 0;
    EXPECT_EQ(p.server->Write(buf, sizeof buf, &put), TlsIo::Error);
}

}  // namespace
}  // namespace ipckit::softbus
