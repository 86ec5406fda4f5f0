#!/bin/sh
# Makes every key and certificate the deployment example needs (realnet/deploy/README.md):
#
#   DIR/keys/POP.key                  each PoP's secret key for signed probe reports (`realnet pop-key`)
#   DIR/keys/pop-keys.pub             their public keys, the controller's --pop-keys file
#   DIR/keys/snapshot.secret          the controller's snapshot signing secret
#   DIR/keys/snapshot-public-key.env  SNAPSHOT_PUBLIC_KEY=HEX for cdnlab-dns@ (`realnet snapshot-key`)
#   DIR/tls/ca.pem, ca.key            a private CA (move ca.key offline once done)
#   DIR/tls/controller.pem/.key       server certificate of the snapshot channel (IP:$CONTROLLER_ADDRESS)
#   DIR/tls/DNS.pem/.key              a client certificate per DNS server (mutual TLS to the controller)
#   DIR/tls/federation-gateway.pem/.key  server certificate of the RFC 8007 API (IP:$GATEWAY_ADDRESS)
#   DIR/tls/federation-client.pem/.key   a client certificate for a federation peer or content provider
#   DIR/tls/rum-collector.pem/.key    server certificate of the RUM page (IP:$RUM_ADDRESS)
#   DIR/tls/rum-objects.pem/.key      server certificate of the RUM test objects (IP: every PoP server)
#
#   make-keys.sh [DIR]       (DIR defaults to /etc/cdnlab)
#
# Environment (defaults are the example scenario's, cdnlab.yaml):
#   CDNLAB              the cdnlab program (cdnlab on PATH)
#   POPS                PoP ids ("pop-fra pop-nyc pop-sin")
#   DNS_SERVERS         DNS server instance names ("dns-1 dns-2")
#   CONTROLLER_ADDRESS  address of the controller's --publish-snapshots (192.0.2.10)
#   GATEWAY_ADDRESS     address of the federation gateway's API (192.0.2.40)
#   RUM_ADDRESS         address of the RUM collector's page (192.0.2.30)
#   SERVER_ADDRESSES    every PoP server's address, for the RUM test objects
#                       ("203.0.113.11 203.0.113.12 203.0.113.21 203.0.113.22 203.0.113.31 203.0.113.32")
#   DAYS                certificate lifetime in days (365)
#   CDNLAB_GROUP        the group the services run as (cdnlab)
#
# Nothing existing is overwritten: the script stops at the first file that is already there.
# Secrets are mode 0640, group CDNLAB_GROUP when that group exists (the units run as user
# cdnlab), else 0600.
set -eu
dir="${1:-/etc/cdnlab}"
cdnlab="${CDNLAB:-cdnlab}"
pops="${POPS:-pop-fra pop-nyc pop-sin}"
dns_servers="${DNS_SERVERS:-dns-1 dns-2}"
controller_address="${CONTROLLER_ADDRESS:-192.0.2.10}"
gateway_address="${GATEWAY_ADDRESS:-192.0.2.40}"
rum_address="${RUM_ADDRESS:-192.0.2.30}"
server_addresses="${SERVER_ADDRESSES:-203.0.113.11 203.0.113.12 203.0.113.21 203.0.113.22 203.0.113.31 203.0.113.32}"
days="${DAYS:-365}"
group="${CDNLAB_GROUP:-cdnlab}"

fail() { echo "make-keys.sh: $*" >&2; exit 1; }
command -v openssl >/dev/null || fail "openssl is not installed"
command -v "$cdnlab" >/dev/null || fail "no cdnlab program '$cdnlab' (set CDNLAB)"
mkdir -p "$dir/keys" "$dir/tls"
for f in "$dir/keys/pop-keys.pub" "$dir/keys/snapshot.secret" "$dir/tls/ca.pem"; do
  [ ! -e "$f" ] || fail "$f exists; not overwriting (remove the old keys first)"
done
umask 077

# Keeps a secret readable by the services, writable by nobody but root.
secret_mode() {
  if getent group "$group" >/dev/null 2>&1; then chgrp "$group" "$@"; chmod 0640 "$@"; else chmod 0600 "$@"; fi
}
public_mode() { chmod 0644 "$@"; }
if getent group "$group" >/dev/null 2>&1; then
  chgrp "$group" "$dir/keys" "$dir/tls"; chmod 0750 "$dir/keys" "$dir/tls"
else
  chmod 0700 "$dir/keys" "$dir/tls"
fi

# --- signed probe reports: one key pair per PoP ---
for pop in $pops; do
  "$cdnlab" realnet pop-key --pop "$pop" --secret-file "$dir/keys/$pop.key" >> "$dir/keys/pop-keys.pub"
  secret_mode "$dir/keys/$pop.key"
done
public_mode "$dir/keys/pop-keys.pub"

# --- signed mapping snapshots ---
openssl rand -hex 32 > "$dir/keys/snapshot.secret"
secret_mode "$dir/keys/snapshot.secret"
public="$("$cdnlab" realnet snapshot-key --secret-file "$dir/keys/snapshot.secret")"
printf 'SNAPSHOT_PUBLIC_KEY=%s\n' "$public" > "$dir/keys/snapshot-public-key.env"
public_mode "$dir/keys/snapshot-public-key.env"

# --- TLS: a private CA and its certificates (ECDSA P-256) ---
cd "$dir/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days "$days" \
  -subj "/CN=cdnlab deployment CA" -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
leaf() {  # leaf NAME CN EXTENSIONS
  [ ! -e "$1.pem" ] || fail "$dir/tls/$1.pem exists; not overwriting"
  printf '%s\n' "$3" > "$1.ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" \
    2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" -extfile "$1.ext" \
    -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
  secret_mode "$1.key"
  public_mode "$1.pem"
}
leaf controller "$controller_address" "subjectAltName=IP:$controller_address
extendedKeyUsage=serverAuth"
for name in $dns_servers; do
  leaf "$name" "$name" "extendedKeyUsage=clientAuth"
done
leaf federation-gateway "$gateway_address" "subjectAltName=IP:$gateway_address
extendedKeyUsage=serverAuth"
leaf federation-client federation-client "extendedKeyUsage=clientAuth"
leaf rum-collector "$rum_address" "subjectAltName=IP:$rum_address
extendedKeyUsage=serverAuth"
# One certificate for the test object on every PoP server (browsers fetch it over HTTPS from an
# HTTPS page): an IP SAN per server address.
object_sans="$(printf 'IP:%s,' $server_addresses)"
leaf rum-objects "rum test objects" "subjectAltName=${object_sans%,}
extendedKeyUsage=serverAuth"
chmod 0600 ca.key
public_mode ca.pem
rm -f ca.srl
for name in controller $dns_servers federation-gateway federation-client rum-collector rum-objects; do
  openssl verify -CAfile ca.pem "$name.pem" >/dev/null || fail "$dir/tls/$name.pem does not verify"
done

echo "make-keys.sh: keys in $dir/keys, certificates in $dir/tls (CA key: $dir/tls/ca.key; keep it offline)"
echo "make-keys.sh: snapshot public key $public"
