#!/bin/bash
# kafka-chaos stand-in for upstream bin/kafka-server-start.sh.
#   kafka-server-start.sh server.properties [--override property=value]*
# Honours KAFKA_HEAP_OPTS (default -Xmx512m -Xms512m), KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_OPTS, EXTRA_ARGS like upstream; logs INFO to stdout.
if [ $# -lt 1 ]; then
  echo "USAGE: $0 server.properties [--override property=value]*"
  exit 1
fi
base_dir=$(cd "$(dirname "$0")" && pwd)
config_dir=$(cd "$base_dir/../config" && pwd)

if [ -z "$KAFKA_LOG4J_OPTS" ]; then
  if [ -f "$config_dir/log4j2.yaml" ]; then
    export KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$config_dir/log4j2.yaml"
  else
    export KAFKA_LOG4J_OPTS="-Dlog4j.configuration=file:$config_dir/log4j.properties"
  fi
fi

if [ -z "$KAFKA_HEAP_OPTS" ]; then
  export KAFKA_HEAP_OPTS="-Xmx512m -Xms512m"
fi

EXTRA_ARGS=${EXTRA_ARGS-'-name kafkaServer -loggc'}

if [ "$1" = "-daemon" ]; then
  echo "$0: -daemon is not supported in this image; run in the foreground" >&2
  exit 1
fi

exec "$base_dir/kafka-run-class.sh" $EXTRA_ARGS kafka.Kafka "$@"
