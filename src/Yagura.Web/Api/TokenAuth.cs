using Microsoft.AspNetCore.Http;
using Yagura.Core.Tenancy;

namespace Yagura.Web.Api;

/// <summary>Bearer-token checks for the API: who is calling, and may they do this.</summary>
internal static class TokenAuth
{
    /// <summary>
    /// Returns the caller, or an error result to send: 401 without a valid token, 403 when the role is too low.
    /// </summary>
    public static async Task<(TokenPrincipal? Principal, IResult? Error)> AuthenticateAsync(HttpContext http, ITenantDirectory directory, TokenRole needed)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, ApiErrors.Problem(StatusCodes.Status401Unauthorized, "missing bearer token: send 'Authorization: Bearer TOKEN' (create one with 'yagura token create')"));
        }

        var principal = await directory.ValidateTokenAsync(header[Scheme.Length..].Trim(), http.RequestAborted);
        if (principal is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return (null, ApiErrors.Problem(StatusCodes.Status401Unauthorized, "invalid or revoked token"));
        }

        if (!principal.Allows(needed))
        {
            return (null, ApiErrors.Problem(StatusCodes.Status403Forbidden, $"this token has role '{principal.Role.ToString().ToLowerInvariant()}'; '{needed.ToString().ToLowerInvariant()}' or higher is needed"));
        }

        return (principal, null);
    }
}

internal static class ApiErrors
{
    /// <summary>A JSON error <c>{"error": message}</c>, with the 0-based <c>position</c> of a query syntax error when given.</summary>
    public static IResult Problem(int status, string message, int? position = null)
    {
        var body = new Dictionary<string, object> { ["error"] = message };
        if (position is { } p)
        {
            body["position"] = p;
        }

        return Results.Json(body, statusCode: status);
    }
}
