#pragma once
// One HTTP connection's byte stream, plain TCP or TLS over it, behind one type so a session's
// code (Beast's http::async_read/async_write over it) is the same for both. The TCP layer is a
// beast::tcp_stream, so its expires_after() bounds the TLS handshake as well as each read and
// write. Closing drops the socket without a TLS close_notify: every HTTP message here is
// length-delimited, so a truncation cannot pass for an end.
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace cdnlab {

class HttpStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using Handshake = boost::asio::ssl::stream_base::handshake_type;

  // Plain, or TLS with `tls` (kept alive by the stream) when it is not null.
  HttpStream(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls);
  // Not connected yet (a client's): plain, or TLS with `tls` when it is not null.
  HttpStream(const executor_type& executor, std::shared_ptr<boost::asio::ssl::context> tls);

  bool Secure() const { return tls_.has_value(); }
  boost::beast::tcp_stream& Tcp() { return tls_ ? tls_->next_layer() : *plain_; }
  boost::asio::ip::tcp::socket& Socket() { return Tcp().socket(); }
  // The OpenSSL connection (null when plain): for peer-name checks before a client handshake.
  SSL* Native() { return tls_ ? tls_->native_handle() : nullptr; }

  // The TLS handshake, or nothing to do (the handler still runs, from the executor) when plain.
  template <class Handler>
  void AsyncHandshake(Handshake side, Handler&& handler) {
    if (tls_) return tls_->async_handshake(side, std::forward<Handler>(handler));
    boost::asio::post(get_executor(), [handler = std::forward<Handler>(handler)]() mutable {
      handler(boost::beast::error_code{});
    });
  }
  void Close();

  // The AsyncReadStream and AsyncWriteStream concepts, for Beast's HTTP operations.
  executor_type get_executor() { return Tcp().get_executor(); }
  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (tls_) {
            tls_->async_read_some(b, std::move(handler));
          } else {
            plain_->async_read_some(b, std::move(handler));
          }
        },
        token, buffers);
  }
  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (tls_) {
            tls_->async_write_some(b, std::move(handler));
          } else {
            plain_->async_write_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;  // outlives tls_ (declared first)
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

}  // namespace cdnlab
