# Test certificates for the tls-*.t tests, made at test time in $1 (default $T_DIR/certs):
#   rsa.crt/rsa.key (PKCS#8), rsa-trad.key (PKCS#1), ec.crt/ec.key (PKCS#8), ec-trad.key (SEC1),
#   ca.crt + leaf.crt signed by it (chain.crt = leaf + ca), sni.crt/sni.key (EC, CN sni.test).
# Usage: . "$BERTH_TOP/tests/tls-certs.sh"; t_start SECONDS; tls_certs [DIR]

tls_certs () {
  C=${1:-$T_DIR/certs}
  mkdir -p "$C"
  (
    cd "$C" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt -days 2 \
      -subj /CN=localhost -addext subjectAltName=DNS:localhost &&
    openssl rsa -in rsa.key -traditional -out rsa-trad.key &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.crt -days 2 \
      -subj /CN=ec.test -addext subjectAltName=DNS:ec.test &&
    openssl ec -in ec.key -out ec-trad.key &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout sni.key -out sni.crt -days 2 \
      -subj /CN=sni.test -addext subjectAltName=DNS:sni.test &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=Berth-Test-CA &&
    openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=mx.test &&
    printf 'subjectAltName=DNS:mx.test\nbasicConstraints=CA:FALSE\n' > leaf.ext &&
    openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out leaf.crt -days 2 -extfile leaf.ext &&
    cat leaf.crt ca.crt > chain.crt &&
    chmod 644 ./*
  ) > "$C/openssl.log" 2>&1 || { echo "Bail out! cannot make test certificates"; cat "$C/openssl.log"; exit 1; }
}
