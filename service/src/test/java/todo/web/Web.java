package todo.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import todo.TodoSystem;

/**
 * Real HTTP against one in-JVM node: {@link HttpClient} for what it can express, a raw
 * socket for the rest (malformed percent-encoding, raw bytes, a chosen Host header).
 * The timeouts only keep a broken server from hanging the build; nothing asserts on time.
 */
final class Web {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration GENEROUS = Duration.ofSeconds(30);

  private final int port;
  private final String base;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(GENEROUS)
      .build();

  Web(TodoSystem node) {
    this.port = node.httpPort();
    this.base = "http://127.0.0.1:" + port;
  }

  /** Where the node answers, as HttpClient addresses it (and so as its Host header says). */
  String base() {
    return base;
  }

  // ---- HttpClient

  /** {@code target} is a path and query, already percent-encoded. */
  HttpResponse<String> send(String method, String target, BodyPublisher body, String... headers) {
    return sendTo(method, base + target, body, headers);
  }

  /** {@code url} is absolute and already percent-encoded, as an entry's {@code url}. */
  HttpResponse<String> sendTo(String method, String url, BodyPublisher body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(GENEROUS)
        .method(method, body);
    if (headers.length > 0) request.headers(headers);
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String target) {
    return send("GET", target, BodyPublishers.noBody());
  }

  HttpResponse<String> post(String target) {
    return send("POST", target, BodyPublishers.noBody());
  }

  HttpResponse<String> postJson(String target, String json) {
    return send("POST", target, BodyPublishers.ofString(json), "Content-Type", "application/json");
  }

  HttpResponse<String> patchJson(String target, String json) {
    return send("PATCH", target, BodyPublishers.ofString(json), "Content-Type", "application/json");
  }

  HttpResponse<String> delete(String target) {
    return send("DELETE", target, BodyPublishers.noBody());
  }

  static JsonNode json(HttpResponse<String> response) {
    return json(response.body());
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static String contentType(HttpResponse<String> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  // ---- encoding

  /** {@code name} as one percent-encoded path segment. */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code value} percent-encoded for a query parameter. */
  static String param(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  // ---- raw socket

  /** One answer read off a raw socket. Header names are lower case. */
  record Raw(int status, Map<String, String> headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  /**
   * Sends {@code method target HTTP/1.1} as raw bytes: {@code target} goes on the wire
   * exactly as given (ISO-8859-1, so {@code \u00ff} is the byte 0xFF), with {@code host}
   * as the Host header and {@code body} (may be null) after a Content-Length. {@code headers}
   * are more names and values, sent as they are too.
   */
  Raw raw(String method, String target, String host, byte[] body, String... headers) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    StringBuilder more = new StringBuilder();
    for (int i = 0; i + 1 < headers.length; i += 2) more.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    String head = method + " " + target + " HTTP/1.1\r\n"
        + "Host: " + host + "\r\n"
        + "Connection: close\r\n"
        + more
        + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
        + "\r\n";
    request.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) request.writeBytes(body);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) GENEROUS.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Raw raw(String method, String target) {
    return raw(method, target, "127.0.0.1:" + port, null);
  }

  private static Raw parse(byte[] bytes) {
    String all = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    if (end < 0) throw new AssertionError("no complete HTTP answer: " + all);
    String[] lines = all.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
    String length = headers.get("content-length");
    if (length != null) rest = java.util.Arrays.copyOf(rest, Math.min(rest.length, Integer.parseInt(length)));
    return new Raw(status, headers, new String(rest, StandardCharsets.UTF_8));
  }
}
