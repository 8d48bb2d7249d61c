// The chapter's primitives, timed from a `todo shell` node against one other node
// (BENCH_TARGET), beside a bare Pekko remote ask between the same two JVMs over the same
// TLS association. Run by bench/primitives.sh; prints one RESULT line per operation.
// Java snippets, evaluated by `todo shell --eval`: the lambdas below are typed in the
// shell, so they travel as a user's do (their snippet classes shipped with them).

String target = System.getenv("BENCH_TARGET");
int n = Integer.parseInt(System.getenv().getOrDefault("BENCH_N", "2000"));

interface Op { void run(int i) throws Exception; }

void time(String op, int count, boolean report, Op body) throws Exception {
  long[] took = new long[count];
  for (int i = 0; i < count; i++) {
    long start = System.nanoTime();
    body.run(i);
    took[i] = System.nanoTime() - start;
  }
  if (!report) return;
  Arrays.sort(took);
  double mean = Arrays.stream(took).average().orElse(0) / 1e6;
  System.out.printf(Locale.ROOT, "RESULT op=%s n=%d mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f%n", op, count, mean,
      took[count / 2] / 1e6, took[Math.min(count - 1, (int) (count * 0.99))] / 1e6);
}

// A bare Pekko remote ask: Identify, which every actor answers itself, to the target's
// dist-agent, through this node's ActorSystem (the same Artery TLS connection).
org.apache.pekko.actor.ActorRef bareTarget() throws Exception {
  java.lang.reflect.Method m = DistNode.class.getDeclaredMethod("system");
  m.setAccessible(true);
  var classic = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic((org.apache.pekko.actor.typed.ActorSystem<?>) m.invoke(DistNode.ofThisJvm()));
  var cluster = org.apache.pekko.cluster.Cluster.get(classic);
  var other = java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
      .filter(mb -> !mb.address().equals(cluster.selfAddress())).findFirst().orElseThrow().address();
  return classic.actorSelection(other + "/system/dist-agent").resolveOne(Duration.ofSeconds(10)).toCompletableFuture().get();
}

void bareAsk(org.apache.pekko.actor.ActorRef to, int i) throws Exception {
  org.apache.pekko.pattern.Patterns.ask(to, new org.apache.pekko.actor.Identify(i), Duration.ofSeconds(10)).toCompletableFuture().get();
}

record Ping(Pid from, int n) implements java.io.Serializable {}

// Every operation `count` times; the bare ask first and last, as the machine may change meanwhile.
void pass(int count, boolean report, org.apache.pekko.actor.ActorRef bare, Pid me, Pid echo) throws Exception {
  time("pekko-ask", count, report, i -> bareAsk(bare, i));
  time("send-receive", count, report, i -> { send(echo, List.of(me, i)); receive(); });
  time("send-receive-record", count, report, i -> { send(echo, new Ping(me, i)); receive(); });
  time("rpc-call", count, report, i -> Rpc.call(target, () -> 1, Duration.ofSeconds(10)));
  time("spawn", count, report, i -> Node.spawn(target, () -> {}));
  time("register-unregister", count, report, i -> { Global.registerName("bench-name", me); Global.unregisterName("bench-name"); });
  Global.registerName("bench-held", me);
  time("whereis", count, report, i -> { if (Global.whereisName("bench-held") == null) throw new IllegalStateException("bench-held is not registered"); });
  Global.unregisterName("bench-held");
  time("pekko-ask", count, report, i -> bareAsk(bare, i));
}

void run() throws Exception {
  var bare = bareTarget();
  Pid me = self();
  Pid echo = Node.spawn(target, () -> { // answers [from, n] with n, and a Ping with itself; ends on "stop"
    while (true) {
      Object m = receive();
      if (m instanceof List<?> l) send((Pid) l.get(0), l.get(1));
      else if (m instanceof Ping p) send(p.from(), p);
      else return;
    }
  });
  pass(Math.max(200, n / 2), false, bare, me, echo); // warm-up: every path compiled before anything counts
  pass(n, true, bare, me, echo);
  send(echo, "stop");
}

run()
