#!/bin/bash
# kafka-chaos stand-in for upstream bin/kafka-storage.sh (same arguments), e.g.
#   kafka-storage.sh format -t <cluster-id> -c <server.properties> --ignore-formatted
#   kafka-storage.sh random-uuid
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
