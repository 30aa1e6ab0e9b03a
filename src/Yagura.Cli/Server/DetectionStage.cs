using Microsoft.Extensions.Logging;
using Yagura.Core.Alerts;
using Yagura.Core.Events;
using Yagura.Core.Storage;
using Yagura.Detection.Alerts;
using Yagura.Detection.Ioc;
using Yagura.Detection.Sigma;

namespace Yagura.Cli.Server;

/// <summary>
/// Detection inside <c>yagura serve</c>: runs the Sigma rules over every batch the pipeline stores and keeps the
/// alerts in the case store, with the tuning file's disabled rules, severity overrides and suppression. Rule, pipeline,
/// IOC and tuning files are watched; a change reloads them after a short quiet period, and a reload that brings new
/// errors (or fails outright) keeps the rules in force and logs why.
/// </summary>
public sealed class DetectionStage : IStoredBatchObserver, IDisposable
{
    /// <summary>How long the rule files must stay unchanged before a reload: editors and copies write in several steps.</summary>
    public static readonly TimeSpan ReloadDebounce = TimeSpan.FromMilliseconds(500);

    /// <summary>How often, at most, suppression windows closed early at the limit are reported.</summary>
    private static readonly TimeSpan EvictionReportInterval = TimeSpan.FromMinutes(1);

    private static readonly SuppressionOptions Suppression = new();

    private readonly IReadOnlyList<string> _rulePaths;
    private readonly IReadOnlyList<string> _pipelinePaths;
    private IReadOnlyList<string> _iocPaths = [];
    private string? _tuningPath;
    private string _iocSummary = "";
    private string _tuningSummary = "";
    private readonly IAlertStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly ITimer _debounce;
    private readonly Lock _reloadGate = new();
    private readonly List<Alert> _alerts = [];
    private HashSet<RuleProblem> _errorsInForce = [];
    private AlertDetector? _pending;
    private AlertDetector? _current;
    private long _alertsStored;
    private long _reloads;
    private long _evictionsReported;
    private DateTimeOffset _evictionsReportedAt = DateTimeOffset.MinValue;

    private DetectionStage(IReadOnlyList<string> rulePaths, IReadOnlyList<string> pipelinePaths, IAlertStore store, TimeProvider time, ILogger logger)
    {
        _rulePaths = rulePaths;
        _pipelinePaths = pipelinePaths;
        _store = store;
        _time = time;
        _logger = logger;
        _debounce = time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Alerts newly stored since the start.</summary>
    public long AlertsStored => Interlocked.Read(ref _alertsStored);

    /// <summary>Successful reloads since the start.</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>One line on the rules in force, for the operator.</summary>
    public string Summary { get; private set; } = "no rules loaded";

    private bool _published;

    /// <summary>
    /// Loads the rules (broken ones are logged and left out, never fatal) and starts watching their directories. Without
    /// a tuning file every rule is on, severities come from the levels and suppression is the default.
    /// </summary>
    public static DetectionStage Start(
        IReadOnlyList<string> rulePaths, IReadOnlyList<string> pipelinePaths, IAlertStore store, TimeProvider time, ILogger logger, IReadOnlyList<string>? iocPaths = null, string? tuningPath = null)
    {
        var stage = new DetectionStage(rulePaths, pipelinePaths, store, time, logger) { _iocPaths = iocPaths ?? [], _tuningPath = tuningPath };
        foreach (var path in stage.WatchedPaths.Where(p => !File.Exists(p) && !Directory.Exists(p)))
        {
            DetectionLog.MissingPath(logger, path);
        }

        if (stage.TryLoad(out var detector, out var errors, out var failure))
        {
            stage.Publish(detector!, errors);
        }
        else
        {
            DetectionLog.LoadFailed(logger, failure!);
        }

        stage.Watch();
        return stage;
    }

    private bool TryLoad(out AlertDetector? detector, out HashSet<RuleProblem> errors, out string? failure)
    {
        detector = null;
        errors = [];
        failure = null;
        try
        {
            var pipelines = SigmaPipeline.Load(_pipelinePaths.Where(p => File.Exists(p) || Directory.Exists(p)));
            var tuning = _tuningPath is not null && File.Exists(_tuningPath) ? SigmaTuning.Load(_tuningPath) : null;
            var set = SigmaRuleSet.Load(_rulePaths.Where(p => File.Exists(p) || Directory.Exists(p)), pipelines, tuning);
            errors = [.. set.Errors.Concat(set.Pipeline.Errors)];
            var lists = IocFiles(_iocPaths).Select(f => IocList.Load(f)).ToList();
            foreach (var error in lists.SelectMany(l => l.Errors))
            {
                errors.Add(new RuleProblem(error.File, error.Line, error.Reason));
            }

            errors.UnionWith(tuning?.UnknownIocLists([.. lists.Select(l => l.Name)]) ?? []);
            _tuningSummary = tuning is null ? "" : $"; tuning from {_tuningPath}";

            var iocs = lists.Count == 0 ? null : new IocMatcher(lists);
            _iocSummary = iocs is null ? "" : $"; {iocs.Count} indicators from {lists.Count} IOC lists";
            detector = new AlertDetector(set, iocs, Suppression);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failure = ex.Message;
            return false;
        }
    }

    private void Publish(AlertDetector detector, HashSet<RuleProblem> errors)
    {
        var set = detector.Rules;
        foreach (var error in errors)
        {
            DetectionLog.RuleError(_logger, error.Path, error.Line, error.Error);
        }

        foreach (var problem in set.Unsupported)
        {
            DetectionLog.RuleUnsupported(_logger, problem.Path, problem.Error);
        }

        _errorsInForce = errors;
        var reload = _published;
        _published = true;
        Summary = $"{set.Rules.Count} rules and {set.Correlations.Count} correlations in force ({set.Compiled} of {set.Total} compiled, {errors.Count} errors, {set.Unsupported.Count} unsupported, {set.Inactive.Count} inactive) from {string.Join(", ", _rulePaths)}{_iocSummary}{_tuningSummary}";
        if (reload)
        {
            // The first load is announced by serve's start-up lines.
            DetectionLog.Loaded(_logger, Summary);
        }

        // Taken by the pipeline's detection thread before its next batch: the matcher and correlation engine are never shared.
        Volatile.Write(ref _pending, detector);
    }

    /// <summary>IOC list files: as given, or the <c>.txt</c> and <c>.csv</c> files of a directory.</summary>
    private static IEnumerable<string> IocFiles(IEnumerable<string> paths) => paths.SelectMany<string, string>(p =>
        Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
            : File.Exists(p) ? [p] : []);

    private IEnumerable<string> WatchedPaths => _rulePaths.Concat(_pipelinePaths).Concat(_iocPaths).Concat(_tuningPath is null ? [] : [_tuningPath]);

    private void Watch()
    {
        foreach (var path in WatchedPaths)
        {
            var full = Path.GetFullPath(path);
            FileSystemWatcher watcher;
            if (Directory.Exists(full))
            {
                watcher = new FileSystemWatcher(full) { IncludeSubdirectories = true };
            }
            else if (File.Exists(full))
            {
                watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full));
            }
            else
            {
                continue;
            }

            watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size;
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Deleted += OnChange;
            watcher.Renamed += OnChange;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e) => _debounce.Change(ReloadDebounce, Timeout.InfiniteTimeSpan);

    /// <summary>Reloads the rules now (the watcher calls this after a change has settled).</summary>
    public void Reload()
    {
        lock (_reloadGate)
        {
            if (!TryLoad(out var detector, out var errors, out var failure))
            {
                DetectionLog.ReloadRefused(_logger, failure!);
                return;
            }

            var added = errors.Where(e => !_errorsInForce.Contains(e)).ToList();
            if (added.Count > 0)
            {
                foreach (var error in added)
                {
                    DetectionLog.RuleError(_logger, error.Path, error.Line, error.Error);
                }

                DetectionLog.ReloadRefused(_logger, $"{added.Count} rule file error(s), listed above; fix them and save again");
                return;
            }

            Publish(detector!, errors);
            Interlocked.Increment(ref _reloads);
        }
    }

    /// <inheritdoc />
    public void OnStored(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _pending, null) is { } next)
        {
            // A new rule set starts with empty correlation and suppression windows.
            _current = next;
            _evictionsReported = 0;
        }

        if (_current is not { } detector)
        {
            return;
        }

        _alerts.Clear();
        try
        {
            detector.Detect(events, _alerts);
        }
#pragma warning disable CA1031 // A fault in one rule must not stop ingest: the events are stored, the fault is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DetectionLog.DetectFailed(_logger, events.Count, ex);
            return;
        }

        ReportEvictions(detector);
        if (_alerts.Count == 0)
        {
            return;
        }

        // Like event writes: retried, not skipped; the batch stays in the spool until its alerts are stored.
        StorageRetry.Run(
            () => Interlocked.Add(ref _alertsStored, _store.AddAsync(_alerts, CancellationToken.None).GetAwaiter().GetResult()),
            (ex, delay) => DetectionLog.StoreFailed(_logger, _alerts.Count, delay, ex),
            cancellationToken);
    }

    /// <summary>Logs suppression windows closed early at the limit, at most once per <see cref="EvictionReportInterval"/>.</summary>
    private void ReportEvictions(AlertDetector detector)
    {
        var evictions = detector.SuppressionEvictions;
        var now = _time.GetUtcNow();
        if (evictions > _evictionsReported && now - _evictionsReportedAt >= EvictionReportInterval)
        {
            DetectionLog.SuppressionFull(_logger, evictions - _evictionsReported, Suppression.MaxOpenWindows);
            _evictionsReported = evictions;
            _evictionsReportedAt = now;
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _debounce.Dispose();
    }
}

internal static partial class DetectionLog
{
    public const string Category = "yagura.detection";

    [LoggerMessage(Level = LogLevel.Information, Message = "detection: {Summary}")]
    public static partial void Loaded(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "detection: {Path}:{Line}: {Error}")]
    public static partial void RuleError(ILogger logger, string path, int line, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "detection: {Path}: unsupported: {Reason}")]
    public static partial void RuleUnsupported(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "detection: no rule, pipeline, IOC or tuning file or directory at {Path}")]
    public static partial void MissingPath(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "detection: loading the rules failed, running without rules: {Reason}")]
    public static partial void LoadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "detection: reload refused, the previous rules stay in force: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "detection failed on a batch of {Count} events; they are stored without alerts")]
    public static partial void DetectFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "detection: {Count} suppression windows closed early to hold at most {Max}; the next repeat of each opens a new alert")]
    public static partial void SuppressionFull(ILogger logger, long count, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "storing {Count} alerts failed; retrying in {Delay}")]
    public static partial void StoreFailed(ILogger logger, int count, TimeSpan delay, Exception exception);
}
