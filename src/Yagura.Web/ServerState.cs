namespace Yagura.Web;

/// <summary>Shared facts about the running server that the API reports.</summary>
public sealed class ServerState
{
    private volatile bool _ready;

    /// <summary>True once every listener is up and nothing has failed; <c>/healthz</c> answers 200 only then.</summary>
    public bool Ready => _ready && Problem() is null;

    /// <summary>What stops the server from accepting (e.g. the spool's disk error), or null.</summary>
    public Func<string?> Problem { get; set; } = static () => null;

    public void MarkReady() => _ready = true;

    public void MarkStopping() => _ready = false;

    /// <summary>Figures reported by <c>/healthz</c>: accepted, stored, backlog …</summary>
    public Func<IReadOnlyDictionary<string, long>> Figures { get; set; } = static () => new Dictionary<string, long>();
}

/// <summary>Limits the API enforces.</summary>
/// <param name="MaxBodyBytes">Largest ingest body, after decompression.</param>
/// <param name="MaxMessageBytes">Largest single message; longer ones are cut and flagged.</param>
public sealed record ApiLimits(long MaxBodyBytes, int MaxMessageBytes);
