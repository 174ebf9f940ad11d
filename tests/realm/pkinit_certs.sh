#!/usr/bin/env bash
# Certificates for PKINIT tests, made with the openssl CLI.
#
#   pkinit_certs.sh DIR REALM
#
# Writes into DIR (created if needed), every key RSA 2048 (MIT 1.20's KDC
# signs only with RSA) and every certificate valid for 2 days unless said:
#   ca.pem ca.key             the realm's CA (the KDC's and clients' anchor)
#   kdc.pem kdc.key           KDC: EKU id-pkinit-KPKdc, SAN id-pkinit-san krbtgt/REALM@REALM
#   kdc-wrongsan.pem/.key     KDC, same CA, SAN krbtgt/OTHER.TEST@OTHER.TEST
#   kdc-dns.pem/.key          KDC, same CA, SAN dNSName kdc.krbkit.test, EKU serverAuth only
#   ca-expired.pem            the CA's certificate again (same name and key), expired
#                             yesterday: an outdated anchor ends the KDC's chain in an
#                             expired certificate (MIT's KDC will not sign with an
#                             expired certificate of its own)
#   alice.pem alice.key       client: EKU id-pkinit-KPClientAuth, SAN alice@REALM
#   alice.p12                 the same in PKCS#12 (password "p12-pw-1")
#   alice-enc.key             alice.key encrypted (passphrase "key-pw-1")
#   alice-expired.pem         alice's key, expired yesterday
#   other-ca.pem other-ca.key a CA no realm trusts
#   alice-other.pem           alice's key, issued by other-ca
# The KDC key is shared by all KDC certificates (a fresh key per file costs time).
set -euo pipefail
dir=${1:?usage: pkinit_certs.sh DIR REALM}
realm=${2:?usage: pkinit_certs.sh DIR REALM}
mkdir -p "$dir"
cd "$dir"

# The extensions, one section per kind; id-pkinit-san is an otherName whose
# value is a KRB5PrincipalName (RFC 4556 3.2.2).
cat >ext.cnf <<CNF
[expired_ca]
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = any_policy
unique_subject = no
[any_policy]
commonName = supplied

[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[kdc]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = 1.3.6.1.5.2.3.5
subjectAltName = otherName:1.3.6.1.5.2.2;SEQUENCE:kdc_name
[kdc_name]
realm = EXP:0,GeneralString:$realm
principal_name = EXP:1,SEQUENCE:kdc_principal
[kdc_principal]
name_type = EXP:0,INTEGER:2
name_string = EXP:1,SEQUENCE:kdc_components
[kdc_components]
c1 = GeneralString:krbtgt
c2 = GeneralString:$realm

[kdc_wrongsan]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = 1.3.6.1.5.2.3.5
subjectAltName = otherName:1.3.6.1.5.2.2;SEQUENCE:other_name
[other_name]
realm = EXP:0,GeneralString:OTHER.TEST
principal_name = EXP:1,SEQUENCE:other_principal
[other_principal]
name_type = EXP:0,INTEGER:2
name_string = EXP:1,SEQUENCE:other_components
[other_components]
c1 = GeneralString:krbtgt
c2 = GeneralString:OTHER.TEST

[kdc_dns]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:kdc.krbkit.test

[client]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = 1.3.6.1.5.2.3.4
subjectAltName = otherName:1.3.6.1.5.2.2;SEQUENCE:alice_name
[alice_name]
realm = EXP:0,GeneralString:$realm
principal_name = EXP:1,SEQUENCE:alice_principal
[alice_principal]
name_type = EXP:0,INTEGER:1
name_string = EXP:1,SEQUENCE:alice_components
[alice_components]
c1 = GeneralString:alice
CNF

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
ca() { # NAME SUBJECT
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "$2" -days 2 -sha256 -extensions ca -config ext.cnf \
    -out "$1.pem" 2>/dev/null
}
# NAME.csr signed by `openssl ca` into NAME.pem, valid from 3 days ago to yesterday; the
# other arguments name the signer and the extensions.
expired_ca_sign() {
  local name=$1
  shift
  : >index.txt
  echo 01 >serial.txt
  openssl ca -batch -config ext.cnf -name expired_ca "$@" -rand_serial \
    -startdate "$(date -u -d '-3 days' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" \
    -extfile ext.cnf -notext -in "$name.csr" -out "$name.pem" 2>/dev/null
  rm -f index.txt* serial.txt* [0-9A-F][0-9A-F]*.pem
}
# NAME KEY CA SECTION SUBJECT [expired]
cert() {
  openssl req -new -key "$2" -subj "$5" -out "$1.csr" -config ext.cnf 2>/dev/null
  if [[ ${6:-} == expired ]]; then # openssl x509 (3.0) cannot set dates in the past; openssl ca can
    expired_ca_sign "$1" -cert "$3.pem" -keyfile "$3.key" -extensions "$4"
  else
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -sha256 \
      -extfile ext.cnf -extensions "$4" -days 2 -out "$1.pem" 2>/dev/null
  fi
  rm -f "$1.csr"
}

ca ca "/CN=krbkit test CA $realm"
ca other-ca "/CN=krbkit other CA"
key kdc.key
key alice.key
cert kdc kdc.key ca kdc "/CN=kdc $realm"
cert kdc-wrongsan kdc.key ca kdc_wrongsan "/CN=kdc wrong san"
cert kdc-dns kdc.key ca kdc_dns "/CN=kdc.krbkit.test"
openssl req -new -key ca.key -subj "/CN=krbkit test CA $realm" -out ca-expired.csr -config ext.cnf 2>/dev/null
expired_ca_sign ca-expired -selfsign -keyfile ca.key -extensions ca
rm -f ca-expired.csr
cert alice alice.key ca client "/CN=alice"
cert alice-expired alice.key ca client "/CN=alice expired" expired
cert alice-other alice.key other-ca client "/CN=alice other"
for k in kdc-wrongsan kdc-dns; do cp kdc.key "$k.key"; done
openssl pkcs12 -export -in alice.pem -inkey alice.key -passout pass:p12-pw-1 -out alice.p12 2>/dev/null
openssl pkey -in alice.key -aes256 -passout pass:key-pw-1 -out alice-enc.key 2>/dev/null
chmod 600 ./*.key
