using System.Reflection;

namespace SocketTools.Tests.Static;

/// <summary>
/// Parameters take what a user of ss, netstat and lsof types, the same way in every cmdlet: a
/// duration in seconds or with a unit (never ticks), a port as ss writes it.
/// </summary>
[Trait("Tier", "Offline")]
public sealed class ParameterInputStaticTests
{
    private static bool Has(PropertyInfo p, string attribute) =>
        p.GetCustomAttributesData().Any(a => a.AttributeType.FullName == attribute);

    private static IEnumerable<(string Cmdlet, PropertyInfo Property)> AllParameters() =>
        Repo.Cmdlets().SelectMany(c => Repo.Parameters(c.Type).Select(p => (c.Name, p.Property)));

    [Fact]
    public void EveryTimeSpanParameterReadsNumbersAsSeconds()
    {
        int seen = 0;
        foreach (var (cmdlet, p) in AllParameters())
        {
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (type.FullName != "System.TimeSpan")
            {
                continue;
            }

            seen++;
            Assert.True(Has(p, "SocketTools.Commands.DurationTransformationAttribute"),
                $"{cmdlet} -{p.Name} is a TimeSpan without [DurationTransformation]: PowerShell reads -{p.Name} 2 as two ticks");
        }

        Assert.True(seen > 0, "no TimeSpan parameter found");
    }

    /// <summary>A port parameter takes what ss takes (22, 8000-8100, ssh, :22): a string, parsed by the core, in every cmdlet.</summary>
    [Fact]
    public void EveryPortParameterTakesTextAsSsWritesIt()
    {
        int seen = 0;
        foreach (var (cmdlet, p) in AllParameters())
        {
            if (!p.Name.EndsWith("Port", StringComparison.Ordinal))
            {
                continue;
            }

            seen++;
            Assert.True(p.PropertyType.FullName == "System.String[]", $"{cmdlet} -{p.Name} is {p.PropertyType.Name}: ':22' and 'ssh' cannot bind to it");
        }

        Assert.True(seen >= 6, $"only {seen} port parameters found");
    }
}
