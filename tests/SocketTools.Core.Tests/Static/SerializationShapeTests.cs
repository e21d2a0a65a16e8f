using System.Reflection;

namespace SocketTools.Tests.Static;

/// <summary>
/// The output objects must survive ConvertTo-Json, Export-Csv and remoting: every property, down
/// through nested SocketTools types and lists, is a plain value. ConvertTo-Json (PowerShell 7.4,
/// JsonObject.ProcessValue) writes strings, numbers, bools, enums, DateTime, Guid and Uri as
/// scalars and turns anything else into a dictionary of its public properties read by reflection:
/// an IPAddress would lose its text that way (Address throws for IPv6, ScopeId for IPv4).
/// </summary>
[Trait("Tier", "Offline")]
public sealed class SerializationShapeTests
{
    private static readonly HashSet<Type> Scalars =
    [
        typeof(string), typeof(bool), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
        typeof(long), typeof(ulong), typeof(double), typeof(float), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset),
        typeof(Guid),
        // TimeSpan is a CliXml primitive (remoting keeps it) and a small object of numbers in JSON (Ticks round-trips).
        typeof(TimeSpan),
    ];

    private static void Check(Type type, string path, HashSet<Type> seen, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Scalars.Contains(type) || type.IsEnum)
        {
            return;
        }

        var element = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is not null)
        {
            Check(element, path + "[]", seen, problems);
            return;
        }

        if (type.Namespace?.StartsWith("SocketTools", StringComparison.Ordinal) != true || !type.IsClass)
        {
            problems.Add($"{path} is {type.FullName}, which ConvertTo-Json writes as a dictionary of its own properties");
            return;
        }

        if (!seen.Add(type))
        {
            problems.Add($"{path}: {type.Name} refers back to itself (a cycle)");
            return;
        }

        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            Check(p.PropertyType, $"{path}.{p.Name}", seen, problems);
        }

        seen.Remove(type);
    }

    [Theory]
    [InlineData(typeof(SocketInfo))]
    [InlineData(typeof(SocketOwner))]
    [InlineData(typeof(SocketSummary))]
    [InlineData(typeof(SocketProcess))]
    [InlineData(typeof(SocketTools.Watching.TimerSample))]
    public void EveryPropertyIsAPlainValue(Type type)
    {
        var problems = new List<string>();
        Check(type, type.Name, [], problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheCheckRejectsAnIPAddress()
    {
        var problems = new List<string>();
        Check(typeof(WithAddress), nameof(WithAddress), [], problems);
        Assert.Contains(problems, p => p.Contains("System.Net.IPAddress", StringComparison.Ordinal));
    }

    private sealed class WithAddress
    {
        public System.Net.IPAddress? Address { get; init; }
    }
}
