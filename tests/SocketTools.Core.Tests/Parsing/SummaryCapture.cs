namespace SocketTools.Tests.Parsing;

/// <summary>The checked-in sockstat, sockstat6 and snmp of <see cref="Live.ProcScenario"/>'s namespace, with ss -s of the same moment.</summary>
public static class SummaryCapture
{
    public const string Folder = "summary-scenario";

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", Folder, name));
}
