namespace Yagura.Core.Events;

/// <summary>
/// A normalised event as stored and searched. Immutable once built.
/// </summary>
/// <remarks>
/// <see cref="Fields"/> holds every other field under its flattened ECS name (<c>source.ip</c>,
/// <c>user.name</c>, <c>winlog.event_data.TargetUserName</c> …). Values are <see cref="string"/>,
/// <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, or an <see cref="IReadOnlyList{T}"/> of those.
/// The fields that have properties of their own (<c>@timestamp</c>, <c>tenant.id</c>, <c>event.original</c>,
/// <c>message</c>, <c>error.message</c>, <c>event.created</c>) are not repeated in <see cref="Fields"/>.
/// </remarks>
public sealed class EventRecord
{
    /// <summary>Unique and stable: derived from the spool position the message was accepted at.</summary>
    public required long Id { get; init; }

    public required string TenantId { get; init; }

    /// <summary><c>@timestamp</c>: the time the message says it happened (the receive time when it says none).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary><c>event.created</c>: when Yagura received the message.</summary>
    public required DateTimeOffset Received { get; init; }

    /// <summary><c>event.original</c>: the raw message as received (invalid UTF-8 replaced by U+FFFD).</summary>
    public required string Original { get; init; }

    /// <summary><c>message</c>: the human-readable part, when the format has one.</summary>
    public string? Message { get; init; }

    /// <summary><c>error.message</c>: why parsing failed or what was lost (e.g. truncation); null when clean.</summary>
    public string? ErrorMessage { get; init; }

    public IReadOnlyDictionary<string, object?> Fields { get; init; } = EmptyFields;

    private static readonly IReadOnlyDictionary<string, object?> EmptyFields = new Dictionary<string, object?>();

    /// <summary>Looks a field up by its ECS name, including the fields that have properties of their own.</summary>
    public object? GetField(string name) => name switch
    {
        FieldNames.Timestamp => Timestamp,
        FieldNames.TenantId => TenantId,
        FieldNames.EventOriginal => Original,
        FieldNames.Message => Message,
        FieldNames.ErrorMessage => ErrorMessage,
        FieldNames.EventCreated => Received,
        FieldNames.EventId => Id,
        _ => Fields.TryGetValue(name, out var value) ? value : null,
    };
}
