#!/bin/bash
# kafka-chaos stand-in for upstream bin/kafka-metadata-quorum.sh, e.g.
#   kafka-metadata-quorum.sh --bootstrap-server localhost:9092 describe --status
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.MetadataQuorumCommand "$@"
