#!/bin/sh
# kafka-chaos: dump a class-data-sharing archive of the broker (run once, at
# image build time). A single-node KRaft broker starts with
# -XX:ArchiveClassesAtExit, and the classes it loaded up to "Kafka Server
# started" are written to the archive when it stops. Brokers started with
# -XX:SharedArchiveFile=<archive> map those classes instead of loading and
# verifying them from the jars: on two busy cores a broker starts in about
# 60 % of the time. The harness passes the flag when the image's
# io.kafka-chaos.class-archive label names the archive.
#   kafka-chaos-class-archive.sh /path/to/archive.jsa
set -eu
out=$1
dir=$(mktemp -d)
cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
controller.listener.names=CONTROLLER
log.dirs=$dir/data
offsets.topic.replication.factor=1
PROPS
/opt/kafka/bin/kafka-storage.sh format -t kafkachaosclassarchive -c "$dir/server.properties" >"$dir/format.log" 2>&1 ||
  { cat "$dir/format.log"; exit 1; }
KAFKA_OPTS="-XX:ArchiveClassesAtExit=$out" /opt/kafka/bin/kafka-server-start.sh "$dir/server.properties" >"$dir/server.log" 2>&1 &
pid=$!
i=0
until grep -q "Kafka Server started" "$dir/server.log"; do
  i=$((i + 1))
  if [ $i -gt 900 ] || ! kill -0 $pid 2>/dev/null; then
    tail -n 40 "$dir/server.log"
    echo "the broker did not start: no class archive" >&2
    exit 1
  fi
  sleep 0.2
done
kill -TERM $pid
wait $pid || true
[ -s "$out" ] || { tail -n 40 "$dir/server.log"; echo "no archive written to $out" >&2; exit 1; }
rm -rf "$dir"
echo "class archive $out: $(du -h "$out" | cut -f1)"
