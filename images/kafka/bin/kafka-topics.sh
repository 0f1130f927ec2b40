#!/bin/bash
# kafka-chaos stand-in for upstream bin/kafka-topics.sh, e.g.
#   kafka-topics.sh --bootstrap-server localhost:9092 --list
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.TopicCommand "$@"
