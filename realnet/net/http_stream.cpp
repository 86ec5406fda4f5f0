#include "realnet/net/http_stream.h"

namespace cdnlab {

HttpStream::HttpStream(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls)
    : context_(std::move(tls)) {
  if (context_) {
    tls_.emplace(boost::beast::tcp_stream(std::move(socket)), *context_);
  } else {
    plain_.emplace(std::move(socket));
  }
}

HttpStream::HttpStream(const executor_type& executor, std::shared_ptr<boost::asio::ssl::context> tls)
    : context_(std::move(tls)) {
  if (context_) {
    tls_.emplace(executor, *context_);
  } else {
    plain_.emplace(executor);
  }
}

void HttpStream::Close() {
  boost::beast::error_code ignored;
  Socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  Tcp().close();  // the socket and the stream's timers
}

}  // namespace cdnlab
