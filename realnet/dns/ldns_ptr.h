#pragma once
// Owning pointers for ldns objects, freed the way ldns wants each one freed.
#include <memory>

#include <ldns/ldns.h>

namespace cdnlab {

struct LdnsDeleter {
  void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
  void operator()(ldns_rdf* d) const { ldns_rdf_deep_free(d); }
};
template <typename T>
using LdnsPtr = std::unique_ptr<T, LdnsDeleter>;

}  // namespace cdnlab
