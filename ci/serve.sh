#!/usr/bin/env bash
# Installs dependencies, builds Peregrine and runs peregrine-server in the
# foreground on 127.0.0.1:6379 with the default configuration. Extra
# arguments are passed to the server (a redis.conf path and/or --name value).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh
bash ci/build.sh release peregrine-server
exec build/peregrine-server "$@"
