using Yagura.Core.Events;

namespace Yagura.Core.Tests.Search;

internal static class TestEvents
{
    public static readonly DateTimeOffset Epoch = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static long _nextId = 1;

    public static EventRecord Event(
        string? message = null,
        string? original = null,
        string? error = null,
        DateTimeOffset? timestamp = null,
        string tenant = "default",
        long? id = null,
        params (string Name, object? Value)[] fields)
    {
        var time = timestamp ?? Epoch;
        return new EventRecord
        {
            Id = id ?? Interlocked.Increment(ref _nextId),
            TenantId = tenant,
            Timestamp = time,
            Received = time,
            Original = original ?? message ?? "",
            Message = message,
            ErrorMessage = error,
            Fields = fields.ToDictionary(f => f.Name, f => f.Value),
        };
    }

    public static EventRecord With(params (string Name, object? Value)[] fields) => Event(fields: fields);
}
