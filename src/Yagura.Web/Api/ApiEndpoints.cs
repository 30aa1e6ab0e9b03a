using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Yagura.Core.Alerts;
using Yagura.Core.Search;
using Yagura.Core.Storage;
using Yagura.Core.Tenancy;
using Yagura.Ingest;
using Yagura.Ingest.Spool;

namespace Yagura.Web.Api;

/// <summary>The REST API, version 1.</summary>
public static class ApiEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapYaguraApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (HttpContext http, ServerState state, ITenantDirectory directory) =>
        {
            var body = new Dictionary<string, object> { ["status"] = state.Ready ? "ok" : "unavailable" };
            if (state.Problem() is { } problem)
            {
                body["error"] = problem;
            }

            // Volumes are operational detail across all tenants: shown to administrators only.
            if (http.Request.Headers.Authorization.Count > 0
                && await TokenAuth.AuthenticateAsync(http, directory, TokenRole.Admin) is { Principal: not null })
            {
                foreach (var (name, value) in state.Figures())
                {
                    body[name] = value;
                }
            }

            return Results.Json(body, statusCode: state.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        app.MapPost("/api/v1/ingest", IngestAsync);
        app.MapGet("/api/v1/events/search", SearchAsync);
        app.MapGet("/api/v1/alerts", AlertsAsync);
        return app;
    }

    private static async Task<IResult> IngestAsync(HttpContext http, ITenantDirectory directory, MessageSpool spool, ApiLimits limits, TimeProvider time)
    {
        var (principal, error) = await TokenAuth.AuthenticateAsync(http, directory, TokenRole.Ingest);
        if (principal is null)
        {
            return error!;
        }

        var tenant = http.Request.Query["tenant"].ToString();
        if (tenant.Length > 0 && tenant != principal.TenantId)
        {
            return ApiErrors.Problem(StatusCodes.Status403Forbidden, $"this token belongs to tenant '{principal.TenantId}' and cannot write to tenant '{tenant}'");
        }

        if (http.Request.ContentLength > limits.MaxBodyBytes)
        {
            return TooLarge(limits);
        }

        var encoding = http.Request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (encoding.Length > 0 && !gzip && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return ApiErrors.Problem(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Encoding '{encoding}' (use gzip or none)");
        }

        (byte[] Buffer, int Length)? body;
        try
        {
            body = await IngestBodyReader.ReadAsync(http.Request.Body, gzip, limits.MaxBodyBytes, http.RequestAborted);
        }
        catch (InvalidDataException ex)
        {
            return ApiErrors.Problem(StatusCodes.Status400BadRequest, $"the body is not valid gzip: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limits);
        }

        if (body is null)
        {
            return TooLarge(limits);
        }

        var (buffer, length) = body.Value;
        try
        {
            if (length == 0)
            {
                return ApiErrors.Problem(StatusCodes.Status400BadRequest, "the body is empty: send NDJSON, a JSON array of objects, or text lines");
            }

            var memory = buffer.AsMemory(0, length);
            var contentType = http.Request.ContentType ?? "";
            var isText = contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase);
            var items = isText ? IngestBodyReader.SplitLines(memory) : IngestBodyReader.SplitJson(memory);
            var format = isText ? NormalizeFormat(http.Request.Query["format"].ToString()) : "json";
            var received = time.GetUtcNow();
            var source = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null;
            var rejected = new List<object>();
            using var batch = new SpoolBatch();
            foreach (var item in items)
            {
                if (item.Error is not null)
                {
                    rejected.Add(new { line = item.Line, error = item.Error });
                    continue;
                }

                var payload = item.Json.Span;
                var truncated = payload.Length > limits.MaxMessageBytes;
                if (truncated && !isText)
                {
                    // A cut JSON object would no longer parse; refuse it whole and say so instead.
                    rejected.Add(new { line = item.Line, error = $"object of {payload.Length} bytes exceeds the {limits.MaxMessageBytes}-byte message limit" });
                    continue;
                }

                batch.Add(truncated ? payload[..limits.MaxMessageBytes] : payload, new RecordMeta(principal.TenantId, received, Transport.Http, source, truncated, format));
            }

            var accepted = batch.Count;
            if (accepted > 0)
            {
                var append = await spool.AppendAsync(batch, http.RequestAborted);
                await append.Durable.WaitAsync(http.RequestAborted);
            }

            return Results.Json(new { accepted, rejected });
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? NormalizeFormat(string format) => format.Length == 0 || format == "auto" ? null : format.ToLowerInvariant();

    private static IResult TooLarge(ApiLimits limits) =>
        ApiErrors.Problem(StatusCodes.Status413PayloadTooLarge, $"the body exceeds the limit of {limits.MaxBodyBytes} bytes (after decompression); split it into smaller requests");

    private static async Task<IResult> SearchAsync(HttpContext http, ITenantDirectory directory, IEventStore store, TimeProvider time)
    {
        var (principal, error) = await TokenAuth.AuthenticateAsync(http, directory, TokenRole.Analyst);
        if (principal is null)
        {
            return error!;
        }

        var query = http.Request.Query;
        if (!TryReadWindow(query, time.GetUtcNow(), out var from, out var to, out var limit, out var problem))
        {
            return problem;
        }

        SearchQuery parsed;
        try
        {
            parsed = QueryParser.Parse(query["q"].ToString());
        }
        catch (QuerySyntaxException ex)
        {
            return ApiErrors.Problem(StatusCodes.Status400BadRequest, ex.Message, ex.Position);
        }

        var executor = new SearchExecutor(store, time);
        var result = await executor.ExecuteAsync(parsed, TenantScope.Only(principal.TenantId), from, to, limit, http.RequestAborted);
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        result.WriteJson(writer);
        await writer.FlushAsync(http.RequestAborted);
        return Results.Empty;
    }

    private static async Task<IResult> AlertsAsync(HttpContext http, ITenantDirectory directory, IAlertStore alerts, TimeProvider time)
    {
        var (principal, error) = await TokenAuth.AuthenticateAsync(http, directory, TokenRole.Analyst);
        if (principal is null)
        {
            return error!;
        }

        var query = http.Request.Query;
        var tenant = query["tenant"].ToString();
        if (tenant.Length > 0 && tenant != principal.TenantId)
        {
            return ApiErrors.Problem(StatusCodes.Status403Forbidden, $"this token belongs to tenant '{principal.TenantId}' and cannot read tenant '{tenant}'");
        }

        if (!TryReadWindow(query, time.GetUtcNow(), out var from, out var to, out var limit, out var problem))
        {
            return problem;
        }

        Severity? minSeverity = null;
        var severityText = query["severity"].ToString();
        if (severityText.Length > 0)
        {
            if (!SeverityPolicy.TryParse(severityText, out var parsed))
            {
                return ApiErrors.Problem(StatusCodes.Status400BadRequest, $"'severity' must be information, warning, critical or emergency, not '{severityText}'");
            }

            minSeverity = parsed;
        }

        var list = await alerts.ListAsync(TenantScope.Only(principal.TenantId), from, to, limit, minSeverity, http.RequestAborted);
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteNumber("count", list.Count);
        writer.WriteStartArray("alerts");
        foreach (var alert in list)
        {
            AlertJson.Write(writer, alert);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>The <c>from</c>, <c>to</c> and <c>limit</c> parameters the listing endpoints share, or the 400 that says
    /// which one is wrong.</summary>
    private static bool TryReadWindow(IQueryCollection query, DateTimeOffset now, out DateTimeOffset? from, out DateTimeOffset? to, out int limit, out IResult problem)
    {
        to = null;
        limit = DefaultLimit;
        problem = Results.Empty;
        if (!TryTime(query["from"].ToString(), now, out from))
        {
            problem = ApiErrors.Problem(StatusCodes.Status400BadRequest, $"'from' is not a time: '{query["from"]}' (use ISO 8601 such as 2026-11-01T00:00:00Z, or now-15m)");
            return false;
        }

        if (!TryTime(query["to"].ToString(), now, out to))
        {
            problem = ApiErrors.Problem(StatusCodes.Status400BadRequest, $"'to' is not a time: '{query["to"]}' (use ISO 8601 such as 2026-11-01T00:00:00Z, or now)");
            return false;
        }

        var limitText = query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = ApiErrors.Problem(StatusCodes.Status400BadRequest, $"'limit' must be a whole number from 1 to {MaxLimit}");
            return false;
        }

        return true;
    }

    private static bool TryTime(string text, DateTimeOffset now, out DateTimeOffset? value)
    {
        value = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (QueryEvaluator.TryParseTime(text, now, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Registers what the API needs besides the stores and the spool.</summary>
    public static IServiceCollection AddYaguraApi(this IServiceCollection services, ApiLimits limits) =>
        services.AddSingleton(limits).AddSingleton<ServerState>();
}
