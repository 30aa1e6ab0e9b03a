using System.Buffers;
using System.IO.Pipelines;
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
    private readonly List<Task> _connections = [];
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
            var task = HandleConnectionAsync(client);
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task HandleConnectionAsync(Socket client)
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
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshake.CancelAfter(TimeSpan.FromSeconds(30));
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        ClientCertificateRequired = false,
                    },
                    handshake.Token);
            }

            await ReadMessagesAsync(PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024)), tenant, source);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or SocketException or OperationCanceledException)
        {
            if (_spool.Fault is { } fault)
            {
                ListenerLog.SpoolFailed(_logger, Transport, source, fault.Message);
            }
            else
            {
                ListenerLog.ConnectionEnded(_logger, Transport, source, ex.Message);
            }
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private async Task ReadMessagesAsync(PipeReader pipe, string tenant, string? source)
    {
        var decoder = new SyslogFrameDecoder(_maxMessageBytes);
        var framingErrors = 0;

        // The spool takes the batch's buffer on append and leaves the batch empty for the next read.
        using var batch = new SpoolBatch();
        while (true)
        {
            var read = await pipe.ReadAsync(_stopping.Token);
            var buffer = read.Buffer;
            var truncatedCount = 0;
            var received = _time.GetUtcNow();
            var reader = new SequenceReader<byte>(buffer);
            while (decoder.TryRead(ref reader, out var message, out var truncated))
            {
                batch.Add(message, new RecordMeta(tenant, received, Transport, source, truncated, null));
                truncatedCount += truncated ? 1 : 0;
            }

            if (read.IsCompleted && decoder.TryReadFinal(ref reader, out var last, out var lastTruncated))
            {
                batch.Add(last, new RecordMeta(tenant, received, Transport, source, lastTruncated, null));
                truncatedCount += lastTruncated ? 1 : 0;
            }

            pipe.AdvanceTo(reader.Position, buffer.End);
            if (decoder.FramingErrors != framingErrors)
            {
                _counters.AddFramingErrors(decoder.FramingErrors - framingErrors);
                framingErrors = decoder.FramingErrors;
            }

            if (batch.Count > 0)
            {
                var count = batch.Count;
                await _spool.AppendAsync(batch, _stopping.Token);
                _counters.AddReceived(count, truncatedCount);
            }

            if (read.IsCompleted)
            {
                await pipe.CompleteAsync();
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

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stopping.Dispose();
    }
}

/// <summary>How one syslog listener behaves.</summary>
/// <param name="TenantId">The tenant of messages whose source address matches no rule.</param>
/// <param name="MaxMessageBytes">Longer messages are cut and flagged.</param>
/// <param name="Certificate">Set for TLS.</param>
public sealed record SyslogListenerSettings(string TenantId, int MaxMessageBytes, X509Certificate2? Certificate = null);
