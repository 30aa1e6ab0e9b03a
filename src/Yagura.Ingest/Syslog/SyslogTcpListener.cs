using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Yagura.Ingest.Routing;
using Yagura.Ingest.Spool;

namespace Yagura.Ingest.Syslog;

/// <summary>
/// Syslog over TCP (RFC 6587) or, with a certificate, over TLS (RFC 5425). Each connection is framed on its own;
/// every read's worth of messages goes to the spool as one batch.
/// </summary>
public sealed class SyslogTcpListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly MessageSpool _spool;
    private readonly TenantRouter _router;
    private readonly string _listenerTenant;
    private readonly int _maxMessageBytes;
    private readonly X509Certificate2? _certificate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IngestCounters _counters;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(Socket Client, Task Done)> _connections = [];
    private Task? _acceptLoop;

    public SyslogTcpListener(IPEndPoint endpoint, SyslogListenerSettings settings, MessageSpool spool, TenantRouter router, IngestCounters counters, TimeProvider time, ILogger logger)
    {
        _spool = spool;
        _router = router;
        _listenerTenant = settings.TenantId;
        _maxMessageBytes = settings.MaxMessageBytes;
        _certificate = settings.Certificate;
        _counters = counters;
        _time = time;
        _logger = logger;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }

        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
    }

    public Transport Transport => _certificate is null ? Transport.Tcp : Transport.Tls;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Start()
    {
        _socket.Listen(512);
        _acceptLoop = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                break;
            }

            client.NoDelay = true;
            _counters.ConnectionOpened();
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_connections)
            {
                _connections.RemoveAll(c => c.Done.IsCompleted);
                _connections.Add((client, done.Task));
            }

            // A thread per connection reading with blocking calls: each read wakes just this thread, where async
            // reads went through the socket engine's thread and a thread-pool worker (about 15 % of the accept path's
            // CPU on two cores went to those hand-offs). Syslog senders are few long-lived connections (devices,
            // relays), so the threads are few; their stacks are small.
            new Thread(() => HandleConnection(client, done), ConnectionStackBytes) { IsBackground = true, Name = "Yagura syslog " + Transport.ToString().ToLowerInvariant() }.Start();
        }
    }

    private const int ConnectionStackBytes = 256 * 1024;

    private void HandleConnection(Socket client, TaskCompletionSource done)
    {
        var remote = (client.RemoteEndPoint as IPEndPoint)?.Address;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        var tenant = _router.Resolve(remote, _listenerTenant);
        var source = remote?.ToString();
        Stream stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            if (_certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                client.ReceiveTimeout = (int)HandshakeTimeout.TotalMilliseconds;
                tls.AuthenticateAsServer(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = false,
                });
                client.ReceiveTimeout = 0;
            }

            ReadMessages(stream, tenant, source);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (_spool.Fault is { } fault)
            {
                ListenerLog.SpoolFailed(_logger, Transport, source, fault.Message);
            }
            else if (!_stopping.IsCancellationRequested)
            {
                ListenerLog.ConnectionEnded(_logger, Transport, source, ex.Message);
            }
        }
        finally
        {
            stream.Dispose();
            done.TrySetResult();
        }
    }

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private void ReadMessages(Stream stream, string tenant, string? source)
    {
        var decoder = new SyslogFrameDecoder(_maxMessageBytes);
        var framingErrors = 0;

        // Room for a whole message of the largest size and more behind it: the decoder cuts a longer one once it has
        // seen that much, so a full buffer always yields a message.
        var buffer = new byte[_maxMessageBytes + (64 * 1024)];
        var filled = 0;

        // The spool takes the batch's buffer on append and leaves the batch empty for the next read.
        using var batch = new SpoolBatch();
        while (true)
        {
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            var completed = read == 0;
            filled += read;
            var truncatedCount = 0;
            var received = _time.GetUtcNow();
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(buffer, 0, filled));
            while (decoder.TryRead(ref reader, out var message, out var truncated))
            {
                batch.Add(message, new RecordMeta(tenant, received, Transport, source, truncated, null));
                truncatedCount += truncated ? 1 : 0;
            }

            if (completed && decoder.TryReadFinal(ref reader, out var last, out var lastTruncated))
            {
                batch.Add(last, new RecordMeta(tenant, received, Transport, source, lastTruncated, null));
                truncatedCount += lastTruncated ? 1 : 0;
            }

            // The batch holds copies: what is left of the buffer is the start of the next message.
            var consumed = (int)reader.Consumed;
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
            if (decoder.FramingErrors != framingErrors)
            {
                _counters.AddFramingErrors(decoder.FramingErrors - framingErrors);
                framingErrors = decoder.FramingErrors;
            }

            if (batch.Count > 0)
            {
                var count = batch.Count;
                _spool.AppendAsync(batch, _stopping.Token).AsTask().GetAwaiter().GetResult();
                _counters.AddReceived(count, truncatedCount);
            }

            if (completed)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        // Blocking reads end when their socket closes.
        (Socket Client, Task Done)[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        foreach (var (client, _) in connections)
        {
            client.Dispose();
        }

        await Task.WhenAll(connections.Select(c => c.Done));
        _stopping.Dispose();
    }
}

/// <summary>How one syslog listener behaves.</summary>
/// <param name="TenantId">The tenant of messages whose source address matches no rule.</param>
/// <param name="MaxMessageBytes">Longer messages are cut and flagged.</param>
/// <param name="Certificate">Set for TLS.</param>
public sealed record SyslogListenerSettings(string TenantId, int MaxMessageBytes, X509Certificate2? Certificate = null);
