#!/bin/bash
# kafka-chaos stand-in for upstream bin/kafka-run-class.sh (same env vars and
# -name/-loggc conventions, classpath /opt/kafka/libs/*). Always execs the JVM,
# so the JVM takes over this process's PID (PID 1 when run as the container
# command).
#   kafka-run-class.sh [-name servicename] [-loggc] classname [opts]
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-name servicename] [-loggc] classname [opts]"
  exit 1
fi

base_dir=$(cd "$(dirname "$0")/.." && pwd)
CLASSPATH="$base_dir/libs/*"

if [ -z "$LOG_DIR" ]; then
  LOG_DIR="$base_dir/logs"
fi

# Log4j settings: tools log WARN to stderr (upstream's tools-log4j* files).
# Kafka >= 4 ships log4j2 (YAML config), 3.x ships reload4j (properties).
if [ -z "$KAFKA_LOG4J_OPTS" ]; then
  if [ -f "$base_dir/config/tools-log4j2.yaml" ]; then
    KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml"
  else
    KAFKA_LOG4J_OPTS="-Dlog4j.configuration=file:$base_dir/config/tools-log4j.properties"
  fi
else
  mkdir -p "$LOG_DIR" 2>/dev/null
fi
KAFKA_LOG4J_OPTS="-Dkafka.logs.dir=$LOG_DIR $KAFKA_LOG4J_OPTS"

# JMX: only when asked for (upstream enables the agent without a port).
if [ -n "$JMX_PORT" ]; then
  KAFKA_JMX_OPTS="${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false} -Dcom.sun.management.jmxremote.port=$JMX_PORT"
fi

if [ -z "$JAVA_HOME" ]; then
  JAVA="java"
else
  JAVA="$JAVA_HOME/bin/java"
fi

if [ -z "$KAFKA_HEAP_OPTS" ]; then
  KAFKA_HEAP_OPTS="-Xmx256M"
fi

if [ -z "$KAFKA_JVM_PERFORMANCE_OPTS" ]; then
  KAFKA_JVM_PERFORMANCE_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
fi

while [ $# -gt 0 ]; do
  case $1 in
    -name)
      DAEMON_NAME=$2
      shift 2
      ;;
    -loggc)
      if [ -z "$KAFKA_GC_LOG_OPTS" ]; then
        GC_LOG_ENABLED="true"
      fi
      shift
      ;;
    -daemon)
      echo "$0: -daemon is not supported in this image; run in the foreground" >&2
      exit 1
      ;;
    *)
      break
      ;;
  esac
done

if [ "$GC_LOG_ENABLED" = "true" ] && mkdir -p "$LOG_DIR" 2>/dev/null && [ -w "$LOG_DIR" ]; then
  KAFKA_GC_LOG_OPTS="-Xlog:gc*:file=$LOG_DIR/${DAEMON_NAME}-gc.log:time,tags:filecount=10,filesize=100M"
fi

# Word splitting of the *_OPTS variables is intended (as upstream).
exec "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_GC_LOG_OPTS $KAFKA_JMX_OPTS $KAFKA_LOG4J_OPTS -cp "$CLASSPATH" $KAFKA_OPTS "$@"
