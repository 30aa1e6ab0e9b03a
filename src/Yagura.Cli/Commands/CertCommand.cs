using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Yagura.Cli.Commands;

/// <summary><c>yagura cert create</c>: a self-signed certificate and key (PEM) for trying syslog over TLS.</summary>
internal static class CertCommand
{
    public static Command Create()
    {
        var cert = new Option<string>("--cert") { Description = "Where to write the certificate (PEM)", DefaultValueFactory = _ => "yagura-cert.pem" };
        var key = new Option<string>("--key") { Description = "Where to write the private key (PEM, mode 600)", DefaultValueFactory = _ => "yagura-key.pem" };
        var names = new Option<string[]>("--name") { Description = "DNS names or IP addresses the certificate is for (repeatable)", DefaultValueFactory = _ => ["localhost", "127.0.0.1"], AllowMultipleArgumentsPerToken = true };
        var days = new Option<int>("--days") { Description = "Validity in days", DefaultValueFactory = _ => 365 };
        var create = new Command("create", "Write a self-signed certificate and key for trials (use a real CA in production)") { cert, key, names, days };
        create.SetAction(parse =>
        {
            var subjects = parse.GetValue(names)!;
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={subjects[0]}, O=Yagura", ecdsa, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in subjects)
            {
                if (IPAddress.TryParse(name, out var ip))
                {
                    san.AddIpAddress(ip);
                }
                else
                {
                    san.AddDnsName(name);
                }
            }

            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            var now = DateTimeOffset.UtcNow;
            using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(parse.GetValue(days)));
            var certPath = parse.GetValue(cert)!;
            var keyPath = parse.GetValue(key)!;
            File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
            File.WriteAllText(keyPath, "");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.WriteAllText(keyPath, ecdsa.ExportPkcs8PrivateKeyPem() + "\n");
            Console.WriteLine($"wrote {certPath} and {keyPath} (self-signed for {string.Join(", ", subjects)}, valid {parse.GetValue(days)} days)");
            return 0;
        });
        return new Command("cert", "Certificates for the TLS listener") { create };
    }
}
