// Tiny admin helper used by infra/stack.sh (compiled once against the Kafka libs).
//   TpKafkaAdmin check  <bootstrap> <waitSeconds>
//   TpKafkaAdmin ensure <bootstrap> <waitSeconds> <partitions> topic1,topic2,...
// "check" performs real metadata requests (describeCluster + listTopics) and retries
// until waitSeconds elapse. "ensure" additionally creates missing topics (idempotent).
// Exit 0 on success, 1 on failure (reason on stderr).
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.errors.TopicExistsException;

public class TpKafkaAdmin {
  public static void main(String[] a) {
    if (a.length < 3) { System.err.println("usage: check|ensure <bootstrap> <waitSeconds> [partitions topics]"); System.exit(2); }
    String mode = a[0], bootstrap = a[1];
    long deadline = System.currentTimeMillis() + Long.parseLong(a[2]) * 1000L;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "tp-stack-health");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    String last = "no attempt";
    try (Admin admin = Admin.create(p)) {
      while (true) {
        try {
          DescribeClusterResult dc = admin.describeCluster();
          String clusterId = dc.clusterId().get(5, TimeUnit.SECONDS);
          int nodes = dc.nodes().get(5, TimeUnit.SECONDS).size();
          Set<String> topics = admin.listTopics().names().get(5, TimeUnit.SECONDS);
          if (nodes < 1) throw new IllegalStateException("no broker registered yet");
          List<String> created = new ArrayList<>();
          if (mode.equals("ensure") && a.length >= 5) {
            int parts = Integer.parseInt(a[3]);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : a[4].split(",")) {
              t = t.trim();
              if (!t.isEmpty() && !topics.contains(t)) missing.add(new NewTopic(t, parts, (short) 1));
            }
            if (!missing.isEmpty()) {
              for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e : admin.createTopics(missing).values().entrySet()) {
                try { e.getValue().get(10, TimeUnit.SECONDS); created.add(e.getKey()); }
                catch (java.util.concurrent.ExecutionException ex) {
                  if (!(ex.getCause() instanceof TopicExistsException)) throw ex;
                }
              }
              topics = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            }
          }
          List<String> sorted = new ArrayList<>(topics); Collections.sort(sorted);
          System.out.println("ok cluster=" + clusterId + " nodes=" + nodes + " topics=" + sorted
              + (created.isEmpty() ? "" : " created=" + created));
          return;
        } catch (Exception e) {
          Throwable c = (e instanceof java.util.concurrent.ExecutionException && e.getCause() != null) ? e.getCause() : e;
          last = c.getClass().getSimpleName() + ": " + c.getMessage();
        }
        if (System.currentTimeMillis() >= deadline) break;
        try { Thread.sleep(500); } catch (InterruptedException ie) { break; }
      }
    }
    System.err.println("kafka admin request to " + bootstrap + " failed: " + last);
    System.exit(1);
  }
}
