#!/usr/bin/env bash
# Makes TARGET/todo-test.jsa, a dynamic class-data-sharing archive (AppCDS) of the classes a
# node loads from its start through serving the book's two requests. The process tests'
# nodes, started with the checkout's ./todo, map it (failsafe's TODO_JAVA_OPTS in
# service/pom.xml) instead of loading and verifying those classes again: a node then starts
# on about a third of the CPU, and the suite's many node starts fit its time on 2 cores.
# Best effort: when it cannot be made, the tests run the same, only slower.
# Usage: test-cds-archive.sh TARGET   (TARGET/todo.jar must exist)
set -u
target="$1"
archive="$target/todo-test.jsa"
rm -f "$archive"
command -v python3 >/dev/null || { echo "cds: no python3 to pick free ports; the tests run without the archive"; exit 0; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http="$(free_port)"
folder="$(mktemp -d)"
trap 'rm -rf "$folder"' EXIT
# The jar by the path the tests' ./todo gives it: an archive only serves that class path.
TODO_COOKIE=cds ERL_EPMD_PORT="$(free_port)" java -XX:ArchiveClassesAtExit="$archive" -Xlog:cds*=off \
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$target/todo.jar" start --name cds@127.0.0.1 \
  --http-port "$http" --db-folder "$folder" >"$folder/node.log" 2>&1 &
pid=$!
request() { # METHOD PATH: the status line of the answer, or nothing
  { exec 3<>"/dev/tcp/127.0.0.1/$http"; } 2>/dev/null || return 1
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$1" "$2" >&3
  head -1 <&3
  exec 3>&-
}
for _ in $(seq 1 600); do
  [[ "$(request GET /health)" == *" 200 "* ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
request POST '/add_entry?list=cds&date=2026-12-02&title=Warm' >/dev/null
request GET '/entries?list=cds&date=2026-12-02' >/dev/null
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [[ -s "$archive" ]]; then echo "cds: $archive ($(du -k "$archive" | cut -f1) KiB)"
else echo "cds: no archive was made; the tests run without it (the node's log: $(tail -1 "$folder/node.log"))"
fi
exit 0
