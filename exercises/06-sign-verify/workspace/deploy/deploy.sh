#!/bin/sh
# Stands in for the real rollout: it is handed one image reference and starts it.
set -eu
ref="${1:?usage: deploy.sh IMAGE@DIGEST}"
echo "rolling out $ref"
