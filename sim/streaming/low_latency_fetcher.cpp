#include "sim/streaming/low_latency_fetcher.h"

#include <utility>

namespace cdnlab {

void Ns3LowLatencyFetcher::Fetch(const std::string&, const Endpoint& to, const LowLatencyPlaylistRequest& request,
                                 Done done) {
  client_.Call(to, RpcMessage{kRequestBytes, request}, timeout_,
               [this, done = std::move(done)](std::optional<RpcMessage> response) {
                 if (!response) {
                   ++failures_;
                   done(LowLatencyAnswer{});
                   return;
                 }
                 done(std::any_cast<const LowLatencyAnswer&>(response->payload));
               });
}

}  // namespace cdnlab
