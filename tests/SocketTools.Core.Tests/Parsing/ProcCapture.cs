namespace SocketTools.Tests.Parsing;

/// <summary>The checked-in /proc/net capture of <see cref="Live.ProcScenario"/>, with ss output of the same moment.</summary>
public static class ProcCapture
{
    public const string Folder = "procnet-scenario";

    public static string Dir => Path.Combine(AppContext.BaseDirectory, "TestData", Folder);

    public static string Text(string name) => File.ReadAllText(Path.Combine(Dir, name));
}
