#!/bin/bash
# kafka-chaos stand-in for upstream bin/kafka-producer-perf-test.sh, e.g.
#   kafka-producer-perf-test.sh --bootstrap-server localhost:9092 --topic t \
#     --num-records 100000 --record-size 256 --throughput -1
# The harness runs it to calibrate its own producer's prices.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ProducerPerformance "$@"
