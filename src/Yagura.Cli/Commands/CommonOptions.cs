using System.CommandLine;

namespace Yagura.Cli.Commands;

internal static class CommonOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "The data directory (default ./data)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("YAGURA_DATA") ?? "./data",
    };

    /// <summary>Prints an error for the operator (no stack trace) and returns the exit code for it.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"yagura: {message}");
        return 2;
    }
}
