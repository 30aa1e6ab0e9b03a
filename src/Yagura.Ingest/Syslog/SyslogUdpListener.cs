using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Yagura.Ingest.Routing;
using Yagura.Ingest.Spool;

namespace Yagura.Ingest.Syslog;

/// <summary>
/// Syslog over UDP (RFC 5426): one datagram, one message. Datagrams already waiting in the socket buffer are
/// drained into one batch, so a flood costs one spool hand-over per burst, not per message.
/// </summary>
public sealed class SyslogUdpListener : IAsyncDisposable
{
    private const int MaxBatch = 1024;
    private const int MaxDatagram = 65535;

    private readonly Socket _socket;
    private readonly MessageSpool _spool;
    private readonly TenantRouter _router;
    private readonly SyslogListenerSettings _settings;
    private readonly IngestCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public SyslogUdpListener(IPEndPoint endpoint, SyslogListenerSettings settings, MessageSpool spool, TenantRouter router, IngestCounters counters, TimeProvider time, ILogger logger)
    {
        _spool = spool;
        _router = router;
        _settings = settings;
        _counters = counters;
        _time = time;
        _logger = logger;
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }

        // A deep receive buffer absorbs bursts while the spool hand-over runs.
        _socket.ReceiveBufferSize = 8 * 1024 * 1024;
        _socket.Bind(endpoint);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Start() => _loop = ReceiveLoopAsync();

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        var anyAddress = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var lastAddress = default(SocketAddress);
        string? source = null;
        var tenant = _settings.TenantId;
        using var batch = new SpoolBatch();
        while (!_stopping.IsCancellationRequested)
        {
            var truncated = 0;
            try
            {
                do
                {
                    var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, anyAddress, _stopping.Token);
                    var remote = (IPEndPoint)result.RemoteEndPoint;
                    var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
                    var socketAddress = remote.Serialize();
                    if (lastAddress is null || !socketAddress.Equals(lastAddress))
                    {
                        // Senders are few and repeat: resolve tenant and text once per change of sender.
                        lastAddress = socketAddress;
                        source = address.ToString();
                        tenant = _router.Resolve(address, _settings.TenantId);
                    }

                    var length = result.ReceivedBytes;
                    while (length > 0 && buffer[length - 1] is (byte)'\n' or (byte)'\r' or 0)
                    {
                        length--;
                    }

                    if (length == 0)
                    {
                        continue;
                    }

                    var cut = length > _settings.MaxMessageBytes;
                    if (cut)
                    {
                        length = _settings.MaxMessageBytes;
                        truncated++;
                    }

                    batch.Add(buffer.AsSpan(0, length), new RecordMeta(tenant, _time.GetUtcNow(), Transport.Udp, source, cut, null));
                }
                while (batch.Count < MaxBatch && _socket.Available > 0);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // ICMP port-unreachable echoes and the like: keep receiving.
                ListenerLog.UdpReceiveFailed(_logger, ex.Message);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var count = batch.Count;
            try
            {
                await _spool.AppendAsync(batch, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (IOException ex)
            {
                // The spool stopped after a disk error: /healthz reports it; receiving more would only lose it.
                ListenerLog.SpoolFailed(_logger, Transport.Udp, source, ex.Message);
                break;
            }

            _counters.AddReceived(count, truncated);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stopping.Dispose();
    }
}
