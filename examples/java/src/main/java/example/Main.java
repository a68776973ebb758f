package example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The orders service in Java: the JDK's HTTP server and client, JDBC on PostgreSQL, and the
 * OpenTelemetry SDK configured from the OTEL_* environment (autoconfigure), which tracewright's
 * startService sets. The official JDBC library instrumentation traces every query; the JDK's
 * server and client have no library instrumentation, so their SERVER and CLIENT spans are made
 * here with the HTTP semantic-convention attributes.
 */
public final class Main {
  private static final TextMapGetter<HttpExchange> HEADERS = new TextMapGetter<>() {
    @Override public String get(HttpExchange exchange, String key) { return exchange == null ? null : exchange.getRequestHeaders().getFirst(key); }
  };

  private final OpenTelemetry otel;
  private final Tracer tracer;
  private final DataSource db;
  private final HttpClient client = HttpClient.newHttpClient();
  private final String pricesUrl = System.getenv().getOrDefault("PRICES_URL", "");
  private final int port;

  private Main(OpenTelemetry otel, DataSource db, int port) {
    this.otel = otel;
    this.tracer = otel.getTracer("orders-java");
    this.db = db;
    this.port = port;
  }

  public static void main(String[] args) throws IOException {
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.initialize().getOpenTelemetrySdk();
    // DATABASE_URL is postgres://user@host:port/db?options=...; JDBC wants its own form.
    URI url = URI.create(System.getenv("DATABASE_URL"));
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL("jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath());
    pg.setUser(url.getUserInfo());
    for (String param : url.getRawQuery() == null ? new String[0] : url.getRawQuery().split("&")) {
      String[] kv = param.split("=", 2);
      if (kv[0].equals("options")) pg.setOptions(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    int port = Integer.parseInt(System.getenv("PORT"));
    Main main = new Main(sdk, JdbcTelemetry.create(sdk).wrap(pg), port);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", main::handle);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(0);
      sdk.close();
    }));
    server.start();
    System.out.println("listening on 127.0.0.1:" + port);
  }

  /** Routes a request, inside a SERVER span named after its route (the health probe is not traced). */
  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals("/health")) {
      reply(exchange, 200, "ok", "text/plain");
      return;
    }
    String route = path.equals("/orders") ? "/orders" : path.equals("/work") ? "/work" : path.startsWith("/quote/") ? "/quote/{sku}" : null;
    Context parent = otel.getPropagators().getTextMapPropagator().extract(Context.root(), exchange, HEADERS);
    Span span = tracer.spanBuilder(route == null ? method : method + " " + route).setParent(parent).setSpanKind(SpanKind.SERVER)
        .setAttribute("http.request.method", method)
        .setAttribute("url.path", path)
        .setAttribute("url.scheme", "http")
        .setAttribute("server.address", "127.0.0.1")
        .setAttribute("server.port", (long) port)
        .setAttribute("network.protocol.version", "1.1")
        .startSpan();
    if (route != null) span.setAttribute("http.route", route);
    if (exchange.getRequestURI().getRawQuery() != null) span.setAttribute("url.query", exchange.getRequestURI().getRawQuery());
    int status = 500;
    try (Scope ignored = span.makeCurrent()) {
      status = route == null ? reply(exchange, 404, "not found", "text/plain")
          : route.equals("/orders") ? orders(exchange) : route.equals("/work") ? work(exchange)
          : quote(exchange, path.substring("/quote/".length()));
    } catch (SQLException | InterruptedException | RuntimeException e) {
      span.recordException(e);
      status = reply(exchange, 500, e.getMessage(), "text/plain");
    } finally {
      span.setAttribute("http.response.status_code", (long) status);
      if (status >= 500) {
        span.setAttribute("error.type", String.valueOf(status));
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }
  }

  /** A customer's orders with their items: two queries, or one per order with ?nPlusOne=1. */
  private int orders(HttpExchange exchange) throws SQLException, IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    Map<Integer, List<String>> items = new LinkedHashMap<>();
    try (Connection conn = db.getConnection()) {
      try (PreparedStatement stmt = conn.prepareStatement("SELECT id FROM orders WHERE customer = ? ORDER BY id")) {
        stmt.setString(1, query.get("customer"));
        try (ResultSet rows = stmt.executeQuery()) {
          while (rows.next()) items.put(rows.getInt(1), new ArrayList<>());
        }
      }
      if ("1".equals(query.get("nPlusOne"))) {
        for (int id : items.keySet()) {
          try (PreparedStatement stmt = conn.prepareStatement("SELECT order_id, sku, quantity FROM order_items WHERE order_id = ? ORDER BY sku")) {
            stmt.setInt(1, id);
            collect(stmt, items);
          }
        }
      } else {
        try (PreparedStatement stmt = conn.prepareStatement("SELECT order_id, sku, quantity FROM order_items WHERE order_id = ANY(?) ORDER BY order_id, sku")) {
          stmt.setArray(1, conn.createArrayOf("integer", items.keySet().toArray()));
          collect(stmt, items);
        }
      }
    }
    StringBuilder json = new StringBuilder("[");
    items.forEach((id, list) -> json.append(json.length() > 1 ? "," : "").append("{\"id\":").append(id).append(",\"items\":[").append(String.join(",", list)).append("]}"));
    return reply(exchange, 200, json.append("]").toString(), "application/json");
  }

  private static void collect(PreparedStatement stmt, Map<Integer, List<String>> items) throws SQLException {
    try (ResultSet rows = stmt.executeQuery()) {
      while (rows.next()) {
        items.get(rows.getInt(1)).add("{\"sku\":\"" + rows.getString(2) + "\",\"quantity\":" + rows.getInt(3) + "}");
      }
    }
  }

  /**
   * ?spans=N child spans (default 3), nothing else: test/reliability/settle-completeness.test.ts
   * sends it thousands of times, and once with more than 512 spans (several export batches).
   */
  private int work(HttpExchange exchange) throws IOException {
    String spans = query(exchange.getRequestURI().getRawQuery()).get("spans");
    int n = spans == null ? 3 : Integer.parseInt(spans);
    for (int i = 0; i < n; i++) tracer.spanBuilder("step " + i).startSpan().end();
    return reply(exchange, 200, "done", "text/plain");
  }

  /** Asks the prices service downstream, inside a CLIENT span; a failure there is a 502 here. */
  private int quote(HttpExchange exchange, String sku) throws IOException, InterruptedException {
    URI uri = URI.create(pricesUrl + "/" + sku);
    Span span = tracer.spanBuilder("GET").setSpanKind(SpanKind.CLIENT)
        .setAttribute("http.request.method", "GET")
        .setAttribute("url.full", uri.toString())
        .setAttribute("server.address", uri.getHost())
        .setAttribute("server.port", (long) uri.getPort())
        .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
      otel.getPropagators().getTextMapPropagator().inject(Context.current(), request, (builder, key, value) -> builder.header(key, value));
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      span.setAttribute("http.response.status_code", (long) response.statusCode());
      if (response.statusCode() >= 400) {
        span.setAttribute("error.type", String.valueOf(response.statusCode()));
        span.setStatus(StatusCode.ERROR);
        return reply(exchange, 502, "prices answered " + response.statusCode(), "text/plain");
      }
      return reply(exchange, 200, response.body(), "application/json");
    } catch (IOException e) {
      span.recordException(e);
      span.setAttribute("error.type", e.getClass().getName());
      span.setStatus(StatusCode.ERROR, e.getMessage());
      return reply(exchange, 502, "prices unreachable: " + e.getMessage(), "text/plain");
    } finally {
      span.end();
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null) return params;
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return params;
  }

  private static int reply(HttpExchange exchange, int status, String body, String type) throws IOException {
    byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
    return status;
  }
}
