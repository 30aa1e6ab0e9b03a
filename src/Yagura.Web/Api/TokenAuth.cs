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
    public static IResult Problem(int status, string message, object? extra = null) =>
        Results.Json(extra is null ? new Dictionary<string, object?> { ["error"] = message } : Merge(message, extra), statusCode: status);

    private static Dictionary<string, object?> Merge(string message, object extra)
    {
        var result = new Dictionary<string, object?> { ["error"] = message };
        foreach (var property in extra.GetType().GetProperties())
        {
            result[property.Name] = property.GetValue(extra);
        }

        return result;
    }
}
