#!/usr/bin/env bash
# Starts local Redis, NATS (JetStream) and the Pushgateway when none answers on the
# default ports. Data lives under ${SECMASTER_SERVICES_DIR:-/tmp/secmaster-services}.
# Usage: scripts/services.sh [start|stop]
set -euo pipefail
dir=${SECMASTER_SERVICES_DIR:-/tmp/secmaster-services}
mkdir -p "$dir"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 100); do
    answers "$port" && return 0
    sleep 0.1
  done
  echo "services: $name did not start on port $port; see $dir/$name.log" >&2
  exit 1
}

start() {
  if answers 6379; then echo "services: redis already answers on 6379"; else
    command -v redis-server >/dev/null || { echo "services: redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
    redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
      --daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
    wait_port 6379 redis; echo "services: started redis on 6379"
  fi
  if answers 4222; then echo "services: nats already answers on 4222"; else
    command -v nats-server >/dev/null || { echo "services: nats-server is not installed (apt-get install nats-server)" >&2; exit 1; }
    nohup nats-server -js -a 127.0.0.1 -p 4222 -sd "$dir/jetstream" >"$dir/nats.log" 2>&1 &
    echo $! >"$dir/nats.pid"
    wait_port 4222 nats; echo "services: started nats (JetStream) on 4222"
  fi
  if answers 9091; then echo "services: pushgateway already answers on 9091"; else
    if command -v prometheus-pushgateway >/dev/null; then
      nohup prometheus-pushgateway --web.listen-address=127.0.0.1:9091 >"$dir/pushgateway.log" 2>&1 &
      echo $! >"$dir/pushgateway.pid"
      wait_port 9091 pushgateway; echo "services: started pushgateway on 9091"
    else
      echo "services: prometheus-pushgateway is not installed; metrics will not be pushed"
    fi
  fi
}

stop() {
  for name in nats pushgateway redis; do
    if [ -f "$dir/$name.pid" ]; then kill "$(cat "$dir/$name.pid")" 2>/dev/null || true; rm -f "$dir/$name.pid"; fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
