using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using Yagura.Cli.Server;
using Yagura.Core.Tenancy;
using Yagura.Ingest;
using Yagura.Ingest.Spool;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura ingest</c>: loads a log file (or stdin, gzip or not) through the same spool and pipeline as the server.</summary>
internal static class IngestCommand
{
    private static readonly string[] Formats = ["auto", "rfc5424", "rfc3164", "cef", "leef", "json", "kv", "raw"];

    public static Command Create()
    {
        var data = CommonOptions.Data();
        var tenant = new Option<string>("--tenant") { Description = "Tenant the events belong to", DefaultValueFactory = _ => Tenant.DefaultId };
        var format = new Option<string>("--format") { Description = "Message format: " + string.Join(", ", Formats), DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong(Formats);
        var maxMessage = new Option<int>("--max-message-bytes") { Description = "Longer lines are cut and flagged", DefaultValueFactory = _ => 64 * 1024 };
        var file = new Argument<string>("file") { Description = "Log file, one message per line (gzip is detected); - for standard input" };
        var command = new Command("ingest", "Load a log file into the data directory (offline; the server must not be running on it)") { data, tenant, format, maxMessage, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var formatName = parse.GetValue(format) is "auto" or null ? null : parse.GetValue(format);
            var path = parse.GetValue(file)!;
            DataDirectory directory;
            try
            {
                directory = DataDirectory.OpenExclusive(parse.GetValue(data)!, "ingest");
            }
            catch (InvalidOperationException ex)
            {
                return CommonOptions.Fail(ex.Message);
            }

            using var _ = directory;
            await using var engine = await IngestEngine.StartAsync(directory, IngestStoreDefaults.Options, TimeProvider.System, NullLogger.Instance, cancellationToken);
            if (await engine.Tenants.GetTenantAsync(tenantId, cancellationToken) is null)
            {
                return CommonOptions.Fail($"unknown tenant '{tenantId}' (create it with 'yagura tenant create --id {tenantId} --name NAME')");
            }

            Stream input;
            try
            {
                input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return CommonOptions.Fail($"cannot read {path}: {ex.Message}");
            }

            var progress = new IngestProgress();
            var run = Stopwatch.StartNew();
            async Task ReadAndStoreAsync()
            {
                await ReadAsync(input, engine.Spool, tenantId, formatName, parse.GetValue(maxMessage), progress, cancellationToken);
                await engine.DrainAsync(cancellationToken);
            }

            var work = ReadAndStoreAsync();
            if (!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                await AnsiConsole.Live(new Text("")).StartAsync(async live =>
                {
                    while (!work.IsCompleted)
                    {
                        live.UpdateTarget(new Markup(progress.Describe(engine, run.Elapsed)));
                        await Task.WhenAny(work, Task.Delay(250, cancellationToken));
                    }

                    live.UpdateTarget(new Markup(progress.Describe(engine, run.Elapsed)));
                });
            }

            try
            {
                await work;
            }
            catch (InvalidDataException ex)
            {
                return CommonOptions.Fail($"{path}: not valid gzip: {ex.Message}");
            }

            var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-6);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ingested {progress.Messages:N0} messages ({progress.Bytes / 1048576.0:F1} MiB) in {seconds:F1} s ({progress.Messages / seconds:N0}/s) into tenant {tenantId}: {engine.Pipeline.ParseErrors:N0} with parse errors, {progress.Truncated:N0} truncated"));
            return 0;
        });
        return command;
    }

    private static async Task ReadAsync(Stream raw, MessageSpool spool, string tenant, string? format, int maxMessageBytes, IngestProgress progress, CancellationToken cancellationToken)
    {
        await using var input = await MaybeGunzipAsync(raw, cancellationToken);
        var pipe = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 1 << 20, minimumReadSize: 1 << 18));
        var received = TimeProvider.System.GetUtcNow();
        var pending = new List<Task>();
        var discarding = false;
        using var batch = new SpoolBatch();
        while (true)
        {
            var read = await pipe.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            while (true)
            {
                ReadOnlySequence<byte> line;
                var truncated = false;
                if (reader.TryReadTo(out line, (byte)'\n'))
                {
                    if (discarding)
                    {
                        discarding = false;
                        continue;
                    }
                }
                else if (reader.Remaining > maxMessageBytes && !discarding)
                {
                    line = reader.UnreadSequence;
                    reader.AdvanceToEnd();
                    discarding = true;
                }
                else if (read.IsCompleted && !reader.End && !discarding)
                {
                    line = reader.UnreadSequence;
                    reader.AdvanceToEnd();
                }
                else
                {
                    if (discarding)
                    {
                        reader.AdvanceToEnd();
                    }

                    break;
                }

                if (line.Length > maxMessageBytes)
                {
                    line = line.Slice(0, maxMessageBytes);
                    truncated = true;
                }

                if (!line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
                {
                    line = line.Slice(0, line.Length - 1);
                }

                if (line.IsEmpty)
                {
                    continue;
                }

                progress.Add(line.Length, truncated);
                batch.Add(line, new RecordMeta(tenant, received, Transport.File, null, truncated, format));
            }

            pipe.AdvanceTo(reader.Position, buffer.End);
            if (batch.Count > 0)
            {
                var append = await spool.AppendAsync(batch, cancellationToken);
                pending.Add(append.Durable);
                pending.RemoveAll(t => t.IsCompletedSuccessfully);
            }

            if (read.IsCompleted)
            {
                break;
            }
        }

        await pipe.CompleteAsync();
        await Task.WhenAll(pending);
    }

    private static async Task<Stream> MaybeGunzipAsync(Stream input, CancellationToken cancellationToken)
    {
        var buffered = new BufferedStream(input, 1 << 16);
        var magic = new byte[2];
        var n = await buffered.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken);
        var prefix = new PrefixedStream(magic.AsMemory(0, n), buffered);
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(prefix, CompressionMode.Decompress) : prefix;
    }

    private sealed class IngestProgress
    {
        private long _messages;
        private long _bytes;
        private long _truncated;

        public long Messages => Interlocked.Read(ref _messages);

        public long Bytes => Interlocked.Read(ref _bytes);

        public long Truncated => Interlocked.Read(ref _truncated);

        public void Add(long bytes, bool truncated)
        {
            Interlocked.Increment(ref _messages);
            Interlocked.Add(ref _bytes, bytes);
            if (truncated)
            {
                Interlocked.Increment(ref _truncated);
            }
        }

        public string Describe(IngestEngine engine, TimeSpan elapsed)
        {
            var seconds = Math.Max(elapsed.TotalSeconds, 1e-6);
            return string.Create(CultureInfo.InvariantCulture,
                $"[bold]read[/] {Messages:N0}  [bold]stored[/] {engine.Pipeline.Processed:N0}  [bold]rate[/] {engine.Pipeline.Processed / seconds:N0}/s  [bold]errors[/] {engine.Pipeline.ParseErrors:N0}  [bold]truncated[/] {Truncated:N0}");
        }
    }
}

/// <summary>Puts back bytes already read (to sniff the gzip magic) in front of the rest of a stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_prefix.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        return inner.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_prefix.IsEmpty)
        {
            return Read(buffer.Span);
        }

        return await inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
