#!/bin/sh
# Regenerates the TLS test fixtures in this folder with openssl (3.x). Run it from anywhere:
#   sh framework/src/test/resources/tls/make-fixtures.sh
# Certificates are valid for 100 years (36500 days) so the tests do not expire; expired.pem is expired on purpose.
# The password of every encrypted key and of server.p12 is "changeit". These keys are test fixtures, never secrets.
set -eu
cd "$(dirname "$0")"
DAYS=36500
PASS=pass:changeit

# A certificate authority (P-256) that signs every other certificate.
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days $DAYS -subj "/CN=Switchboard Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

# sign NAME SUBJECT_ALT_NAMES [EXTENDED_KEY_USAGE]: NAME.pem from NAME.csr, signed by the CA
sign() {
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=%s\n' \
    "${3:-serverAuth}" "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days $DAYS -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}

# RSA 2048 in the three forms: PKCS#1 (what genrsa -traditional writes), PKCS#8, encrypted PKCS#8 (PBES2, AES-256).
openssl genrsa -traditional -out rsa-pkcs1.key 2048
openssl pkcs8 -topk8 -nocrypt -in rsa-pkcs1.key -out rsa-pkcs8.key
openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout $PASS -in rsa-pkcs1.key -out rsa-encrypted.key
openssl req -new -key rsa-pkcs8.key -subj "/CN=localhost" -out rsa.csr
sign rsa "DNS:localhost,IP:127.0.0.1"

# P-256 in the three forms: SEC1 (what ecparam -genkey writes, with its EC PARAMETERS block), PKCS#8, encrypted PKCS#8.
openssl ecparam -name prime256v1 -genkey -out ec-sec1.key
openssl pkcs8 -topk8 -nocrypt -in ec-sec1.key -out ec-pkcs8.key
openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout $PASS -in ec-sec1.key -out ec-encrypted.key
openssl req -new -key ec-pkcs8.key -subj "/CN=localhost" -out ec.csr
sign ec "DNS:localhost,IP:127.0.0.1"

# P-384 in SEC1 form.
openssl ecparam -name secp384r1 -genkey -out ec384-sec1.key
openssl req -new -key ec384-sec1.key -subj "/CN=localhost" -out ec384.csr
sign ec384 "DNS:localhost,IP:127.0.0.1"

# Certificates for SNI: another host name and a wildcard.
openssl ecparam -name prime256v1 -genkey -noout -out other.key
openssl req -new -key other.key -subj "/CN=other.test" -out other.csr
sign other "DNS:other.test"
openssl ecparam -name prime256v1 -genkey -noout -out wildcard.key
openssl req -new -key wildcard.key -subj "/CN=*.wild.test" -out wildcard.csr
sign wildcard "DNS:*.wild.test"

# A client certificate for mutual authentication.
openssl ecparam -name prime256v1 -genkey -noout -out client.key
openssl req -new -key client.key -subj "/CN=test client" -out client.csr
sign client "DNS:client.test" clientAuth

# A certificate that expired long ago (openssl ca can set both dates).
openssl ecparam -name prime256v1 -genkey -noout -out expired.key
openssl req -new -key expired.key -subj "/CN=localhost" -out expired.csr
work=$(mktemp -d)
touch "$work/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = ext
[any]
commonName = supplied
[ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:localhost,IP:127.0.0.1
CNF
echo 01 > "$work/serial"
openssl ca -batch -config "$work/ca.cnf" -cert ca.pem -keyfile ca.key -startdate 20000101000000Z -enddate 20010101000000Z \
  -in expired.csr -out expired.full.pem
openssl x509 -in expired.full.pem -out expired.pem
rm -rf "$work" expired.csr expired.full.pem

# The RSA certificate and key in a PKCS#12 keystore.
openssl pkcs12 -export -inkey rsa-pkcs8.key -in rsa.pem -certfile ca.pem -name server -passout $PASS -out server.p12

rm -f ca.srl
