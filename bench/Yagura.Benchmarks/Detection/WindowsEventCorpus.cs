using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Yagura.Benchmarks.Detection;

/// <summary>
/// Writes a corpus of Windows events for detection benchmarks: mostly benign Sysmon and Security events with varied
/// values (process creations, file and registry writes, network connections, image loads, DNS queries, logons), as
/// flat JSON, one per line, plus a share of SigmaHQ's regression events (real detections) when given.
/// <c>--windows-corpus N FILE [REGRESSION_DIR]</c>.
/// </summary>
internal static class WindowsEventCorpus
{
    private static readonly string[] Images =
    [
        @"C:\Windows\System32\svchost.exe", @"C:\Program Files\Google\Chrome\Application\chrome.exe", @"C:\Windows\explorer.exe",
        @"C:\Windows\System32\conhost.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", @"C:\Windows\System32\cmd.exe",
        @"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE", @"C:\Windows\System32\RuntimeBroker.exe", @"C:\Windows\System32\taskhostw.exe",
        @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe", @"C:\Windows\System32\backgroundTaskHost.exe", @"C:\Windows\System32\dllhost.exe",
        @"C:\Users\user{0}\AppData\Local\Microsoft\Teams\current\Teams.exe", @"C:\Windows\System32\SearchProtocolHost.exe", @"C:\Windows\System32\wbem\WmiPrvSE.exe",
    ];

    private static readonly string[] Args =
    [
        "-k netsvcs -p -s Schedule", "--type=renderer --field-trial-handle={0} --lang=ja", "/factory,{{75dff2b7-6936-4c06-a8bb-676a7b00b24b}} -Embedding",
        "0xffffffff -ForceV1", "-NoProfile -ExecutionPolicy Bypass -File C:\\scripts\\inventory{0}.ps1", "/c echo build {0} > log.txt", "/recycle",
        "-Embedding", "/processid:{{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}}", "--single-argument https://intranet/{0}",
    ];

    private static readonly string[] Users = ["CORP\\alice", "CORP\\bob", "NT AUTHORITY\\SYSTEM", "CORP\\svc_backup", "CORP\\carol"];

    private static readonly string[] Domains = ["www.google.com", "login.microsoftonline.com", "intranet.corp.local", "update.example.jp", "cdn.office.net"];

    public static int Run(string[] args)
    {
        var count = long.Parse(args[0], CultureInfo.InvariantCulture);
        var regression = args.Length > 2 ? LoadRegression(args[2]) : [];
        var random = new Random(20261203);
        using var output = new StreamWriter(args[1], false, new UTF8Encoding(false), 1 << 20);
        for (long i = 0; i < count; i++)
        {
            // One event in a thousand is a real detection from SigmaHQ's regression data.
            if (regression.Count > 0 && i % 1000 == 999)
            {
                output.WriteLine(regression[(int)(i / 1000 % regression.Count)]);
                continue;
            }

            output.WriteLine(JsonSerializer.Serialize(Benign(random, i)));
        }

        return 0;
    }

    private static Dictionary<string, object> Benign(Random r, long i)
    {
        string Pick(string[] values) => string.Format(CultureInfo.InvariantCulture, values[r.Next(values.Length)], r.Next(1000));
        var image = Pick(Images);
        var time = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(i * 37).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        var e = new Dictionary<string, object> { ["Computer"] = $"ws{r.Next(300):D3}.corp.local", ["UtcTime"] = time, ["ProcessId"] = r.Next(100, 30000), ["Image"] = image };
        var kind = r.Next(100);
        if (kind < 8)
        {
            e["Channel"] = "Security";
            e["EventID"] = kind < 5 ? 4624 : 4625;
            e["TargetUserName"] = Pick(Users).Split('\\')[^1];
            e["LogonType"] = r.Next(2, 11);
            e["IpAddress"] = $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)}";
            e["WorkstationName"] = $"WS{r.Next(300):D3}";
            return e;
        }

        e["Channel"] = "Microsoft-Windows-Sysmon/Operational";
        switch (kind)
        {
            case < 40:
                e["EventID"] = 1;
                e["CommandLine"] = $"\"{image}\" {Pick(Args)}";
                e["ParentImage"] = Pick(Images);
                e["ParentCommandLine"] = $"\"{e["ParentImage"]}\" {Pick(Args)}";
                e["User"] = Pick(Users);
                e["IntegrityLevel"] = r.Next(2) == 0 ? "Medium" : "System";
                e["OriginalFileName"] = Path.GetFileName(image).ToUpperInvariant();
                e["CurrentDirectory"] = @"C:\Windows\system32\";
                e["Hashes"] = $"SHA256={r.NextInt64():X16}{r.NextInt64():X16}{r.NextInt64():X16}{r.NextInt64():X16},IMPHASH={r.NextInt64():X16}{r.NextInt64():X16}";
                break;
            case < 55:
                e["EventID"] = 11;
                e["TargetFilename"] = $@"C:\Users\user{r.Next(50)}\AppData\Local\Temp\tmp{r.Next(100000):X5}.tmp";
                break;
            case < 70:
                e["EventID"] = 13;
                e["EventType"] = "SetValue";
                e["TargetObject"] = $@"HKU\S-1-5-21-{r.Next()}\SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\{r.Next(100)}";
                e["Details"] = $"DWORD (0x{r.Next(256):x8})";
                break;
            case < 80:
                e["EventID"] = 3;
                e["DestinationIp"] = $"52.{r.Next(256)}.{r.Next(256)}.{r.Next(256)}";
                e["DestinationPort"] = r.Next(2) == 0 ? 443 : 80;
                e["DestinationHostname"] = Pick(Domains);
                e["Initiated"] = "true";
                e["Protocol"] = "tcp";
                break;
            case < 92:
                e["EventID"] = 7;
                e["ImageLoaded"] = $@"C:\Windows\System32\{(r.Next(3) == 0 ? "kernel32" : "user32")}.dll";
                e["Signed"] = "true";
                e["Signature"] = "Microsoft Windows";
                break;
            default:
                e["EventID"] = 22;
                e["QueryName"] = Pick(Domains);
                e["QueryStatus"] = "0";
                break;
        }

        return e;
    }

    private static List<string> LoadRegression(string dir)
    {
        var events = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var reader = new Utf8JsonReader(File.ReadAllBytes(file), new JsonReaderOptions { AllowMultipleValues = true });
            while (reader.Read())
            {
                using var doc = JsonDocument.ParseValue(ref reader);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    events.Add(doc.RootElement.GetRawText().ReplaceLineEndings(" "));
                }
            }
        }

        return events;
    }
}
