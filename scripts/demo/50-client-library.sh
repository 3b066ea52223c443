#!/usr/bin/env bash
# The client library on the same endpoints: pool, pagination, pipeline, Redis, shaping, metrics
set -euo pipefail
build/client/azora-demo
