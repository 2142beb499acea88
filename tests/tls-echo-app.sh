#!/bin/sh
# Test application for berth-tlsd -i: greets with the TLS variables it received, echoes one line, exits.
echo "hello proto=${SSL_PROTOCOL-unset} cipher=${SSL_CIPHER-unset} sni=${SSL_TLS_SNI_SERVERNAME-unset} certfile=${CERTFILE-unset}"
IFS= read -r line
echo "echo: $line"
echo "engine-uid=$(ps -o uid=,comm= --ppid $$ | awk '$2 == "berth-tlsd" { print $1 }')"
