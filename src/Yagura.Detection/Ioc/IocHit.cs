namespace Yagura.Detection.Ioc;

/// <summary>One indicator found in one event field.</summary>
/// <param name="Indicator">The indicator as normalised in its list (<c>evil.com</c>, <c>10.0.0.0/8</c>, a lower-case hash).</param>
/// <param name="Type">The indicator's type; a listed domain matched through a subdomain or a URL's host is still a domain.</param>
/// <param name="Source">The indicator's own source (a CSV <c>source</c> column), or else the list's name.</param>
/// <param name="List">The name of the list that holds the indicator.</param>
/// <param name="Field">The event field that matched.</param>
/// <param name="Value">The value that matched: the field's text, or the one item of a list value.</param>
/// <param name="Description">The indicator's description from its list, if it had one.</param>
public sealed record IocHit(
    string Indicator,
    IocType Type,
    string Source,
    string List,
    string Field,
    string Value,
    string? Description);
