package todo.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node's OpenAPI description (the jar's {@code openapi.yaml}) as swagger-parser reads it,
 * and the checks of a real answer against it: its status is one the operation lists, its
 * content type one that status lists, its required headers are there, and a JSON body has
 * the schema's required properties, types, enums and no property the schema does not name.
 */
final class OpenApiSpec {

  /** An operation of the description: {@code GET /api/lists/{list}}. */
  record Op(String method, String template) {
    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  final String text;
  final SwaggerParseResult parsed;
  final OpenAPI api;
  private final Map<Pattern, String> templates = new LinkedHashMap<>();

  private OpenApiSpec(String text) {
    this.text = text;
    ParseOptions options = new ParseOptions();
    options.setResolveFully(true);
    this.parsed = new OpenAPIV3Parser().readContents(text, null, options);
    this.api = parsed.getOpenAPI();
    if (api != null && api.getPaths() != null) {
      // literal paths before templated ones, so /api/lists never reads as a {list}
      api.getPaths().keySet().stream().sorted((a, b) -> Boolean.compare(a.contains("{"), b.contains("{")))
          .forEach(t -> templates.put(Pattern.compile(t.replaceAll("\\{[^}]+}", "[^/]+")), t));
    }
  }

  static OpenApiSpec load() {
    try (InputStream in = OpenApiSpec.class.getClassLoader().getResourceAsStream(OpenApi.RESOURCE)) {
      return new OpenApiSpec(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The path template a raw path (no query) falls under, or null. */
  String template(String rawPath) {
    for (Map.Entry<Pattern, String> t : templates.entrySet()) {
      if (t.getKey().matcher(rawPath).matches()) return t.getValue();
    }
    return null;
  }

  /** Every operation, in the description's order. */
  List<Op> operations() {
    List<Op> ops = new ArrayList<>();
    api.getPaths().forEach((template, item) ->
        item.readOperationsMap().keySet().forEach(m -> ops.add(new Op(m.name(), template))));
    return ops;
  }

  /** The methods a path template answers, upper case. */
  Set<String> methods(String template) {
    Set<String> methods = new java.util.TreeSet<>();
    api.getPaths().get(template).readOperationsMap().keySet().forEach(m -> methods.add(m.name()));
    return methods;
  }

  Operation operation(Op op) {
    PathItem item = api.getPaths().get(op.template());
    return item == null ? null : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(op.method()));
  }

  /**
   * What is wrong with {@code response} as an answer of {@code op}; empty when nothing.
   */
  List<String> problems(Op op, HttpResponse<String> response) {
    List<String> problems = new ArrayList<>();
    ApiResponse listed = operation(op).getResponses().get(String.valueOf(response.statusCode()));
    if (listed == null) {
      problems.add("status " + response.statusCode() + " is not one the description lists: " + operation(op).getResponses().keySet());
      return problems;
    }
    if (listed.getHeaders() != null) {
      for (Map.Entry<String, Header> h : listed.getHeaders().entrySet()) {
        if (Boolean.TRUE.equals(h.getValue().getRequired()) && response.headers().firstValue(h.getKey()).isEmpty()) {
          problems.add("no " + h.getKey() + " header");
        }
      }
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (listed.getContent() == null || listed.getContent().isEmpty()) {
      if (!response.body().isEmpty()) problems.add("a body where the description lists none: " + response.body());
      return problems;
    }
    MediaType media = listed.getContent().get(mediaType);
    if (media == null) media = listed.getContent().get("*/*");
    if (media == null) {
      problems.add("content type '" + contentType + "', not one of " + listed.getContent().keySet());
      return problems;
    }
    if (mediaType.equals("application/json")) {
      check(media.getSchema(), Web.json(response.body()), "$", problems);
    } else if (mediaType.equals("text/plain")) {
      checkText(media.getSchema(), response.body(), problems);
    }
    return problems;
  }

  private static void checkText(Schema<?> schema, String body, List<String> problems) {
    if (schema == null) return;
    if (schema.getEnum() != null && !schema.getEnum().contains(body)) problems.add("'" + body + "' is not one of " + schema.getEnum());
    if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(body).matches()) {
      problems.add("'" + body + "' does not match " + schema.getPattern());
    }
  }

  /** Walks {@code value} along {@code schema} (OpenAPI 3.0: type, nullable, required, properties, items, enum). */
  static void check(Schema<?> schema, JsonNode value, String at, List<String> problems) {
    if (schema == null) return;
    if (value.isNull()) {
      if (!Boolean.TRUE.equals(schema.getNullable())) problems.add(at + " is null");
      return;
    }
    String type = schema.getType() == null ? "" : schema.getType();
    switch (type) {
      case "object" -> checkObject(schema, value, at, problems);
      case "array" -> {
        if (!value.isArray()) problems.add(at + " is not an array: " + value);
        else for (int i = 0; i < value.size(); i++) check(schema.getItems(), value.get(i), at + "[" + i + "]", problems);
      }
      case "string" -> {
        if (!value.isTextual()) problems.add(at + " is not a string: " + value);
        else checkString(schema, value.asText(), at, problems);
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) problems.add(at + " is not an integer: " + value);
        else if (schema.getMinimum() != null && value.decimalValue().compareTo(schema.getMinimum()) < 0) problems.add(at + " is below " + schema.getMinimum());
      }
      case "number" -> { if (!value.isNumber()) problems.add(at + " is not a number: " + value); }
      case "boolean" -> { if (!value.isBoolean()) problems.add(at + " is not true or false: " + value); }
      default -> problems.add(at + ": the description gives no type");
    }
  }

  private static void checkString(Schema<?> schema, String s, String at, List<String> problems) {
    if (schema.getEnum() != null && !schema.getEnum().contains(s)) problems.add(at + " '" + s + "' is not one of " + schema.getEnum());
    if ("date".equals(schema.getFormat())) {
      try {
        LocalDate.parse(s);
      } catch (java.time.format.DateTimeParseException e) {
        problems.add(at + " '" + s + "' is not a date");
      }
    }
    if ("uri".equals(schema.getFormat()) && !s.matches("https?://.+")) problems.add(at + " '" + s + "' is not an absolute URL");
  }

  private static void checkObject(Schema<?> schema, JsonNode value, String at, List<String> problems) {
    if (!value.isObject()) {
      problems.add(at + " is not an object: " + value);
      return;
    }
    Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
    if (schema.getRequired() != null) {
      for (String name : schema.getRequired()) {
        if (!value.has(name)) problems.add(at + " has no " + name);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> f = fields.next();
      Schema<?> property = properties.get(f.getKey());
      Object more = schema.getAdditionalProperties();
      if (property == null && more instanceof Schema<?> each) property = each;
      if (property != null) check(property, f.getValue(), at + "." + f.getKey(), problems);
      else if (Boolean.FALSE.equals(more)) problems.add(at + "." + f.getKey() + " is not in the description");
    }
  }
}
