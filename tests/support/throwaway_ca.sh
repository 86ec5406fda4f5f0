#!/bin/sh
# A throwaway PKI for TLS tests, made with the openssl CLI in directory DIR:
#   ca.pem            the test CA (ca.key its key)
#   server.pem/.key   a server certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1), from ca
#   client.pem/.key   a client certificate (extendedKeyUsage clientAuth), from ca
#   other-ca.pem      an unrelated CA (other-ca.key), and other-client.pem/.key issued by it
#   expired.pem/.key  a server certificate for 127.0.0.1 from ca, valid only in 2020
#   elsewhere.pem/.key a valid server certificate from ca for 127.0.0.2 only (a name mismatch)
#   throwaway_ca.sh DIR
set -eu
dir="$1"
mkdir -p "$dir"
cd "$dir"
days=30

make_ca() {  # make_ca NAME SUBJECT
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" \
    -days "$days" -subj "$2" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    2>/dev/null
}
make_leaf() {  # make_leaf NAME CA SUBJECT EXTENSIONS
  printf '%s\n' "$4" > "$1.ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "$3" \
    2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days "$days" -extfile "$1.ext" \
    -out "$1.pem" 2>/dev/null
}

server_ext='subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth'
client_ext='extendedKeyUsage=clientAuth'

make_ca ca "/CN=cdnlab test CA"
make_ca other-ca "/CN=cdnlab unrelated CA"
make_leaf server ca "/CN=127.0.0.1" "$server_ext"
make_leaf elsewhere ca "/CN=127.0.0.2" 'subjectAltName=IP:127.0.0.2
extendedKeyUsage=serverAuth'
make_leaf client ca "/CN=dns-1" "$client_ext"
make_leaf other-client other-ca "/CN=intruder" "$client_ext"

# `openssl x509 -days` cannot reach into the past; `openssl ca` takes explicit dates.
mkdir -p ca-db
: > ca-db/index.txt
printf '1000\n' > ca-db/serial
cat > ca-db/ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
[server]
subjectAltName = IP:127.0.0.1
extendedKeyUsage = serverAuth
CNF
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout expired.key -out expired.csr \
  -subj "/CN=127.0.0.1" 2>/dev/null
openssl ca -batch -config ca-db/ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
  -extensions server -startdate 20200101000000Z -enddate 20200102000000Z -notext 2>/dev/null
# Check what was made, so a test never runs against a certificate that is not what it claims.
openssl verify -CAfile ca.pem server.pem client.pem elsewhere.pem >/dev/null
if openssl verify -CAfile ca.pem expired.pem >/dev/null 2>&1; then echo "expired.pem verifies" >&2; exit 1; fi
